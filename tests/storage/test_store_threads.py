"""One Store serves many threads at once: the checker decides in worker threads and the web app
answers from a thread pool, so raw pages are compressed and read back from several threads."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from redline.storage import CheckRecord, NewVersion, Store

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def _page(n: int) -> bytes:
    # big and varied enough that one decompression takes a while: threads overlap in it
    return b"<html><p>" + os.urandom(2_000).hex().encode() * 40 + f"{n}</p></html>".encode()


def test_raw_pages_read_from_many_threads_at_once_come_back_whole(store: Store) -> None:
    pages = {}
    for n in range(6):
        art, _ = store.add_article(f"https://news.example/story-{n}", None, NOW)
        raw = _page(n)
        store.record_check(
            CheckRecord(
                article_id=art.id,
                captured_at=NOW + timedelta(minutes=n),
                url=art.url,
                outcome="new_version",
                version=NewVersion(
                    title=f"Story {n}",
                    byline=None,
                    published=NOW,
                    modified=None,
                    text=f"Text {n}",
                    content_hash=f"h{n}",
                    extractor="jsonld",
                    extractor_version="t",
                    raw_html=raw,
                ),
                expected_version_count=0,
            )
        )
        sha = store.versions(art.id)[0].raw_sha256
        assert sha is not None
        pages[sha] = raw
    shas = list(pages)

    def read(k: int) -> int:
        wrong = 0
        for i in range(150):
            sha = shas[(k + i) % len(shas)]
            wrong += store.raw_html(sha) != pages[sha]
        return wrong

    with ThreadPoolExecutor(4) as pool:
        assert sum(pool.map(read, range(4))) == 0
