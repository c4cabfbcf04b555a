"""A feed that drips one byte a second: checks go on beside it, its source stays leased to the
worker discovering it (renewed past the lease period), and the document's deadline ends it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from redline.crawl import Crawler
from redline.settings import CrawlSettings, FetchSettings, Settings
from redline.sources import SourceConfig
from redline.storage import Store
from redline.testing.newsroom import Newsroom, serve_newsroom


def test_a_dripping_feed_never_stalls_checks_nor_loses_its_lease(store: Store) -> None:
    room = Newsroom(n_articles=3, seed=8, script=[])
    settings = Settings(
        fetch=FetchSettings(retries=0, per_host_delay=0),
        crawl=CrawlSettings(
            lease=timedelta(seconds=2), heartbeat_every=0.2, discovery_document_timeout=8
        ),
    )
    with serve_newsroom(room) as base:
        now = datetime.now(UTC)
        store.save_source(
            SourceConfig(
                name="drip",
                feeds=(f"{base}/hostile/slow-feed-d.xml",),
                delay=0,
                allow_private=True,
                respect_robots=False,
            ),
            now,
        )
        ok, _ = store.save_source(
            SourceConfig(name="ok", delay=0, allow_private=True, respect_robots=False), now
        )
        article, _ = store.add_article(base + room.article_path(room.articles[0].slug), ok.id, now)

        async def go() -> tuple[int, int, list[str]]:
            stop = asyncio.Event()
            crawler = Crawler(store, settings, worker_id="w1")
            task = asyncio.create_task(crawler.run_forever(stop))
            t0 = asyncio.get_running_loop().time()
            await asyncio.sleep(3.0)  # past the 2 s lease, inside the 8 s document deadline
            stolen = store.claim_sources(
                datetime.now(UTC), worker="w2", lease=timedelta(seconds=60), name="drip"
            )
            while store.get_article(article.id).version_count == 0:
                if asyncio.get_running_loop().time() - t0 > 7:  # inside the 8 s deadline
                    break
                await asyncio.sleep(0.2)
            checked = store.get_article(article.id).version_count
            await asyncio.sleep(max(9.5 - (asyncio.get_running_loop().time() - t0), 0))
            stop.set()
            await asyncio.wait_for(task, 20)
            return checked, len(stolen), [e["error"] for e in store.discovery_errors()]

        checked, stolen, errors = asyncio.run(go())
    assert checked == 1  # checked while the feed was still dripping
    assert stolen == 0  # the lease was renewed: no other worker re-claimed the source
    assert any("took longer than 8s" in e for e in errors), errors
