"""The browse queries on SQLite and PostgreSQL: order, filters, keyset pages, search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.web.conftest import FILLERS, Web
from tests.web.sample import CLOCK, T0

from redline.storage.browse import (
    BadCursor,
    Cursor,
    SearchQuery,
    StreamFilter,
    list_articles,
    recent_changes,
    search,
    source_summaries,
    version_timeline,
)
from redline.web.wording import snippet


def _walk(web: Web, f: StreamFilter, limit: int) -> list[tuple[str, int, int | None]]:
    seen, before = [], None
    for _ in range(1000):
        page = recent_changes(web.store, f, before=before, limit=limit)
        seen += [(e.kind, e.article_id, e.number) for e in page.items]
        if page.next is None:
            return seen
        before = page.next
    raise AssertionError("pagination did not end")


def test_stream_is_newest_first_and_hides_cosmetic(web: Web) -> None:
    page = recent_changes(web.store, StreamFilter(), limit=500)
    times = [e.at for e in page.items]
    assert times == sorted(times, reverse=True)
    assert page.next is None
    levels = {e.level for e in page.items if e.kind == "change"}
    assert "cosmetic" not in levels and levels <= {"minor", "substantive", "major"}
    kinds = [e.kind for e in page.items]
    assert kinds.count("deleted") == 1
    # minister v2, v3; harbour v2, v3; one per filler; cosmetic minister v4 hidden
    assert kinds.count("change") == 4 + FILLERS
    everything = recent_changes(web.store, StreamFilter(min_level="cosmetic"), limit=500)
    assert any(e.level == "cosmetic" for e in everything.items)


def test_headline_change_carries_old_and_new_title(web: Web) -> None:
    page = recent_changes(web.store, StreamFilter(klass="headline"), limit=50)
    assert [(e.article_id, e.number) for e in page.items] == [(web.sample.minister, 2)]
    e = page.items[0]
    assert (e.old_title, e.title) == (
        "Minister resigns over budget",
        "Finance minister quits after budget row",
    )


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 50])
def test_keyset_pages_cover_the_stream_exactly_once(web: Web, limit: int) -> None:
    """Changes and events share timestamps in the sample; no page may drop or repeat one."""
    whole = _walk(web, StreamFilter(min_level="none"), limit=1000)
    assert _walk(web, StreamFilter(min_level="none"), limit=limit) == whole
    assert len(set(whole)) == len(whole)


@pytest.mark.parametrize(
    ("klass", "expected"),
    [
        ("stealth", None),
        ("correction", [("harbour", 3)]),
        ("deleted", [("deleted", None)]),
        ("sentence_removed", [("harbour", 2)]),
    ],
)
def test_class_filters(web: Web, klass: str, expected: list[tuple[str, int | None]] | None) -> None:
    page = recent_changes(web.store, StreamFilter(klass=klass), limit=500)
    names = {
        web.sample.hostile: "harbour",
        web.sample.minister: "minister",
        web.sample.deleted: "deleted",
    }
    got = [(names.get(e.article_id, "filler"), e.number) for e in page.items]
    if klass == "stealth":
        assert got and all(e.stealth for e in page.items)
        assert ("harbour", 3) not in got  # the correction note makes it not stealthy
    else:
        assert got == expected


def test_source_filter(web: Web) -> None:
    page = recent_changes(web.store, StreamFilter(source_id=web.sample.herald), limit=500)
    assert page.items and {e.source for e in page.items} == {"herald"}


def test_source_summaries(web: Web) -> None:
    rows = {r.source.name: r for r in source_summaries(web.store, T0 - timedelta(days=2))}
    assert rows["daily"].articles == 2 + FILLERS and rows["herald"].articles == 2
    assert rows["daily"].deleted == 1 and rows["herald"].deleted == 0
    assert rows["daily"].changed == 1 + FILLERS and rows["herald"].changed == 1
    later = {r.source.name: r.changed for r in source_summaries(web.store, CLOCK)}
    assert later == {"daily": 0, "herald": 0}


def test_article_list_keyset(web: Web) -> None:
    ids: list[int] = []
    before = None
    while True:
        page = list_articles(web.store, order="last_changed", before=before, limit=4)
        ids += [a.id for a in page.items]
        if page.next is None:
            break
        before = page.next
    everything = list_articles(web.store, order="last_changed", limit=1000).items
    assert ids == [a.id for a in everything] and len(ids) == len(set(ids)) == 4 + FILLERS
    deleted = list_articles(web.store, status="deleted").items
    assert [a.id for a in deleted] == [web.sample.deleted]
    herald = list_articles(web.store, source_id=web.sample.herald, order="first_seen").items
    assert {a.source for a in herald} == {"herald"}


def test_version_timeline(web: Web) -> None:
    tl = version_timeline(web.store, web.sample.minister)
    assert [v.number for v in tl] == [1, 2, 3, 4]
    assert tl[0].level is None and tl[1].level == "substantive" and tl[3].level == "cosmetic"
    assert "headline" in tl[1].classes


def test_cursor_round_trip_and_refusals() -> None:
    c = Cursor(datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), 0, 42)
    assert Cursor.decode(c.encode()) == c
    for bad in ("", "abc", "1c", "99999999999999999999c1", "1x2", "1c99999999999", "-1c1"):
        with pytest.raises(BadCursor):
            Cursor.decode(bad)


def test_search_words_phrases_and_removed_text(web: Web) -> None:
    def ids(q: str, **kw: object) -> list[int]:
        return [r.article_id for r in search(web.store, SearchQuery.parse(q), **kw)[0]]  # type: ignore[arg-type]

    s = web.sample
    assert ids("budget") == [s.minister]
    assert ids("BUDGET Parliament") == [s.minister]
    assert ids('"finance minister"') == [s.minister]
    assert ids('"minister finance"') == []
    # 'dock workers' was removed in version 2: still found, in version 1
    results, _ = search(web.store, SearchQuery.parse("dock workers"))
    assert [r.article_id for r in results] == [s.hostile]
    assert [h.number for h in results[0].hits] == [1]
    assert ids("ferry", source_id=s.daily) == [] and ids("ferry", source_id=s.herald) == [s.hostile]
    # every version that matched is listed, newest first
    minister = search(web.store, SearchQuery.parse("reckless"))[0][0]
    assert [h.number for h in minister.hits] == [4, 3, 2, 1]


def test_search_pages_never_repeat_an_article(web: Web) -> None:
    seen: list[int] = []
    before = None
    while True:
        results, before = search(web.store, SearchQuery.parse("quarterly"), before=before, limit=7)
        seen += [r.article_id for r in results]
        if before is None:
            break
    assert sorted(seen) == sorted(web.sample.fillers)


@pytest.mark.parametrize(
    "q", ['"', '""', "*", "AND", "NEAR(a b)", "-x", "a OR", "title:x", "'", "😀", "^", "(", "a\\b"]
)
def test_search_survives_query_syntax(web: Web, q: str) -> None:
    search(web.store, SearchQuery.parse(q))  # no exception, whatever the backend


def test_snippet_marks_terms_around_the_first_hit() -> None:
    text = "Alpha beta. " * 40 + "The budget gap widened.\n\nOther text follows here."
    parts = snippet(text, ["budget"], width=80)
    assert parts[0] == ("…", False)
    assert ("budget", True) in parts
    assert "".join(p for p, _ in parts).count("budget") == 1
    assert snippet("Short text", []) == [("Short text", False)]
