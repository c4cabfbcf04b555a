"""Workers as real processes on PostgreSQL: SIGKILL mid-batch, a database restart, SIGTERM.

These start `redline worker` subprocesses against one database and a newsroom whose pages take
a while, so that a worker can be killed while it holds leases on unchecked articles.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from tests.conftest import restart_postgres, restartable_postgres

from redline.sources import SourceConfig
from redline.storage import Store
from redline.storage.schema import articles, captures, versions
from redline.testing.newsroom import Newsroom, serve_newsroom

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
N = 30


@pytest.fixture
def room() -> Newsroom:
    r = Newsroom(n_articles=N, seed=4, script=[])
    r.latency = 0.3
    return r


@pytest.fixture
def site(room: Newsroom) -> Iterator[str]:
    with serve_newsroom(room) as base:
        yield base


@pytest.fixture
def store(postgres_url: str, site: str, room: Newsroom) -> Iterator[Store]:
    s = Store.open(postgres_url)
    src, _ = s.save_source(
        SourceConfig(name="newsroom", delay=0, concurrency=8, allow_private=True), datetime.now(UTC)
    )
    for a in room.articles:
        s.add_article(site + room.article_path(a.slug), src.id, datetime.now(UTC))
    yield s
    s.close()


def start_worker(url: str, *extra: str) -> subprocess.Popen[str]:
    # a worker stopped inside a write frees its locks after 5 s idle (the default is a minute)
    env = {
        **os.environ,
        "REDLINE_DATABASE_URL": url,
        "REDLINE_CRAWL__IDLE_TRANSACTION_TIMEOUT": "5",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "redline",
            "-v",
            "worker",
            "--concurrency",
            "4",
            "--lease",
            "6",
            *extra,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def scalar(store: Store, q) -> int:  # type: ignore[no-untyped-def]
    with store.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


def wait_for(cond, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def checked_articles(store: Store) -> int:
    return scalar(
        store, select(func.count()).select_from(articles).where(articles.c.version_count >= 1)
    )


def test_killed_worker_loses_nothing_and_no_version_is_written_twice(store: Store) -> None:
    w1 = start_worker(store.engine.url.render_as_string(hide_password=False))
    try:
        wait_for(
            lambda: scalar(store, select(func.count()).select_from(captures)) >= 3,
            60,
            "the first worker's first captures",
        )
        leased = scalar(
            store,
            select(func.count()).select_from(articles).where(articles.c.lease_owner.is_not(None)),
        )
        assert leased > 0, "the worker should hold leases mid-batch"
        w1.send_signal(signal.SIGKILL)
        w1.wait(timeout=10)
        done_by_w1 = checked_articles(store)
        assert done_by_w1 < N
        w2 = start_worker(store.engine.url.render_as_string(hide_password=False))
        try:
            wait_for(
                lambda: checked_articles(store) == N,
                6 + 60,
                "every article to be checked by the second worker",
            )
        finally:
            w2.send_signal(signal.SIGTERM)
            out, _ = w2.communicate(timeout=30)
        assert w2.returncode == 0, out
        assert "stopped" in out
    finally:
        if w1.poll() is None:
            w1.kill()
    assert (
        scalar(store, select(func.count()).select_from(versions)) == N
    )  # exactly one version each
    assert scalar(store, select(func.max(articles.c.version_count))) == 1
    assert (
        scalar(
            store,
            select(func.count()).select_from(articles).where(articles.c.lease_owner.is_not(None)),
        )
        == 0
    )


def test_a_stalled_worker_resuming_after_a_takeover_writes_no_version_twice(store: Store) -> None:
    """Two checkers on the same articles for real: the first is SIGSTOPped holding its batch,
    its leases run out, the second checks everything; then the first resumes and records the
    checks it had started, each expecting version 1 to be new. Only the compare-and-set
    stands between them and a second copy of each version (the unique version number does
    not: without the compare, the late writer would take number 2)."""
    url = store.engine.url.render_as_string(hide_password=False)
    w1 = start_worker(url)
    w2: subprocess.Popen[str] | None = None
    try:
        wait_for(
            lambda: scalar(store, select(func.count()).select_from(captures)) >= 3,
            60,
            "the first worker's first captures",
        )
        w1.send_signal(signal.SIGSTOP)
        assert checked_articles(store) < N
        w2 = start_worker(url)
        wait_for(lambda: checked_articles(store) == N, 6 + 60, "the second worker to take over")
        w2.send_signal(signal.SIGTERM)
        w2.communicate(timeout=30)
        before = scalar(store, select(func.count()).select_from(captures))
        w1.send_signal(signal.SIGCONT)
        wait_for(
            lambda: scalar(store, select(func.count()).select_from(captures)) >= before + 3,
            30,
            "the resumed worker to record the checks it started before the takeover",
        )
        time.sleep(1)
    finally:
        for w in (w1, w2):
            if w is not None and w.poll() is None:
                w.send_signal(signal.SIGCONT)
                w.kill()
                w.wait()
    assert scalar(store, select(func.count()).select_from(versions)) == N
    assert scalar(store, select(func.max(articles.c.version_count))) == 1
    conflicts = select(func.count()).select_from(captures).where(captures.c.outcome == "conflict")
    assert scalar(store, conflicts) > 0  # the race did happen, and lost


def test_two_workers_share_the_frontier(store: Store) -> None:
    url = store.engine.url.render_as_string(hide_password=False)
    workers = [start_worker(url), start_worker(url)]
    try:
        wait_for(lambda: checked_articles(store) == N, 90, "every article to be checked")
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        outs = [w.communicate(timeout=30)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outs
    assert scalar(store, select(func.count()).select_from(versions)) == N
    by_worker = store.workers_seen(datetime(2000, 1, 1, tzinfo=UTC))
    assert len(by_worker) == 2


def test_workers_survive_a_postgresql_restart(store: Store) -> None:
    url = store.engine.url.render_as_string(hide_password=False)
    cluster = restartable_postgres(url)  # found by port; a skip (or, required, a failure)
    w = start_worker(url)
    try:
        wait_for(
            lambda: scalar(store, select(func.count()).select_from(captures)) >= 3,
            60,
            "first captures",
        )
        restart_postgres(cluster)
        store.engine.dispose()
        wait_for(
            lambda: checked_articles(store) == N,
            120,
            "every article to be checked after the restart",
        )
        assert w.poll() is None, "the worker must not die when the database restarts"
    finally:
        w.send_signal(signal.SIGTERM)
        out, _ = w.communicate(timeout=30)
    assert w.returncode == 0, out
    assert scalar(store, select(func.count()).select_from(versions)) == N
