"""Backfill run again: a wider window extends the history further back without renumbering or
duplicating anything; the archive is asked only for captures older than the earliest version
held (a capture dated within the history held is never inserted)
Real HTTP against the simulated Wayback archive, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from redline.archive.backfill import (
    BackfillStats,
    Judged,
    WaybackClient,
    backfill_article,
    memento_version,
)
from redline.crawl.learned import LearnedCache
from redline.extract import ExtractRules, extract
from redline.extract.furniture import furniture_key
from redline.furniture import FurniturePolicy, RuleKind
from redline.furniture.policy import vetoed_keys
from redline.settings import FurnitureSettings
from redline.sources import SourceConfig
from redline.storage import ArticleRow, CheckRecord, NewVersion, Store
from redline.testing.newsroom import Newsroom
from redline.testing.newsroom.site import article_page
from redline.testing.newsroom.wayback import WaybackArchive, serve_wayback
from redline.versions.changes import change_between

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
BASE = "https://news.example"
DAY = timedelta(days=1)


def _as_version(html: str, url: str) -> NewVersion:
    return memento_version(extract(html, url), html.encode())


def _track(store: Store, art: ArticleRow, version: NewVersion, at: datetime) -> None:
    """Record ``version`` as a check of ``art`` would, after the versions it holds."""
    prev = store.latest_version(art.id)
    store.record_check(
        CheckRecord(
            article_id=art.id,
            captured_at=at,
            url=art.url,
            outcome="new_version",
            http_status=200,
            version=version,
            change=change_between(prev, version) if prev else None,
            expected_version_count=prev.number if prev else 0,
        )
    )


def _backfill(store: Store, wb: str, art: ArticleRow, since: datetime, **how: Any) -> BackfillStats:
    async def run() -> BackfillStats:
        client = WaybackClient(wb)
        try:
            return await backfill_article(store, client, art, since=since, **how)
        finally:
            await client.aclose()

    return asyncio.run(run())


def test_backfill_again_extends_history_back_and_never_renumbers(store: Store) -> None:
    room = Newsroom(n_articles=1, seed=5)
    story = room.articles[0]
    url = BASE + room.article_path(story.slug)

    def page(title: str, n_paragraphs: int) -> str:
        edited = replace(story, title=title, paragraphs=story.paragraphs[:n_paragraphs])
        return article_page(room, edited, BASE)

    n = len(story.paragraphs)
    pages = {name: page(f"{story.title} ({name})", n - k) for k, name in enumerate("ABCD", 1)}
    tracked1, tracked2 = page(story.title, n), page(story.title + " as costs rise", n)
    paused = page(f"{story.title} (while paused)", n)

    art, _ = store.add_article(url, None, T0)
    for html, at in ((tracked1, T0), (tracked2, T0 + 2 * DAY)):
        _track(store, art, _as_version(html, url), at)

    archive = WaybackArchive()
    archive.add(url, T0 - 20 * DAY, pages["A"])
    archive.add(url, T0 - 15 * DAY, pages["B"])
    archive.add(url, T0 - 12 * DAY, page(f"{story.title} (C)", n - 3))  # C's text, earlier
    archive.add(url, T0 - 10 * DAY, pages["C"])
    archive.add(url, T0 - 5 * DAY, pages["D"])
    archive.add(url, T0 - 1 * DAY, tracked1)  # what version 1 says: not a new version
    archive.add(url, T0 + 1 * DAY, paused)  # between versions 1 and 2 (tracking paused)

    with serve_wayback(archive) as wb:
        first = _backfill(store, wb, art, since=T0 - 11 * DAY)
        # asked up to version 1 only: the capture while tracking was paused is never seen
        assert (first.seen, first.fetched, first.kept) == (3, 3, 2)
        assert first.skipped == {"same as the earliest version held": 1}
        before = {v.number: v for v in store.versions(art.id)}
        assert [(n, v.title) for n, v in before.items()] == [
            (-1, f"{story.title} (C)"),
            (0, f"{story.title} (D)"),
            (1, story.title),
            (2, story.title + " as costs rise"),
        ]
        assert store.changes(art.id).get(before[-1].id) is None  # the oldest: nothing before it

        # a wider window: older versions go below -1; nothing held moves or repeats
        second = _backfill(store, wb, art, since=T0 - 30 * DAY)
        # asked up to version -1 (C): A, B, C's text captured earlier, and C itself
        assert (second.seen, second.fetched, second.kept) == (4, 3, 2)
        assert second.skipped == {
            "already held": 1,  # C, backfilled by the first run
            "same as the earliest version held": 1,  # C's text captured earlier
        }
        after = {v.number: v for v in store.versions(art.id)}
        assert list(after) == [-3, -2, -1, 0, 1, 2]
        assert (after[-3].title, after[-2].title) == (f"{story.title} (A)", f"{story.title} (B)")
        for number, v in before.items():  # same rows, same numbers
            assert (after[number].id, after[number].title) == (v.id, v.title)
        assert store.get_article(art.id).version_count == 2
        changes = store.changes(art.id)
        assert after[-3].id not in changes
        for number in (-2, -1, 0, 1, 2):  # every version has its change from the one before
            held, expected = (
                changes[after[number].id],
                change_between(after[number - 1], after[number]),
            )
            assert (held.summary, held.classes) == (expected.summary, expected.classes), number
        assert "headline" in changes[after[-1].id].classes  # B → C, recomputed

        third = _backfill(store, wb, art, since=T0 - 30 * DAY)
        assert (third.fetched, third.kept) == (0, 0)
        assert third.skipped == {"already held": 1}  # asked up to A only
    assert [v.id for v in store.versions(art.id)] == [v.id for v in after.values()]


def test_the_archive_s_copy_of_the_earliest_page_is_no_version_under_another_reading(
    store: Store,
) -> None:
    """Version 1 was stored by an older extractor, or with the source's rules (here: a rule
    that kept the photo's caption out). The archive's copy of the very same page reads otherwise
    today, but it is the same page: no version 0."""

    room = Newsroom(n_articles=2, seed=5)
    story = room.articles[1]
    assert story.caption  # the newsroom's photo caption (body text today)
    url = BASE + room.article_path(story.slug)
    html = article_page(room, story, BASE)
    older = memento_version(extract(html, url, ExtractRules(drop=("figure",))), html.encode())
    assert story.caption not in older.text
    art, _ = store.add_article(url, None, T0)
    _track(store, art, older, T0)
    archive = WaybackArchive()
    archive.add(url, T0 - DAY, html)
    with serve_wayback(archive) as wb:
        stats = _backfill(store, wb, art, since=T0 - 2 * DAY)
    assert stats.kept == 0
    assert stats.skipped == {"same as the earliest version held": 1}
    assert [v.number for v in store.versions(art.id)] == [1]


@pytest.mark.parametrize("veto", [False, True])
def test_archived_copies_differing_only_by_furniture_are_no_versions(
    store: Store, veto: bool
) -> None:
    """Archived copies are read as a check reads the live page: with the source's rules (an
    offer box excluded by a selector, a credit line pinned as furniture) and the furniture
    judgement (a sponsored link to another site, a new one on every copy, which extraction alone
    keeps, left out of every copy once seen rotating, and learned for the source as a check
    learns it). Only the draft becomes a version; the
    copies of the edited page are version 1 again, although version 1 was stored before the
    pin and without its page, and the change into version 1 is the edit alone. A sponsored line
    the operator vetoed is never learned."""

    url = BASE + "/2026/11/10/council-budget"
    title = "Council passes the budget after a late-night vote"
    paragraphs = tuple(
        f"Paragraph {i} of the budget story: members debated the plan for the harbour, the "
        f"schools and the night buses until after midnight on Tuesday ({i})."
        for i in range(8)
    )
    sponsored = (
        "Ten winter breaks under 500 pounds, chosen by our travel desk",
        "The best electric bikes of the year, tested on city hills",
        "Five slow cookers worth their counter space this winter",
        "Where to see the northern lights without leaving Europe",
        "The noise-cancelling headphones our critics still use daily",
        "A weekend in Lisbon: the trams, the tiles and the tarts",
    )
    credit = "Additional reporting by the Daily Redline city desk and the night editors."

    def page(n_paragraphs: int, k: int) -> str:
        body = "".join(f"<p>{p}</p>" for p in paragraphs[:n_paragraphs])
        box = (
            f'<p>Sponsored: <a href="https://partner.example/{k}">{sponsored[k]}</a></p>'
            f'<div class="offer"><p>Today only: {10 + k}% off a digital subscription, '
            f"code WINTER{k}.</p></div>"
        )
        return (
            f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article>"
            f"<h1>{title}</h1>{box}{body}<p>{credit}</p></article></body></html>"
        )

    n = len(paragraphs)
    assert "digital subscription" in extract(page(n, 0), url).text  # extraction alone keeps it
    src, _ = store.save_source(
        SourceConfig(
            name="daily",
            exclude_selectors=(".offer",),
            furniture_pin=(credit,),
            furniture_veto=(f"Sponsored: {sponsored[1]}",) if veto else (),
        ),
        T0 - 30 * DAY,
    )
    art, _ = store.add_article(url, src.id, T0)
    cache = LearnedCache(FurnitureSettings())
    rules = cache.rules(store, store.get_source("daily"), title)
    assert rules is not None and rules.furniture_texts  # the pin
    tracked = page(n, 5)  # stored before the pin, its page not kept
    v1 = memento_version(extract(tracked, url, ExtractRules(drop=(".offer",))), b"")
    assert credit in v1.text
    _track(store, art, replace(v1, raw_html=None), T0)
    archive = WaybackArchive()
    for k in range(4):  # the draft, four copies: a new offer and sponsored link each time
        archive.add(url, T0 - (10 - k) * DAY, page(n - 1, k))
    for k in range(4, 6):  # edited: a paragraph added (the copy of the page v1 was read from)
        archive.add(url, T0 - (10 - k) * DAY, page(n, k))

    with serve_wayback(archive) as wb:
        source = store.get_source("daily")
        judged = Judged(
            rules, cache.policy, learn=True, veto=vetoed_keys(source.config.furniture_veto)
        )
        stats = _backfill(store, wb, art, T0 - 20 * DAY, judged=judged)
    assert stats.fetched == 6
    assert stats.kept == 1, stats.skipped  # the draft; the edit is version 1 itself
    draft, held = store.versions(art.id)
    assert (draft.number, held.number) == (0, 1)
    assert draft.paragraphs == paragraphs[: n - 1]  # no offer, no sponsored link, no credit
    if not veto:  # once the sponsored links are known to rotate, the copies are the same text
        assert stats.skipped == {"same article text": 4, "same as the earliest version held": 1}
    change = store.changes(art.id)[held.id]
    assert change.summary == "1 paragraph added", change.summary
    # what the copies taught is the source's, as a check's learning is: live checks drop them
    learned = {
        key for kind, key, _ in store.active_furniture(src.id, 3) if kind is RuleKind.ROTATING
    }
    keys = {furniture_key(f"Sponsored: {t}") for t in sponsored}
    banned = {furniture_key(f"Sponsored: {sponsored[1]}")} if veto else set()
    assert learned == keys - banned
    again = LearnedCache(FurnitureSettings()).rules(store, store.get_source("daily"), title)
    assert again is not None and learned <= again.furniture_texts


def test_an_edit_reverted_between_copies_stays_in_the_history(store: Store) -> None:
    """A short paragraph edited, then put back: the copy that puts it back collapses (it flips
    back, as a check judges it), but the edit stays a version and nothing is learned. A
    call-out alternating between two campaigns looks the same, and costs a version here as in
    live checks: losing a reverted edit would cost more."""
    url = BASE + "/2026/11/12/night-buses"
    title = "Night buses return to the eastern suburbs"
    paragraphs = tuple(
        f"Paragraph {i} of the night bus story: the council restored three routes after a "
        f"petition signed by eleven thousand residents of the eastern suburbs ({i})."
        for i in range(8)
    )
    said = ("The mayor called the cuts a mistake.", "The mayor called the cuts a disgrace.")

    def page(k: int) -> str:
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        return (
            f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article>"
            f"<h1>{title}</h1>{body}<p>{said[k % 2]}</p></article></body></html>"
        )

    src, _ = store.save_source(SourceConfig(name="daily"), T0 - 30 * DAY)
    art, _ = store.add_article(url, src.id, T0)
    _track(store, art, _as_version(page(0), url), T0)
    archive = WaybackArchive()
    for k in range(3):  # said, edited, put back
        archive.add(url, T0 - (10 - k) * DAY, page(k))
    with serve_wayback(archive) as wb:
        judged = Judged(None, FurniturePolicy(), learn=True)
        stats = _backfill(store, wb, art, T0 - 20 * DAY, judged=judged)
    assert stats.kept == 2, stats.skipped
    assert stats.skipped == {"only furniture": 1}  # the copy that put it back
    before, edited, held = store.versions(art.id)
    assert [v.number for v in (before, edited, held)] == [-1, 0, 1]
    assert (before.paragraphs[-1], edited.paragraphs[-1], held.paragraphs[-1]) == (
        said[0],
        said[1],
        said[0],
    )
    assert store.changes(art.id)[held.id].summary != ""  # the revert is a change of version 1
    assert store.active_furniture(src.id, 3) == []
