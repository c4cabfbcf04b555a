"""SIGTERM reaches a real `redline worker` process promptly, whatever it is doing.

A worker discovering a feed that drips one byte a second, or checking a page that does, exits
within 10 s of SIGTERM and gives back its leases; a second signal exits at once.
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
from sqlalchemy import select

from redline.sources import SourceConfig
from redline.storage import Store
from redline.storage.schema import articles, sources
from redline.testing.newsroom import Newsroom, hostile, serve_newsroom

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def site() -> Iterator[str]:
    with serve_newsroom(Newsroom(n_articles=3, seed=6, script=[])) as base:
        yield base


def start_worker(url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "REDLINE_DATABASE_URL": url}
    return subprocess.Popen(
        [sys.executable, "-m", "redline", "-v", "worker", "--concurrency", "4", "--heartbeat", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(cond, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def leased(store: Store, table) -> int:  # type: ignore[no-untyped-def]
    with store.engine.connect() as conn:
        return len(conn.execute(select(table.c.id).where(table.c.lease_owner.is_not(None))).all())


def stop(proc: subprocess.Popen[str], *signals: signal.Signals) -> float:
    t0 = time.monotonic()
    for sig in signals:
        proc.send_signal(sig)
        time.sleep(0.2)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError("the worker did not exit within 30 s of the signal") from None
    return time.monotonic() - t0


def test_sigterm_during_a_dripping_discovery_exits_and_releases_the_source(
    postgres_url: str, site: str
) -> None:
    store = Store.open(postgres_url)
    try:
        store.save_source(
            SourceConfig(
                name="drip",
                feeds=(f"{site}/hostile/slow-feed-term.xml",),
                delay=0,
                allow_private=True,
                respect_robots=False,
            ),
            datetime.now(UTC),
        )
        before = hostile.HITS["slow-feed-term.xml"]
        proc = start_worker(postgres_url)
        try:
            wait_for(lambda: hostile.HITS["slow-feed-term.xml"] > before, 60, "the dripping feed")
            time.sleep(1.0)  # well into the drip, the source leased
            assert leased(store, sources) == 1
            took = stop(proc, signal.SIGTERM)
        finally:
            if proc.poll() is None:
                proc.kill()
        output = proc.stdout.read() if proc.stdout else ""
        assert proc.returncode == 0, output
        assert took < 10, f"exit took {took:.1f}s"
        assert leased(store, sources) == 0  # released, due again for another worker
    finally:
        store.close()


def test_sigterm_during_a_slow_check_exits_and_a_second_signal_exits_at_once(
    postgres_url: str, site: str
) -> None:
    store = Store.open(postgres_url)
    try:
        src, _ = store.save_source(
            SourceConfig(name="slow", delay=0, allow_private=True, respect_robots=False),
            datetime.now(UTC),
        )
        store.add_article(f"{site}/hostile/slow", src.id, datetime.now(UTC))
        for signals, limit in (((signal.SIGTERM,), 10.0), ((signal.SIGTERM, signal.SIGINT), 2.0)):
            before = hostile.HITS["slow"]
            proc = start_worker(postgres_url)
            try:
                wait_for(lambda b=before: hostile.HITS["slow"] > b, 60, "the slow page")
                time.sleep(0.5)
                assert leased(store, articles) == 1
                took = stop(proc, *signals)
            finally:
                if proc.poll() is None:
                    proc.kill()
            output = proc.stdout.read() if proc.stdout else ""
            assert took < limit, f"{signals}: exit took {took:.1f}s\n{output}"
            if len(signals) == 1:
                assert proc.returncode == 0, output
                assert leased(store, articles) == 0  # the cut-off check gave its article back
            else:
                assert proc.returncode == 128 + signal.SIGINT.value, output
    finally:
        store.close()
