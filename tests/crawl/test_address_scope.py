"""``allow_private`` belongs to one source's fetches, for that source's own hosts only.

The newsroom (127.0.0.1) is a local source with ``allow_private``. A second, external source
(127.0.0.2, made to look public) lists one of the newsroom's pages in its feed: that page must
never be fetched for it, however long the newsroom's permission has been in use in the process.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from tests.conftest import serve_asgi

from redline.crawl import Crawler
from redline.fetch import addresses
from redline.settings import CrawlSettings, FetchSettings, Settings
from redline.sources import SourceConfig
from redline.storage import Store
from redline.testing.newsroom import Newsroom, serve_newsroom

SETTINGS = Settings(fetch=FetchSettings(retries=0, per_host_delay=0), crawl=CrawlSettings())


def feed_app(links: list[str]):  # type: ignore[no-untyped-def]
    items = "".join(f"<item><title>t</title><link>{u}</link></item>" for u in links)
    body = f'<rss version="2.0"><channel><title>ext</title>{items}</channel></rss>'.encode()

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/rss+xml")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


def test_another_sources_link_to_a_local_host_is_never_fetched(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(addresses, "is_public_address", lambda ip: ip == "127.0.0.2")
    room = Newsroom(n_articles=4, seed=5)
    secret_slug = room.articles[0].slug
    with serve_newsroom(room) as base:
        secret = base + room.article_path(secret_slug)
        with serve_asgi(feed_app([secret]), host="127.0.0.2") as ext:
            now = datetime.now(UTC)
            # The newsroom's own feed, minus the page the external feed points at.
            store.save_source(
                SourceConfig(
                    name="newsroom",
                    feeds=(f"{base}/rss.xml",),
                    exclude=(secret_slug,),
                    delay=0,
                    concurrency=8,
                    allow_private=True,
                ),
                now,
            )
            store.save_source(
                SourceConfig(name="ext", feeds=(f"{ext}/feed.xml",), delay=0, respect_robots=False),
                now,
            )
            summary = asyncio.run(Crawler(store, SETTINGS).run_once())
    assert summary.discovery_errors == []
    leaked = store.find_article(secret)
    assert leaked is not None and leaked.version_count == 0
    [capture] = store.captures(leaked.id)
    assert capture.outcome == "error" and "blocked_address" in (capture.reason or "")
    # The newsroom's own pages were fetched under its own permission, in the same process.
    own = [a for a in store.list_articles(source="newsroom", limit=100)]
    assert own and all(a.version_count == 1 for a in own)
