"""The crawl engine under slow rounds and broken input: leases counted from the claim, broken
sources and rounds contained, bounded memory per round (no per-article bookkeeping)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

import redline.crawl.engine as engine
from redline.crawl import Crawler
from redline.crawl.checker import CheckContext, CheckOutcome
from redline.fetch.client import Fetcher
from redline.fetch.result import FetchResult
from redline.settings import CrawlSettings, FetchSettings, Settings
from redline.sources import SourceConfig
from redline.storage import ArticleRow, CheckRecord, Store
from redline.storage.schema import articles

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _lease_expires(store: Store, article_id: int) -> datetime:
    with store.engine.connect() as conn:
        value = conn.execute(
            select(articles.c.lease_expires).where(articles.c.id == article_id)
        ).scalar_one()
    assert value is not None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_a_round_longer_than_the_lease_keeps_every_claim_valid(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four minutes per check, a five-minute lease, one article per batch: each article must
    still be leased while it is checked (the lease runs from its own claim)."""
    for i in range(4):
        store.add_article(f"https://ex.example/a{i}", None, T0 - timedelta(minutes=1))
    clock = Clock(T0)
    seen: list[tuple[int, datetime, datetime]] = []

    async def slow_check(
        ctx: CheckContext, article: ArticleRow, cfg: Any, now: datetime
    ) -> CheckOutcome:
        seen.append((article.id, clock.now, _lease_expires(store, article.id)))
        clock.now += timedelta(minutes=4)
        store.record_check(
            CheckRecord(
                article_id=article.id,
                captured_at=now,
                url=article.url,
                outcome="unchanged",
                next_check=clock.now + timedelta(hours=1),
                worker=ctx.worker,
            )
        )
        return CheckOutcome(article.url, "unchanged")

    monkeypatch.setattr(engine, "check_article", slow_check)
    base = Settings()
    settings = base.model_copy(
        update={"crawl": replace(base.crawl, batch_size=1, lease=timedelta(minutes=5))}
    )
    crawler = Crawler(store, settings, clock=clock)

    async def go() -> None:
        async with Fetcher(settings.fetch) as f:
            summary = await crawler.check_due(f)
        assert summary.checked == 4

    asyncio.run(go())
    assert len(seen) == 4 and len({s[0] for s in seen}) == 4  # each once, none twice
    for article_id, at, expires in seen:
        assert expires > at, (
            f"article {article_id} was checked at {at} on a lease that ended {expires}"
        )


def test_an_article_due_again_after_its_check_waits_for_the_next_round(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No in-memory set of checked ids: the round bound (due by the round's start) is enough,
    even when a check leaves the article due (next_check not moved into the future)."""
    a, _ = store.add_article("https://ex.example/a", None, T0 - timedelta(minutes=1))
    clock = Clock(T0)
    calls: list[int] = []

    async def stuck_check(
        ctx: CheckContext, article: ArticleRow, cfg: Any, now: datetime
    ) -> CheckOutcome:
        calls.append(article.id)
        clock.now += timedelta(seconds=1)
        store.record_check(
            CheckRecord(
                article_id=article.id,
                captured_at=now,
                url=article.url,
                outcome="error",
                next_check=now,
                worker=ctx.worker,  # still due: a scheduling bug or a 0 interval
            )
        )
        return CheckOutcome(article.url, "error")

    monkeypatch.setattr(engine, "check_article", stuck_check)
    crawler = Crawler(store, Settings(), clock=clock)

    async def go() -> None:
        async with Fetcher(Settings().fetch) as f:
            await asyncio.wait_for(crawler.check_due(f), timeout=10)

    asyncio.run(go())
    assert calls == [a.id]


def test_a_source_that_crashes_discovery_is_a_recorded_error(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redline.crawl.discover as discover

    def broken(body: bytes, url: str, *limits: Any) -> Any:
        raise ValueError("Invalid IPv6 URL")

    monkeypatch.setattr(discover, "parse_sitemap", broken)
    monkeypatch.setattr(discover, "_get", _fake_get)
    store.save_source(SourceConfig(name="bad", sitemaps=("https://ex.example/s.xml",)), T0)
    store.save_source(SourceConfig(name="good", feeds=("https://ex.example/f.xml",)), T0)
    crawler = Crawler(store, Settings(), clock=Clock(T0))

    async def go() -> list[Any]:
        async with Fetcher(Settings().fetch) as f:
            return await crawler.discover(f)

    reports = {r.source: r for r in asyncio.run(go())}
    assert reports["bad"].errors and "Invalid IPv6 URL" in reports["bad"].errors[0]
    assert reports["good"].new == 1 and not reports["good"].errors
    assert all(s.next_discovery and s.next_discovery > T0 for s in store.list_sources())
    with store.engine.connect() as conn:
        from redline.storage.schema import sources

        assert conn.execute(select(sources.c.lease_owner)).scalars().all() == [None, None]


async def _fake_get(
    store: Store, fetcher: Any, source: Any, url: str, kind: str, *max_bytes: int
) -> tuple[FetchResult, None, None]:
    body = (
        b'<rss version="2.0"><channel><item><link>https://ex.example/2026/03/01/story.html</link>'
        b"</item></channel></rss>"
    )
    return FetchResult(url, url, 200, body, "application/xml", None, None, 1), None, None


def test_run_forever_survives_a_failing_round_and_still_stops_on_a_signal(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    rounds: list[int] = []

    async def flaky_round(self: Crawler, fetcher: Any, source: Any, stop: Any) -> Any:
        rounds.append(len(rounds))
        if len(rounds) <= 2:
            raise RuntimeError("a bug in one round")
        stop.set()
        return engine.CrawlSummary()

    monkeypatch.setattr(Crawler, "_round", flaky_round)
    monkeypatch.setattr(Crawler, "_back_off", staticmethod(_no_wait))
    crawler = Crawler(
        store, Settings(fetch=FetchSettings(), crawl=CrawlSettings(heartbeat_every=0.05))
    )

    async def go() -> None:
        await asyncio.wait_for(crawler.run_forever(asyncio.Event()), timeout=10)

    asyncio.run(go())
    assert rounds == [0, 1, 2]
    assert store.workers_seen(datetime(2000, 1, 1, tzinfo=UTC))  # it heartbeat meanwhile


async def _no_wait(stop: asyncio.Event, seconds: float) -> None:
    await asyncio.sleep(0)


def test_workers_heartbeat_during_a_long_round(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    beats: list[int] = []
    real = Store.heartbeat

    def counting(self: Store, *args: Any, **kw: Any) -> None:
        beats.append(1)
        real(self, *args, **kw)

    async def long_round(self: Crawler, fetcher: Any, source: Any, stop: Any) -> Any:
        await asyncio.sleep(0.5)  # one round, ten heartbeat periods
        stop.set()
        return engine.CrawlSummary()

    monkeypatch.setattr(Store, "heartbeat", counting)
    monkeypatch.setattr(Crawler, "_round", long_round)
    crawler = Crawler(store, Settings(crawl=CrawlSettings(heartbeat_every=0.05)))
    asyncio.run(asyncio.wait_for(crawler.run_forever(asyncio.Event()), timeout=10))
    assert len(beats) >= 5, beats


def test_a_database_error_in_one_check_ends_that_check_not_the_batch(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from redline.errors import StorageError

    ids = [store.add_article(f"https://ex.example/a{i}", None, T0)[0].id for i in range(3)]
    clock = Clock(T0)

    async def flaky(
        ctx: CheckContext, article: ArticleRow, cfg: Any, now: datetime
    ) -> CheckOutcome:
        if article.id == ids[0]:
            raise StorageError("database error: server closed the connection")
        if article.id == ids[1]:
            raise KeyError("a bug")  # recorded as an internal error capture
        return CheckOutcome(article.url, "unchanged")

    monkeypatch.setattr(engine, "check_article", flaky)
    crawler = Crawler(store, Settings(), clock=clock)

    async def go() -> Any:
        async with Fetcher(Settings().fetch) as f:
            return await crawler.check_due(f)

    summary = asyncio.run(go())
    assert summary.checked == 3 and summary.outcomes["error"] == 2
    [cap] = store.captures(ids[1])
    assert cap.outcome == "error" and (cap.reason or "").startswith("internal: KeyError")
    assert store.get_article(ids[1]).next_check > T0  # rescheduled, not retried in a loop


def test_a_slow_batch_keeps_its_leases(store: Store) -> None:
    """A 1.5 s lease, a site taking 0.8 s a page, one page at a time: the batch takes ~3 s, so
    without renewal its last articles would be free for another worker after 1.5 s."""
    from redline.testing.newsroom import Newsroom, serve_newsroom

    room = Newsroom(n_articles=4, seed=2)
    room.latency = 0.8
    with serve_newsroom(room) as base:
        src, _ = store.save_source(
            SourceConfig(
                name="slow", feeds=(f"{base}/rss.xml",), delay=0, concurrency=1, allow_private=True
            ),
            datetime.now(UTC),
        )
        for a in room.articles:
            store.add_article(base + room.article_path(a.slug), src.id, datetime.now(UTC))
        settings = Settings(
            fetch=FetchSettings(retries=0, per_host_delay=0, global_concurrency=1),
            crawl=CrawlSettings(lease=timedelta(seconds=1.5)),
        )
        crawler = Crawler(store, settings, worker_id="slow-worker")
        stolen: list[int] = []

        async def go() -> None:
            async with Fetcher(settings.fetch) as fetcher:
                crawl = asyncio.create_task(crawler.check_due(fetcher))
                await asyncio.sleep(2.3)  # past the first lease, before the batch ends
                assert not crawl.done()
                rivals = store.claim_articles(
                    datetime.now(UTC), 10, worker="rival", lease=timedelta(minutes=5)
                )
                stolen.extend(a.id for a in rivals)
                summary = await crawl
                assert summary.checked == 4 and summary.new_versions == 4, summary.line()

        asyncio.run(go())
    assert stolen == []
