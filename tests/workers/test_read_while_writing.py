"""The web app read under load while a worker writes, as separate processes on one database:
no errors, no 'database is locked' (SQLite WAL + busy timeout; PostgreSQL pooling).

The source is re-checked every second whatever the article's age, so the worker keeps
re-checking during the whole reading window: at least half of its two-second slices, and one of
any two in a row, see new captures, and each round of scripted edits is re-checked into new
versions while the reads go on."""

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
from sqlalchemy import func, select

from redline.frontier.schedule import SchedulePolicy
from redline.sources import SourceConfig
from redline.storage import Store
from redline.storage.schema import captures, versions
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


def wait_until(cond, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.2)


def versions_count(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(versions)).scalar_one())


def captures_count(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(captures)).scalar_one())


def version_count(store: Store, url: str) -> int:
    art = store.find_article(url)
    return art.version_count if art else 0


@pytest.mark.slow
def test_web_reads_while_a_worker_writes(
    database_url: str, room_site: tuple[Newsroom, str]
) -> None:
    room, base = room_site
    store = Store.open(database_url)
    store.save_source(
        SourceConfig(
            name="newsroom",
            sitemaps=(f"{base}/sitemap.xml",),
            feeds=(f"{base}/rss.xml",),
            delay=0,
            concurrency=8,
            allow_private=True,
            schedule=SchedulePolicy.from_config([["3650d", "1s"]]),
        ),
        datetime.now(UTC),
    )
    env = {**os.environ, "REDLINE_DATABASE_URL": database_url}
    worker = subprocess.Popen(
        [sys.executable, "-m", "redline", "worker", "--concurrency", "8"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    port = free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "redline", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
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
        wait_until(lambda: versions_count(store) >= 50, 90, "the first round of checks")
        total = 0
        slices_writing: list[bool] = []  # per two-second slice of reading: did the worker write?
        content_kinds = {"headline", "paragraph_added", "number", "quote", "correction", "byline"}
        for _ in range(3):  # edits keep arriving while we read
            applied = [e for e in room.advance() if e.kind in content_kinds]
            edited = {base + room.article_path(e.slug) for e in applied}
            before = {u: version_count(store, u) for u in edited}
            rechecked = False
            for slice_no in range(10):  # two-second slices, until the edits are re-checked
                captures_before = captures_count(store)
                n, failures = asyncio.run(hammer(web_base, paths, 2.0))
                total += n
                assert not failures, failures[:3]
                slices_writing.append(captures_count(store) > captures_before)
                # a loaded machine may stall the worker for one slice; two in a row would mean
                # the reads no longer overlap the writes
                assert len(slices_writing) < 2 or any(slices_writing[-2:]), (
                    f"no write in slices {len(slices_writing) - 2}-"
                )
                rechecked = any(version_count(store, u) > v for u, v in before.items())
                if rechecked and slice_no >= 2:
                    break
            assert rechecked or not edited, f"edits {applied} never re-checked while reading"
        assert total > 50
        assert sum(slices_writing) >= len(slices_writing) / 2, slices_writing
    finally:
        for p in (worker, web):
            p.send_signal(signal.SIGTERM)
        outs = [p.communicate(timeout=30)[0] for p in (worker, web)]
        store.close()
    assert "locked" not in outs[0] + outs[1]
    assert worker.returncode == 0 and web.returncode == 0, outs
