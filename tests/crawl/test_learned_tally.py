"""Fired counters are tallied per worker and written at most once per refresh interval per
source, so checks of one source do not all bump one counter row (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from redline.crawl.learned import LearnedCache
from redline.furniture import Block, RuleKind
from redline.settings import FurnitureSettings
from redline.sources import SourceConfig
from redline.storage import Store
from redline.storage.records import CheckRecord, FurnitureUpdate

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
BOX = Block("the daily morning email", "The Daily morning email")


class Clock:
    t = 0.0

    def __call__(self) -> float:
        return self.t


def test_tally_is_written_once_per_interval_and_flushed_at_the_end(store: Store) -> None:
    src = store.add_source(SourceConfig(name="daily"), NOW)
    art, _ = store.add_article("https://daily.example/a", src.id, NOW)
    update = FurnitureUpdate(source_id=src.id, rotating=(BOX,))
    store.record_check(
        CheckRecord(
            article_id=art.id, captured_at=NOW, url=art.url, outcome="unchanged", furniture=update
        )
    )
    clock = Clock()
    cache = LearnedCache(FurnitureSettings(refresh_every=60), clock=clock)
    fired = ((RuleKind.ROTATING, BOX),)
    assert cache.tally(src.id, fired) == ((RuleKind.ROTATING, BOX, 1),)  # first: at once
    writes = [cache.tally(src.id, fired) for _ in range(9)]  # nine more checks within 60 s
    assert writes == [()] * 9
    clock.t = 61
    assert cache.tally(src.id, fired) == ((RuleKind.ROTATING, BOX, 10),)
    assert cache.tally(src.id, fired) == ()
    store.count_fired(src.id, ((RuleKind.ROTATING, BOX, 11),), NOW)
    cache.flush(store, NOW)  # the one tallied since: written at the round's end
    rule = next(r for r in store.furniture_rules(src.id, 3) if r.kind is RuleKind.ROTATING)
    assert rule.fired == 12 and rule.last_fired == NOW
    cache.flush(store, NOW)  # nothing left: nothing written twice
    rule = next(r for r in store.furniture_rules(src.id, 3) if r.kind is RuleKind.ROTATING)
    assert rule.fired == 12
