"""The web app read under load while a worker writes, as separate processes on one database:
no errors, no 'database is locked' (SQLite WAL + busy timeout; PostgreSQL pooling)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from redline.sources import SourceConfig
from redline.storage import Store
from redline.testing.asgi import free_port, wait_http
from redline.testing.newsroom import Newsroom, serve_newsroom


@pytest.fixture
def room_site() -> Iterator[tuple[Newsroom, str]]:
    room = Newsroom(n_articles=60, seed=9, random_edits_after_script=True)
    with serve_newsroom(room) as base:
        yield room, base


async def hammer(base: str, paths: list[str], seconds: float) -> tuple[int, list[str]]:
    failures: list[str] = []
    done = 0
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(timeout=30) as client:

        async def one(k: int) -> None:
            nonlocal done
            while time.monotonic() < deadline:
                path = paths[(done + k) % len(paths)]
                r = await client.get(base + path)
                done += 1
                if r.status_code >= 500:
                    failures.append(f"{path}: {r.status_code} {r.text[:200]}")

        await asyncio.gather(*(one(k) for k in range(8)))
    return done, failures


@pytest.mark.slow
def test_web_reads_while_a_worker_writes(
    database_url: str, room_site: tuple[Newsroom, str]
) -> None:
    room, base = room_site
    store = Store.open(database_url)
    store.save_source(
        SourceConfig(name="newsroom", sitemaps=(f"{base}/sitemap.xml",), feeds=(f"{base}/rss.xml",),
                     delay=0, concurrency=8, allow_private=True),
        datetime.now(UTC),
    )  # fmt: skip
    env = {**os.environ, "REDLINE_DATABASE_URL": database_url}
    worker = subprocess.Popen([sys.executable, "-m", "redline", "worker", "--concurrency", "8"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    port = free_port()
    web = subprocess.Popen([sys.executable, "-m", "redline", "serve", "--port", str(port)], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    web_base = f"http://127.0.0.1:{port}"
    try:
        wait_http(web_base + "/api/v1/sources", web)
        paths = [
            "/",
            "/sources",
            "/articles",
            "/api/v1/changes",
            "/api/v1/articles",
            "/search?q=city",
            "/feeds/changes.atom",
        ]
        total = 0
        for _ in range(3):  # edits keep arriving while we read
            room.advance()
            n, failures = asyncio.run(hammer(web_base, paths, 3.0))
            total += n
            assert not failures, failures[:3]
        assert total > 50
        assert store.count_articles() >= 50  # the worker really was writing meanwhile
    finally:
        for p in (worker, web):
            p.send_signal(signal.SIGTERM)
        outs = [p.communicate(timeout=30)[0] for p in (worker, web)]
        store.close()
    assert "locked" not in outs[0] + outs[1]
    assert worker.returncode == 0 and web.returncode == 0, outs
