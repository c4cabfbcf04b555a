"""`redline reextract` over many stored versions: wall time and peak memory.

    .venv/bin/python benchmarks/bench_reextract.py [--versions 10000] [--per-article 5]
        [--database-url URL]

Stores ``--versions`` versions (newsroom pages with in-body furniture, ``--per-article`` per
article, each a real edit of the one before) with their raw pages, as a crawl with an older
extractor would have left them (furniture in the text), then re-extracts them all and prints the
wall time, versions per second and the process's peak RSS. Populating is not timed.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redline.reextract import reextract
from redline.settings import FurnitureSettings
from redline.sources import SourceConfig
from redline.storage import CheckRecord, NewVersion, Store
from redline.testing.newsroom import Newsroom
from redline.testing.newsroom.content import NEW_PARAGRAPH, fill
from redline.testing.newsroom.site import article_page
from redline.versions.policy import content_hash

BASE = "http://newsroom.example"


def populate(store: Store, versions: int, per_article: int) -> int:
    articles = max(1, versions // per_article)
    room = Newsroom(n_articles=articles, seed=7)
    src = store.add_source(SourceConfig(name="newsroom", homepage=f"{BASE}/"), datetime.now(UTC))
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    rng = random.Random(7)
    written = 0
    for a in room.articles:
        a.visible = True
        url = BASE + room.article_path(a.slug)
        art, _ = store.add_article(url, src.id, t0, title=a.title)
        for n in range(per_article):
            if n:
                a.paragraphs.append(f"{fill(NEW_PARAGRAPH, rng)} (Update {n}.)")
            raw = article_page(room, a, BASE).encode()
            paras = tuple(a.paragraphs)
            store.record_check(
                CheckRecord(
                    article_id=art.id,
                    captured_at=t0 + timedelta(hours=n),
                    url=url,
                    outcome="new_version",
                    expected_version_count=n,
                    version=NewVersion(
                        title=a.title,
                        byline=a.byline,
                        published=None,
                        modified=None,
                        text="\n\n".join(paras),
                        content_hash=content_hash(a.title, a.byline, paras),
                        extractor="old",
                        extractor_version="0",
                        raw_html=raw,
                    ),
                )
            )
            written += 1
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--versions", type=int, default=10_000)
    ap.add_argument("--per-article", type=int, default=5)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    shm = Path("/dev/shm")  # a RAM disk where there is one: populating is not what is measured
    tmp = tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None)
    try:
        url = args.database_url or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
        store = Store.open(url)
        t = time.perf_counter()
        n = populate(store, args.versions, args.per_article)
        print(f"stored {n} versions in {time.perf_counter() - t:.1f}s (not timed below)")
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cpu0, t0 = time.process_time(), time.perf_counter()
        summary = reextract(store, settings=FurnitureSettings())
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(summary.line(False))
        print(
            f"reextract: {summary.versions} versions in {wall:.1f}s wall ({summary.versions / wall:.1f}"
            f" versions/s, {cpu * 1000 / max(summary.versions, 1):.1f} CPU ms/version); peak RSS "
            f"{rss / 1024:.0f} MiB (before: {rss0 / 1024:.0f} MiB)"
        )
        store.close()
    finally:
        tmp.cleanup()


if __name__ == "__main__":
    main()
