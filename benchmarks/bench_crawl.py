"""Crawl throughput against a simulated newsroom: first crawl and furniture-only rechecks.

    .venv/bin/python benchmarks/bench_crawl.py [--articles 2000] [--database-url URL]
        [--in-body-furniture]

The newsroom runs in its own process (so its CPU is not counted); the figures are for the
crawler process: checks per second (wall clock) and CPU milliseconds per check. The recheck
round re-fetches every article while only the page furniture has changed, which is what the
region-fingerprint fast path is for.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from redline.crawl import Crawler
from redline.settings import CrawlSettings, FetchSettings, Settings
from redline.sources import SourceConfig
from redline.storage import Store


def start_newsroom(articles: int, in_body: bool = False) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "redline.testing.newsroom",
            "--port",
            str(port),
            "--articles",
            str(articles),
            *(() if in_body else ("--no-in-body-furniture",)),
        ],
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(base + "/robots.txt", timeout=1)
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("newsroom did not start")


def measure(label: str, crawler: Crawler, **kw: object) -> None:
    cpu0, t0 = time.process_time(), time.perf_counter()
    summary = asyncio.run(crawler.run_once(**kw))  # type: ignore[arg-type]
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    n = max(summary.checked, 1)
    print(
        f"{label:<28} checks {summary.checked:>6}  {summary.checked / wall:8.1f} checks/s  "
        f"{cpu * 1000 / n:6.2f} CPU ms/check  wall {wall:6.2f}s  outcomes {dict(summary.outcomes)}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument(
        "--in-body-furniture",
        action="store_true",
        help="rotating teasers, a sign-up box and a credit line inside the article body (no "
        "fast path then: every recheck extracts); off by default, comparable with older figures",
    )
    args = ap.parse_args()
    proc, base = start_newsroom(args.articles, args.in_body_furniture)
    tmp = tempfile.TemporaryDirectory()
    try:
        url = args.database_url or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
        store = Store.open(url)
        store.save_source(
            SourceConfig(
                name="newsroom",
                sitemaps=(f"{base}/sitemap.xml",),
                delay=0.0,
                concurrency=args.concurrency,
                allow_private=True,
            ),
            datetime.now(UTC),
        )
        settings = Settings(
            fetch=FetchSettings(global_concurrency=args.concurrency, per_host_delay=0, retries=0),
            crawl=CrawlSettings(batch_size=500),
        )
        crawler = Crawler(store, settings)
        print(
            f"newsroom {base} with {args.articles} articles; database {url.split('?')[0]}; pid {os.getpid()}"
        )
        measure("first crawl (discover+all)", crawler, all_live=True)
        measure("recheck (furniture only)", crawler, all_live=True, force_discovery=False)
        measure("recheck again", crawler, all_live=True, force_discovery=False)
        store.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        tmp.cleanup()


if __name__ == "__main__":
    main()
