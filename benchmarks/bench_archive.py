"""Cost of the archive stage: WARC recording per capture, streaming exports, backfill.

    .venv/bin/python benchmarks/bench_archive.py crawl [--articles 1000]
    .venv/bin/python benchmarks/bench_archive.py export [--captures 100000]
    .venv/bin/python benchmarks/bench_archive.py backfill [--mementos 1000]

crawl: the first crawl of the crawl benchmark's newsroom (every check yields a version) with
WARC recording off and on: CPU ms per check of the crawler process, and the bytes stored per
capture (raw page blobs as today, plus WARC record heads).
export: 100,000 captures (request + response records of distinct ~5 KB pages) written straight
into a SQLite database, then `redline export warc` and `redline export wacz` run as child
processes: captures/s and the child's peak RSS (also at a tenth of the size, to show it is flat).
backfill: a Wayback-compatible archive (testing/newsroom/wayback.py, in this process) holding
1,000 mementos of 20 articles (duplicates, redirects, 404s, furniture-only changes, a 429 every
100 requests); `redline backfill --source` runs as a child: wall time, requests, counts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_crawl import start_newsroom
from sqlalchemy import func, insert, select

from redline.archive.warc import capture_records
from redline.crawl import Crawler
from redline.fetch.result import FetchResult, HttpExchange
from redline.settings import CrawlSettings, FetchSettings, Settings
from redline.sources import SourceConfig
from redline.storage import Store
from redline.storage import schema as t


def _sizes(store: Store) -> tuple[int, int, int]:
    with store.engine.connect() as conn:
        blobs = conn.execute(
            select(func.coalesce(func.sum(func.length(t.blobs.c.data)), 0))
        ).scalar_one()
        heads = conn.execute(
            select(func.coalesce(func.sum(func.length(t.warc_records.c.head)), 0))
        ).scalar_one()
        n = conn.execute(select(func.count()).select_from(t.warc_records)).scalar_one()
    return int(blobs), int(heads), int(n)


def bench_crawl(articles: int) -> None:
    proc, base = start_newsroom(articles)
    try:
        for record in (False, True):
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
                store = Store.open(url)
                store.save_source(
                    SourceConfig(
                        name="newsroom",
                        sitemaps=(f"{base}/sitemap.xml",),
                        delay=0.0,
                        concurrency=32,
                        allow_private=True,
                    ),
                    datetime.now(UTC),
                )
                settings = Settings(
                    fetch=FetchSettings(global_concurrency=32, per_host_delay=0, retries=0),
                    crawl=CrawlSettings(batch_size=500, record_warc=record),
                )
                crawler = Crawler(store, settings)
                cpu0, t0 = time.process_time(), time.perf_counter()
                summary = asyncio.run(crawler.run_once(all_live=True))
                wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
                blobs, heads, n = _sizes(store)
                v = summary.outcomes.get("new_version", 0)
                print(
                    f"first crawl, WARC {'on ' if record else 'off'}: {summary.checked} checks, "
                    f"{v} versions, {cpu * 1000 / max(summary.checked, 1):.2f} CPU ms/check, "
                    f"{summary.checked / wall:.1f} checks/s; raw page blobs {blobs / max(v, 1) / 1024:.2f} KiB/version, "
                    f"WARC heads {heads / max(v, 1) / 1024:.2f} KiB/capture ({n} records)"
                )
                store.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    # the builder alone, on a page of the newsroom's size
    import httpx

    proc, base = start_newsroom(50)
    try:
        page = httpx.get(base + "/sitemap.xml").text
        first = page.split("<loc>")[1].split("</loc>")[0]
        body = httpx.get(first).content
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    fr = _fake(first, body, datetime.now(UTC))
    n = 2000
    cpu0 = time.process_time()
    for _ in range(n):
        capture_records(fr)
    print(
        f"capture_records alone: {(time.process_time() - cpu0) * 1000 / n:.3f} CPU ms per capture "
        f"(page {len(body) / 1024:.1f} KiB)"
    )


def _fake(url: str, body: bytes, at: datetime) -> FetchResult:
    ex = HttpExchange(
        url,
        "GET",
        (
            ("Host", "news.example"),
            ("User-Agent", "Redline/bench"),
            ("Accept-Encoding", "gzip, deflate"),
        ),
        "HTTP/1.1",
        200,
        "OK",
        (("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))),
        at,
    )
    return FetchResult(
        url=url,
        final_url=url,
        status=200,
        body=body,
        content_type="text/html",
        etag=None,
        last_modified=None,
        duration_ms=1,
        exchanges=(ex,),
    )


WORDS = [
    "the",
    "minister",
    "said",
    "council",
    "budget",
    "storm",
    "river",
    "plan",
    "court",
    "vote",
    "rail",
    "city",
    "report",
]


def _populate(store: Store, captures: int) -> None:
    """``captures`` distinct pages with their request + response records (bulk inserts)."""
    rng = random.Random(1)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    with store.engine.begin() as conn:
        conn.execute(
            insert(t.articles).values(
                id=1,
                url="https://news.example/a",
                status="live",
                first_seen=at,
                version_count=0,
                check_count=0,
                missing_count=0,
            )
        )
    done = 0
    while done < captures:
        blobs, recs = [], []
        for i in range(done, min(done + 2000, captures)):
            words = " ".join(rng.choice(WORDS) for _ in range(700))
            body = f"<html><head><title>Story {i}</title></head><body><p>{words}</p></body></html>".encode()
            url = f"https://news.example/story/{i}.html"
            for r in capture_records(_fake(url, body, at + timedelta(seconds=i))):
                if r.payload is not None:
                    import hashlib

                    sha = hashlib.sha256(r.payload).hexdigest()
                    blobs.append(
                        {
                            "sha256": sha,
                            "size": len(r.payload),
                            "data": store._zc.compress(r.payload),
                        }
                    )
                else:
                    sha = None
                recs.append(
                    {
                        "article_id": 1,
                        "capture_id": None,
                        "version_id": None,
                        "record_id": r.record_id,
                        "record_type": r.record_type,
                        "target_uri": r.target_uri,
                        "warc_date": r.warc_date,
                        "http_status": r.http_status,
                        "content_type": r.content_type,
                        "payload_digest": r.payload_digest,
                        "payload_sha256": sha,
                        "head": store._zc.compress(r.head),
                    }
                )
        with store.engine.begin() as conn:
            conn.execute(insert(t.blobs), blobs)
            conn.execute(insert(t.warc_records), recs)
        done += len(blobs)


def _child(args: list[str], data: Path) -> tuple[float, float, str]:
    env = {**os.environ, "REDLINE_DATA_DIR": str(data)}
    env.pop("REDLINE_DATABASE_URL", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "redline", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    wall = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(rss, before) / 1024, out.strip()


def bench_export(captures: int, kinds: list[str], tenth: bool = True) -> None:
    for n in sorted({max(captures // 10, 1), captures} if tenth else {captures}):
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "data"
            data.mkdir()
            store = Store.open(f"sqlite:///{data / 'redline.sqlite3'}")
            t0 = time.perf_counter()
            _populate(store, n)
            store.close()
            print(f"{n:,} captures generated in {time.perf_counter() - t0:.1f}s")
            for kind in kinds:
                out = Path(tmp) / f"out.{kind}"
                # each export in a fresh child: ru_maxrss of RUSAGE_CHILDREN is the largest child
                # so far, so the smaller size runs first
                wall, rss, _line = _child(["export", kind, "--out", str(out)], data)
                print(
                    f"export {kind} of {n:,} captures: {n / wall:,.0f} captures/s, wall {wall:.1f}s, "
                    f"peak RSS of the largest child so far {rss:.1f} MiB, file {out.stat().st_size / 2**20:.1f} MiB"
                )


def bench_backfill(mementos: int) -> None:
    from redline.testing.newsroom import Newsroom
    from redline.testing.newsroom.site import article_page
    from redline.testing.newsroom.wayback import WaybackArchive, serve_wayback

    n_articles = 20
    room = Newsroom(n_articles=n_articles, seed=5)
    site = "http://news.example"
    archive = WaybackArchive(throttle=set(range(100, 100 * mementos, 100)))
    start = datetime(2025, 1, 1, tzinfo=UTC)
    per = mementos // n_articles
    from dataclasses import replace

    for a in room.articles:
        url = site + room.article_path(a.slug)
        for i in range(per):
            when = start + timedelta(hours=i)
            kind = i % 10
            if kind == 3:
                archive.add(url, when, "<html><body>Not found</body></html>", status=404)
            elif kind == 6:
                archive.add(url, when, "", status=301, location=site + "/")
            else:  # a new text every 5 captures; furniture differs in every capture
                cut = 1 + (i // 5) % max(len(a.paragraphs) - 1, 1)
                archive.add(
                    url, when, article_page(room, replace(a, paragraphs=a.paragraphs[:cut]), site)
                )
    with tempfile.TemporaryDirectory() as tmp, serve_wayback(archive) as wb:
        data = Path(tmp) / "data"
        data.mkdir()
        store = Store.open(f"sqlite:///{data / 'redline.sqlite3'}")
        store.save_source(SourceConfig(name="newsroom", homepage=site + "/"), start)
        for a in room.articles:
            store.add_article(
                site + room.article_path(a.slug), store.get_source("newsroom").id, start
            )
        store.close()
        wall, _rss, line = _child(["backfill", "--source", "newsroom", "--archive", wb], data)
        print(
            f"backfill of {len(archive.mementos):,} mementos ({n_articles} articles): wall {wall:.1f}s, "
            f"{archive.requests} requests answered by the archive (429s included)\n  {line}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("part", choices=["crawl", "export", "backfill"])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--captures", type=int, default=100_000)
    ap.add_argument("--mementos", type=int, default=1000)
    ap.add_argument("--kinds", default="warc,wacz", help="exports to measure (export part)")
    ap.add_argument("--no-tenth", action="store_true", help="skip the run at a tenth of the size")
    args = ap.parse_args()
    if args.part == "crawl":
        bench_crawl(args.articles)
    elif args.part == "export":
        bench_export(args.captures, args.kinds.split(","), not args.no_tenth)
    else:
        bench_backfill(args.mementos)


if __name__ == "__main__":
    main()
