"""`redline demo` shows a newcomer every kind of change within its first three minutes.

The demo's own pieces (its settings, source schedule and script) run against the simulated
newsroom over loopback; a fake clock stands in for the three minutes, stepping half a check
interval at a time (the real loop wakes at least that often).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from redline.cli.demo import demo_settings, demo_source
from redline.crawl import Crawler
from redline.settings import Settings
from redline.storage import Store
from redline.testing.newsroom import DEMO_SCRIPT, REAL_EDITS, Newsroom, serve_newsroom
from redline.testing.newsroom.state import STATUS_EDITS

pytestmark = pytest.mark.slow
WINDOW = 180.0  # seconds: what the README promises


def test_every_kind_of_change_appears_within_three_minutes(store: Store) -> None:
    settings = demo_settings(Settings())
    demo = settings.demo
    room = Newsroom(n_articles=demo.articles, script=DEMO_SCRIPT)
    start = datetime.now(UTC)
    elapsed = 0.0
    crawler = Crawler(store, settings, clock=lambda: start + timedelta(seconds=elapsed))
    step = demo.check_every.total_seconds() / 2
    with serve_newsroom(room) as base:
        store.save_source(demo_source(base, demo), start)
        next_round = demo.advance_every
        while elapsed <= WINDOW:
            if elapsed >= next_round:
                room.advance()
                next_round += demo.advance_every
            asyncio.run(crawler.run_once(force_discovery=False))
            elapsed += step
        urls = {a.slug: base + room.article_path(a.slug) for a in room.articles}

    scripted = {kind for _, _, kind in DEMO_SCRIPT}
    assert REAL_EDITS | set(STATUS_EDITS) <= scripted, "the demo script misses a kind of edit"
    assert max(r for r, _, _ in DEMO_SCRIPT) * demo.advance_every < WINDOW

    classes: set[str] = set()
    events: set[str] = set()
    for art in room.articles:
        row = store.find_article(urls[art.slug])
        assert row is not None, f"{art.slug} was never discovered"
        # every edit round is its own version: none folded into the next
        assert row.version_count == room.expected_versions(art.slug), art.slug
        assert row.status == room.expected_status(art.slug), art.slug
        for change in store.changes(row.id).values():
            classes.update(change.classes)
        events.update(e.kind for e in store.events(row.id))
    assert {"headline", "byline", "quote", "number", "correction"} <= classes
    assert {"deleted", "gone", "redirected"} <= events
