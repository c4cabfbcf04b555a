"""Discovery over loopback: conditional-request state per source, and partial parses.

Validators (ETag / Last-Modified) belong to one source polling one URL as one kind, and are only
kept after a document was parsed in full, so a 304 never hides links that were never read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from tests.conftest import serve_asgi

from redline.crawl import Crawler
from redline.fetch.client import Fetcher
from redline.settings import CrawlSettings, FetchSettings, Settings
from redline.sources import SourceConfig
from redline.storage import Store
from redline.testing.newsroom import Newsroom, serve_newsroom

SETTINGS = Settings(fetch=FetchSettings(retries=0, per_host_delay=0), crawl=CrawlSettings())


def discover(store: Store) -> list[str]:
    """One forced discovery of every source (no checks); its errors."""

    async def go() -> list[str]:
        async with Fetcher(SETTINGS.fetch) as fetcher:
            reports = await Crawler(store, SETTINGS).discover(fetcher, force=True)
        return [e for r in reports for e in r.errors]

    return asyncio.run(go())


def urls_of(store: Store, source: str) -> set[str]:
    return {a.url for a in store.list_articles(source=source, limit=1000)}


def test_two_sources_polling_one_feed_keep_their_own_validators(store: Store) -> None:
    room = Newsroom(n_articles=6, seed=3)
    with serve_newsroom(room) as base:
        now = datetime.now(UTC)
        first = room.articles[0].slug
        # 'a' polls the RSS feed for one story; 'b' polls the same URL for all the others
        store.save_source(
            SourceConfig(
                name="a", feeds=(f"{base}/rss.xml",), include=(first,), delay=0, allow_private=True
            ),
            now,
        )
        store.save_source(
            SourceConfig(
                name="b", feeds=(f"{base}/rss.xml",), exclude=(first,), delay=0, allow_private=True
            ),
            now,
        )
        assert discover(store) == []
        assert urls_of(store, "a") == {base + room.article_path(first)}
        others = {base + room.article_path(a.slug) for a in room.articles[1:]}
        assert urls_of(store, "b") == others  # not a 304 on the strength of a's ETag
        assert discover(store) == []  # each source's own validators now give it 304s


TRUNCATED: dict[str, int] = {}


def _sitemap(n: int) -> bytes:
    urls = "".join(f"<url><loc>{{base}}/news/story-{i}.html</loc></url>" for i in range(n))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


async def flaky_app(scope, receive, send):  # type: ignore[no-untyped-def]
    """A sitemap with a fixed ETag whose first answer is cut off mid-way (as a proxy that drops
    the connection would deliver it) and later answers whole; 304 when the ETag matches."""
    headers = {k.decode(): v.decode() for k, v in scope["headers"]}
    base = "http://" + headers["host"]
    if scope["path"] == "/robots.txt":
        status, body, extra = 200, b"User-agent: *\nAllow: /\n", []
    elif headers.get("if-none-match") == '"v1"':
        status, body, extra = 304, b"", [(b"etag", b'"v1"')]
    else:
        TRUNCATED["served"] = TRUNCATED.get("served", 0) + 1
        whole = _sitemap(6).replace(b"{base}", base.encode())
        cut = whole[: whole.index(b"story-3")] if TRUNCATED["served"] == 1 else whole
        status, body, extra = 200, cut, [(b"etag", b'"v1"')]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/xml"), *extra],
        }
    )
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
def flaky() -> Iterator[str]:
    TRUNCATED.clear()
    with serve_asgi(flaky_app) as base:
        yield base


def test_a_truncated_sitemap_is_an_error_and_its_validators_are_not_kept(
    store: Store, flaky: str
) -> None:
    store.save_source(
        SourceConfig(name="f", sitemaps=(f"{flaky}/sitemap.xml",), delay=0, allow_private=True),
        datetime.now(UTC),
    )
    errors = discover(store)
    assert len(errors) == 1 and "truncated" in errors[0] and "\n" not in errors[0]
    assert len(urls_of(store, "f")) == 3  # the links before the cut are kept
    (state,) = store.discovery_errors()
    assert state["source"] == "f" and state["kind"] == "sitemap" and "truncated" in state["error"]
    # no ETag was kept for the broken copy: the next poll gets the whole file, not a 304
    assert discover(store) == []
    assert len(urls_of(store, "f")) == 6
    assert store.discovery_errors() == []
    assert discover(store) == [] and TRUNCATED["served"] == 2  # now a 304
