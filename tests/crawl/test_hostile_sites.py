"""Hostile and broken sites: every one becomes a recorded error or suspect capture on its own
article, the crawl goes on, and memory stays bounded."""

from __future__ import annotations

import asyncio
import resource
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from redline.crawl import Crawler, CrawlSummary
from redline.settings import CrawlSettings, FetchSettings, Settings
from redline.sources import SourceConfig
from redline.storage import SourceRow, Store
from redline.testing.newsroom import Newsroom, hostile, serve_newsroom

HOSTILE = {
    "huge": "too_large",
    "binary": "binary",
    "slow": "timeout",
    "redirect-loop": "too_many_redirects",
    "gzip-bomb": "too_large",
    "error-500": "http_status: 500",
}


@pytest.fixture
def site() -> Iterator[tuple[str, Newsroom]]:
    room = Newsroom(n_articles=3, seed=2, script=[])
    with serve_newsroom(room) as base:
        yield base, room


def _store_with_source(tmp_path: Path, name: str, **cfg: Any) -> tuple[Store, SourceRow]:
    store = Store.open(f"sqlite:///{tmp_path}/{name}.sqlite3")
    src, _ = store.save_source(
        SourceConfig(name=name, delay=0, concurrency=8, allow_private=True, **cfg),
        datetime.now(UTC),
    )
    return store, src


def test_hostile_pages_are_recorded_and_the_crawl_goes_on(
    site: tuple[str, Newsroom], tmp_path
) -> None:  # type: ignore[no-untyped-def]
    base, room = site
    store, src = _store_with_source(tmp_path, "h")
    now = datetime.now(UTC)
    urls = {
        name: f"{base}/hostile/{name}" for name in (*HOSTILE, "bad-encoding", "deep-nesting.html")
    }
    for url in urls.values():
        store.add_article(url, src.id, now)
    good = base + room.article_path(room.articles[0].slug)
    store.add_article(good, src.id, now)
    settings = Settings(
        fetch=FetchSettings(
            retries=0, per_host_delay=0, total_timeout=6, max_body_bytes=5 * 1024 * 1024
        ),
        crawl=CrawlSettings(),
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    summary = asyncio.run(Crawler(store, settings).run_once(all_live=True, force_discovery=False))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert summary.checked == len(urls) + 1
    for name, reason in HOSTILE.items():
        art = store.find_article(urls[name])
        assert art is not None and art.version_count == 0, name
        cap = store.captures(art.id, limit=1)[0]
        assert cap.outcome in ("error", "suspect"), (name, cap)
        assert reason in (cap.reason or ""), (name, cap.reason)
    # a page that lies about its encoding is decoded, not turned into mojibake or a crash
    bad = store.find_article(urls["bad-encoding"])
    assert bad is not None and bad.version_count == 1, store.captures(bad.id, limit=1)
    assert "\ufffd" not in store.versions(bad.id)[0].text[:200]
    assert "café" in store.versions(bad.id)[0].text
    deep = store.find_article(urls["deep-nesting.html"])
    assert deep is not None and store.captures(deep.id, limit=1)
    ok = store.find_article(good)
    assert ok is not None and ok.version_count == 1
    assert grown_mb < 400, f"resident memory grew by {grown_mb:.0f} MB"


def test_hostile_feeds_and_sitemaps_are_clear_discovery_errors(
    site: tuple[str, Newsroom], tmp_path
) -> None:  # type: ignore[no-untyped-def]
    base, _room = site
    store = Store.open(f"sqlite:///{tmp_path}/d.sqlite3")
    store.save_source(
        SourceConfig(
            name="bad",
            feeds=(f"{base}/hostile/malformed-feed.xml", f"{base}/hostile/xxe.xml"),
            sitemaps=(f"{base}/hostile/billion-laughs.xml", f"{base}/hostile/binary"),
            homepage=f"{base}/",
            delay=0,
            allow_private=True,
        ),
        datetime.now(UTC),
    )
    settings = Settings(fetch=FetchSettings(retries=0, per_host_delay=0), crawl=CrawlSettings())
    summary = asyncio.run(Crawler(store, settings).run_once())
    errors = "\n".join(summary.discovery_errors)
    assert "xxe.xml" in errors and "billion-laughs.xml" in errors and "binary" in errors
    (malformed,) = [e for e in summary.discovery_errors if "malformed-feed.xml" in e]
    assert "malformed" in malformed.split(": ", 1)[1]  # a broken feed is never silently empty
    assert summary.errors >= 4
    recorded = {e["url"].rsplit("/", 1)[-1]: e["error"] for e in store.discovery_errors()}
    assert "malformed" in recorded["malformed-feed.xml"] and "xxe.xml" in recorded
    assert all(len(e.splitlines()) == 1 for e in summary.discovery_errors)
    assert "root:" not in errors  # /etc/passwd was never read
    assert summary.discovered >= 3  # the homepage still worked


def _crawl(store: Store, retries: int, backoff: float) -> tuple[CrawlSummary, float]:
    settings = Settings(
        fetch=FetchSettings(
            retries=retries, retry_backoff=backoff, per_host_delay=0, total_timeout=6
        ),
        crawl=CrawlSettings(),
    )
    t0 = time.monotonic()
    summary = asyncio.run(Crawler(store, settings).run_once(all_live=True, force_discovery=False))
    return summary, time.monotonic() - t0


def test_connection_resets_end_as_errors_after_bounded_retries(
    site: tuple[str, Newsroom], tmp_path
) -> None:  # type: ignore[no-untyped-def]
    base, room = site
    store, src = _store_with_source(tmp_path, "r", respect_robots=False)
    now = datetime.now(UTC)
    good = base + room.article_path(room.articles[0].slug)
    store.add_article(good, src.id, now)
    hostile.HITS.clear()
    with (
        hostile.serve_resetting() as reset_base,
        hostile.serve_resetting(after_headers=True) as midway_base,
    ):
        store.add_article(f"{reset_base}/story/reset-before-answer", src.id, now)
        store.add_article(f"{midway_base}/story/reset-mid-body", src.id, now)
        summary, _ = _crawl(store, retries=2, backoff=0.05)
    assert summary.checked == 3
    assert hostile.HITS["reset"] == 2 * 3  # one try and two retries each, then given up
    for url in (f"{reset_base}/story/reset-before-answer", f"{midway_base}/story/reset-mid-body"):
        art = store.find_article(url)
        assert art is not None and art.version_count == 0
        cap = store.captures(art.id, limit=1)[0]
        assert cap.outcome == "error" and (cap.reason or "").startswith("connect:"), cap
        assert art.next_check is not None  # rescheduled, not stuck
    ok = store.find_article(good)
    assert ok is not None and ok.version_count == 1  # the crawl went on


def test_a_5xx_storm_ends_as_error_captures_after_bounded_retries_with_backoff(
    site: tuple[str, Newsroom], tmp_path
) -> None:  # type: ignore[no-untyped-def]
    base, room = site
    store, src = _store_with_source(tmp_path, "s")
    now = datetime.now(UTC)
    codes = (500, 502, 503, 504)
    for code in codes:
        store.add_article(f"{base}/hostile/storm-{code}", src.id, now)
    goods = [base + room.article_path(a.slug) for a in room.articles]
    for url in goods:
        store.add_article(url, src.id, now)
    hostile.HITS.clear()
    summary, seconds = _crawl(store, retries=3, backoff=0.05)
    assert summary.checked == len(codes) + len(goods)
    for code in codes:
        assert hostile.HITS[f"storm-{code}"] == 4, hostile.HITS  # 1 try + 3 retries, no more
        art = store.find_article(f"{base}/hostile/storm-{code}")
        assert art is not None
        cap = store.captures(art.id, limit=1)[0]
        assert (cap.outcome, cap.reason, cap.http_status) == ("error", f"http_status: {code}", code)
        assert art.last_error == f"http_status: {code}"
    assert seconds >= 0.05 + 0.1 + 0.2  # the backoff doubled between tries
    for url in goods:
        art = store.find_article(url)
        assert art is not None and art.version_count == 1, url
