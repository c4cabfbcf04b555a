"""Faults an operator meets: dripping feeds among healthy sources, SIGTERM, a huge feed.

    .venv/bin/python benchmarks/bench_faults.py drip --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/bench_faults.py sigterm --postgres postgresql://...
    .venv/bin/python benchmarks/bench_faults.py bigfeed

drip: 10 sources on one simulated newsroom, each with its own articles re-checked every
``--every`` seconds, 2 worker processes on PostgreSQL; run once with 0 and once with 3 sources
whose feed drips one byte a second. Prints the check rate of the healthy sources' articles and
the maximum time any of their articles was overdue (sampled every 0.5 s).

sigterm: seconds from SIGTERM to exit of one worker, once while it discovers a dripping feed and
once while it checks a dripping page.

bigfeed: peak RSS of a worker process polling a 45 MB feed of 260,000 items (one discovery).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).parent))
from bench_crawl import start_newsroom
from bench_workers import rss_mb

from redline.frontier.schedule import SchedulePolicy
from redline.sources import SourceConfig
from redline.storage import Store
from redline.storage.schema import articles, captures, sources


def fresh_schema(pg: str) -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    plain = pg.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    return f"{pg}?options=-csearch_path%3D{schema}", schema


def drop_schema(pg: str, schema: str) -> None:
    with psycopg.connect(
        pg.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as c:
        c.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


OLD_SRC: str | None = None  # --old-src: workers run this source tree (a "before" measurement)


def open_store(url: str) -> Store:
    """The benchmark's own store; with --old-src the old code creates the schema, so its
    workers find the migration head they know (the tables the benchmark writes are the same)."""
    if OLD_SRC is None:
        return Store.open(url)
    code = "import sys; from redline.storage import Store; Store.open(sys.argv[1]).close()"
    env = {**os.environ, "PYTHONPATH": OLD_SRC}
    subprocess.run([sys.executable, "-c", code, url], env=env, check=True)
    return Store.open(url, run_migrations=False)


def worker(url: str, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "REDLINE_DATABASE_URL": url}
    if OLD_SRC is not None:
        env["PYTHONPATH"] = OLD_SRC
    return subprocess.Popen(
        [sys.executable, "-m", "redline", "worker", "--concurrency", "16", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def newsroom_articles(base: str) -> list[str]:
    import httpx

    from redline.discovery import parse_sitemap

    index = parse_sitemap(httpx.get(f"{base}/sitemap.xml").content, f"{base}/sitemap.xml")
    urls = [d.url for d in index.articles]
    for child in index.sitemaps:
        urls += [d.url for d in parse_sitemap(httpx.get(child).content, child).articles]
    return list(dict.fromkeys(urls))


def drip_run(
    pg: str, base: str, n_drip: int, per_source: int, every: float, seconds: float
) -> None:
    """Sources s0, s5 and s9 poll a feed (dripping one byte a second for the first ``n_drip`` of
    them, an ordinary one otherwise); the other 7 are measured: the same articles in every run."""
    url, schema = fresh_schema(pg)
    store = open_store(url)
    try:
        now = datetime.now(UTC)
        schedule = SchedulePolicy.from_config([["3650d", f"{every:g}s"]], jitter=0.1)
        pages = newsroom_articles(base)
        healthy: list[int] = []
        # Feed sources at 0, 5 and 9: each of the two workers claims some of them (sources
        # are claimed five at a time in id order), as happens with sources spread over workers.
        feed_sources = (0, 5, 9)
        for i in range(10):
            k = feed_sources.index(i) if i in feed_sources else -1
            feed = f"{base}/hostile/slow-feed-{i}.xml" if 0 <= k < n_drip else f"{base}/rss.xml"
            src, _ = store.save_source(
                SourceConfig(
                    name=f"s{i}",
                    feeds=(feed,) if k >= 0 else (),
                    delay=0,
                    concurrency=8,
                    allow_private=True,
                    respect_robots=False,
                    schedule=schedule,
                    include=("^$",) if k >= 0 else (),
                ),
                now,
            )
            if k < 0:
                n = len(healthy)
                healthy += [
                    store.add_article(page, src.id, now)[0].id for page in pages[n : n + per_source]
                ]
        procs = [worker(url), worker(url)]
        time.sleep(every * 2 + 5)  # first checks of everything, discovery started
        t0 = datetime.now(UTC)
        start = time.monotonic()
        max_overdue = 0.0
        while time.monotonic() - start < seconds:
            at = datetime.now(UTC)
            with store.engine.connect() as conn:
                oldest = conn.execute(
                    select(func.min(articles.c.next_check)).where(articles.c.id.in_(healthy))
                ).scalar()
            if oldest is not None:
                max_overdue = max(max_overdue, (at - oldest).total_seconds())
            time.sleep(0.5)
        wall = time.monotonic() - start
        with store.engine.connect() as conn:
            done = conn.execute(
                select(func.count())
                .select_from(captures)
                .where(captures.c.article_id.in_(healthy), captures.c.captured_at >= t0)
            ).scalar_one()
        print(
            f"{n_drip} dripping of 10 sources: {done / wall:6.2f} checks/s of the other 7 "
            f"sources' {len(healthy)} articles (each every {every:g}s), "
            f"max overdue {max_overdue:5.1f}s",
            flush=True,
        )
        t_stop = time.monotonic()
        for p in procs:
            p.send_signal(signal.SIGTERM)
        exits = []
        for p in procs:
            try:
                p.wait(timeout=max(120 - (time.monotonic() - t_stop), 1))
                exits.append(f"{time.monotonic() - t_stop:.1f}s")
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                exits.append("not within 120s (killed)")
        print(f"  workers exited after SIGTERM: {', '.join(exits)}")
    finally:
        store.close()
        drop_schema(pg, schema)


def sigterm_run(pg: str, base: str, what: str) -> None:
    url, schema = fresh_schema(pg)
    store = open_store(url)
    try:
        now = datetime.now(UTC)
        if what == "discovery":
            store.save_source(
                SourceConfig(
                    name="drip",
                    feeds=(f"{base}/hostile/slow-feed-t.xml",),
                    delay=0,
                    allow_private=True,
                    respect_robots=False,
                ),
                now,
            )
        else:
            src, _ = store.save_source(
                SourceConfig(name="slow", delay=0, allow_private=True, respect_robots=False), now
            )
            for i in range(4):
                store.add_article(f"{base}/hostile/slow?{i}", src.id, now)
        p = worker(url)
        table = sources if what == "discovery" else articles
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # until the worker holds its lease: in the drip
            with store.engine.connect() as conn:
                if conn.execute(select(table.c.id).where(table.c.lease_owner.is_not(None))).first():
                    break
            time.sleep(0.2)
        time.sleep(3)  # well into the drip
        t0 = time.monotonic()
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=600)
        except subprocess.TimeoutExpired:
            p.kill()
        print(
            f"SIGTERM during {what}: exited after {time.monotonic() - t0:5.1f}s (rc {p.returncode})"
        )
    finally:
        store.close()
        drop_schema(pg, schema)


def bigfeed(tmp: Path, items: int) -> None:
    """Serve a ~45 MB feed from a local HTTP server and run one worker-style discovery on it."""
    feed = tmp / "big.xml"
    with feed.open("w") as f:
        f.write(
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>big</title>'
        )
        for i in range(items):
            f.write(
                f"<item><title>Story number {i} of the big feed</title>"
                f"<link>https://big.example.com/news/2026/12/story-{i}.html</link>"
                f"<pubDate>Tue, 01 Dec 2026 10:00:00 +0000</pubDate></item>\n"
            )
        f.write("</channel></rss>")
    size = feed.stat().st_size
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(tmp),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db = f"sqlite:///{tmp}/big.sqlite3"
    store = Store.open(db)
    store.save_source(
        SourceConfig(
            name="big",
            feeds=(f"http://127.0.0.1:{port}/big.xml",),
            delay=0,
            allow_private=True,
            respect_robots=False,
        ),
        datetime.now(UTC),
    )
    store.close()
    time.sleep(1)
    env = {**os.environ, "REDLINE_DATABASE_URL": db}
    t0 = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, __file__, "discover-child", "--db", db],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak = 0.0
    while child.poll() is None:
        try:
            peak = max(peak, rss_mb(child.pid))
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.05)
    seconds = time.monotonic() - t0
    server.terminate()
    store = Store.open(db)
    n = store.count_articles()
    store.close()
    print(
        f"feed of {size / 1e6:.1f} MB, {items:,} items: one discovery in a worker process, "
        f"peak RSS {peak:.0f} MB, {n:,} articles added, {seconds:.1f}s"
    )


def discover_child(db: str) -> None:
    """The worker's own discovery path (claim, fetch, parse in a thread, add), nothing else."""
    import asyncio

    from redline.crawl import Crawler
    from redline.fetch import Fetcher
    from redline.settings import Settings

    store = Store.open(db)
    settings = Settings()

    async def go() -> None:
        async with Fetcher(settings.fetch) as fetcher:
            await Crawler(store, settings).discover(fetcher)

    asyncio.run(go())
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["drip", "sigterm", "bigfeed", "discover-child"])
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--old-src", help="run the workers from this src/ tree (before a change)")
    ap.add_argument("--drips", default="0,3", help="dripping-source counts to run")
    ap.add_argument(
        "--postgres",
        default=os.environ.get(
            "REDLINE_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
    )
    ap.add_argument("--per-source", type=int, default=20)
    ap.add_argument("--every", type=float, default=20.0)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--items", type=int, default=260_000)
    args = ap.parse_args()
    global OLD_SRC
    OLD_SRC = args.old_src
    if args.what == "discover-child":
        discover_child(args.db)
        return
    if args.what == "bigfeed":
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            bigfeed(Path(tmp), args.items)
        return
    proc, base = start_newsroom(200)
    try:
        if args.what == "drip":
            for n_drip in (int(x) for x in args.drips.split(",")):
                drip_run(args.postgres, base, n_drip, args.per_source, args.every, args.seconds)
        else:
            for what in ("discovery", "checks"):
                sigterm_run(args.postgres, base, what)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
