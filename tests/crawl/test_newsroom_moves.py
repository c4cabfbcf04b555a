"""Stories that move to a new URL keep one history (the simulated newsroom over loopback).

A story renamed to ``<slug>-updated``: found through its old URL's redirect, or listed on the
homepage at its new URL first (tracked there as a record of its own, then merged), with its
headline rewritten in the same round and edits after the move.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.crawl.test_newsroom_integration import crawl_all, crawler_for, names

from redline.storage import Store
from redline.testing.newsroom import Newsroom, serve_newsroom

SCRIPT = [
    (1, 1, "rename"),
    (1, 2, "rename_listed"),
    (1, 2, "headline"),
    (1, 3, "rename_listed"),
    (2, 1, "correction"),
    (2, 2, "paragraph_added"),
    (3, 3, "number"),
]


@pytest.fixture
def room() -> Newsroom:
    # Furniture has its own tests (test_newsroom_integration, test_furniture_learning): here the
    # pages carry none, so each stored text is exactly the story's.
    return Newsroom(n_articles=5, seed=3, script=SCRIPT, in_body_furniture=False)


@pytest.fixture
def site(room: Newsroom) -> Iterator[str]:
    with serve_newsroom(room) as base:
        yield base


def test_moved_stories_keep_one_history(store: Store, room: Newsroom, site: str) -> None:
    crawler = crawler_for(store, site)
    crawl_all(crawler)
    for _ in range(3):
        room.advance()
        crawl_all(crawler)
        crawl_all(crawler)
    assert store.count_articles() == len(room.articles)  # one record per story
    for a in room.articles:
        art = store.find_article(site + room.article_path(a.slug))
        assert art is not None
        got = [(v.title, names(v.byline), v.text) for v in store.versions(art.id)]
        want = [
            (e.title, names(e.byline), "\n\n".join(e.paragraphs))
            for e in room.expected_history(a.slug)
        ]
        assert got == want, (a.slug, a.edits)
        assert art.status == "live"
        if a.moved_to is None:
            continue
        assert art.url == site + a.moved_to  # the new URL is the main one...
        assert store.find_article(site + a.moved_to) == art  # ...and both lead to one story
        moves = [e.detail or "" for e in store.events(art.id) if e.kind == "moved"]
        assert moves and moves[0].startswith(site + a.moved_to), (a.slug, moves)
        if "rename_listed" in a.edits:  # tracked at the new URL first: two records merged
            assert "merged" in moves[0]
