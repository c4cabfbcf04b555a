"""A paused source is neither discovered nor are its articles checked; resuming undoes both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from redline.sources import SourceConfig
from redline.storage import Store

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def test_paused_source_is_not_discovered_and_its_articles_wait(store: Store) -> None:
    a = store.add_source(SourceConfig("a", feeds=("https://a.example/rss",)), NOW)
    b = store.add_source(SourceConfig("b", feeds=("https://b.example/rss",)), NOW)
    store.add_article("https://a.example/news/1", a.id, NOW)
    store.add_article("https://b.example/news/1", b.id, NOW)
    store.add_article("https://c.example/news/1", None, NOW)  # no source: always checked
    store.set_paused("a", True, NOW)
    assert store.get_source("a").paused and not store.get_source("b").paused
    assert [s.name for s in store.due_sources(NOW)] == ["b"]
    assert store.next_discovery() == NOW  # only b's
    claimed = store.claim_sources(NOW, worker="w", lease=LEASE)
    assert [s.name for s in claimed] == ["b"]
    urls = {x.url for x in store.claim_articles(NOW, 10, worker="w", lease=LEASE)}
    assert urls == {"https://b.example/news/1", "https://c.example/news/1"}
    assert {x.url for x in store.due_articles(NOW + LEASE * 2, 10)} == urls
    status = {f["source"]: f["paused"] for f in store.frontier_status(NOW, timedelta(hours=1))}
    assert status == {"a": True, "b": False, None: False}

    store.set_paused("a", False, NOW)
    assert "a" in [s.name for s in store.due_sources(NOW)]
    later = NOW + LEASE * 2
    assert {x.url for x in store.claim_articles(later, 10, worker="w", lease=LEASE)} >= {
        "https://a.example/news/1"
    }


def test_update_source_replaces_the_config(store: Store) -> None:
    store.add_source(SourceConfig("a", feeds=("https://a.example/rss",)), NOW)
    row = store.update_source(SourceConfig("a", homepage="https://a.example/"), NOW)
    assert row.config.feeds == () and row.config.homepage == "https://a.example/"
