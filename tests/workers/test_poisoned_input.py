"""A `redline worker` process meets a sitemap whose entries urllib cannot even parse
('http://[oops/a'): the entries are skipped, the source's other sitemap is crawled, the
worker keeps running and stops cleanly on SIGTERM (it used to die, and so did every worker
that claimed the source after it). The same worker serves its metrics on --metrics-host."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select

from redline.sources import SourceConfig
from redline.storage import Store
from redline.storage.schema import articles, discovery_state, sources
from redline.testing.asgi import free_port
from redline.testing.newsroom import Newsroom, serve_newsroom

pytestmark = pytest.mark.slow


@pytest.fixture
def room() -> Newsroom:
    return Newsroom(n_articles=5, seed=7, script=[])


@pytest.fixture
def site(room: Newsroom) -> Iterator[str]:
    with serve_newsroom(room) as base:
        yield base


def test_a_poisoned_sitemap_does_not_kill_the_worker(
    database_url: str, site: str, room: Newsroom
) -> None:
    store = Store.open(database_url)
    poisoned = f"{site}/hostile/bad-urls-sitemap.xml"
    store.save_source(
        SourceConfig(
            name="newsroom",
            sitemaps=(poisoned, f"{site}/sitemap-articles.xml"),
            delay=0,
            concurrency=8,
            allow_private=True,
        ),
        datetime.now(UTC),
    )
    env = {**os.environ, "REDLINE_DATABASE_URL": database_url}
    metrics_port = free_port()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "redline",
            "-v",
            "worker",
            "--concurrency",
            "4",
            "--lease",
            "30",
            "--metrics-port",
            str(metrics_port),
            "--metrics-host",
            "127.0.0.1",
            "--heartbeat",
            "0.5",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def checked() -> int:
        with store.engine.connect() as conn:
            q = select(func.count()).select_from(articles).where(articles.c.version_count >= 1)
            return int(conn.execute(q).scalar_one())

    try:
        deadline = time.monotonic() + 60
        while checked() < len(room.articles) and time.monotonic() < deadline:
            assert worker.poll() is None, worker.communicate(timeout=5)[0]
            time.sleep(0.2)
        assert checked() == len(room.articles)
        time.sleep(0.5)
        assert worker.poll() is None, "the worker died"
        metrics = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).text
        assert "redline_checks_total" in metrics
    finally:
        worker.send_signal(signal.SIGTERM)
        out, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, out
    assert "Traceback" not in out, out
    with store.engine.connect() as conn:
        state = conn.execute(
            select(discovery_state.c.last_error).where(discovery_state.c.url == poisoned)
        ).one()
        source = conn.execute(select(sources.c.lease_owner, sources.c.next_discovery)).one()
    assert state.last_error is None  # the bad entries were skipped, the sitemap itself is fine
    assert source.lease_owner is None and source.next_discovery is not None
    assert store.count_articles() == len(room.articles)
    store.close()
