"""Learned furniture in storage (SQLite and PostgreSQL): counted with checks, activated at the
threshold, fired counts, every headline a story had, and history rewritten by reextract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from redline.furniture import Block, RuleKind
from redline.sources import SourceConfig
from redline.storage import (
    ChangeRow,
    CheckRecord,
    FurnitureUpdate,
    NewVersion,
    Store,
    VersionConflict,
)
from redline.storage.records import HistoryRewrite, RewrittenVersion

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
BOX = Block("sign up for the briefing", "Sign up for the briefing")


def _version(text: str, title: str = "Headline") -> NewVersion:
    return NewVersion(
        title=title,
        byline="A",
        published=NOW,
        modified=None,
        text=text,
        content_hash=str(hash((title, text))),
        extractor="trafilatura",
        extractor_version="t",
        raw_html=f"<html><p>{text}</p></html>".encode(),
    )


def _first_version(store: Store, source_id: int, n: int, upd: FurnitureUpdate) -> int:
    art, _ = store.add_article(f"https://news.example/a-{n}", source_id, NOW)
    store.record_check(
        CheckRecord(
            article_id=art.id,
            captured_at=NOW + timedelta(minutes=n),
            url=art.url,
            outcome="new_version",
            expected_version_count=0,
            version=_version(f"story {n}", f"Story number {n}"),
            furniture=upd,
        )
    )
    return art.id


def test_a_block_becomes_a_rule_in_enough_articles(store: Store) -> None:
    src = store.add_source(SourceConfig(name="daily"), NOW)
    upd = FurnitureUpdate(source_id=src.id, first_blocks=(BOX,), min_articles=3)
    gen = store.furniture_generation(src.id)
    for n in range(2):
        _first_version(store, src.id, n, upd)
    assert store.active_furniture(src.id, 3) == []
    assert store.furniture_rules(src.id, 3) == []  # not a rule yet
    assert store.furniture_generation(src.id) == gen
    _first_version(store, src.id, 2, upd)
    assert store.active_furniture(src.id, 3) == [(RuleKind.TEXT, BOX.key, 3)]
    assert store.furniture_generation(src.id) == gen + 1
    # fired: counted per check, for text rules and (created on first use) teasers
    art = store.find_article("https://news.example/a-0")
    assert art is not None
    teaser = Block("story number 1", "Read more: Story number 1")
    for k in range(2):
        store.record_check(
            CheckRecord(
                article_id=art.id,
                captured_at=NOW + timedelta(hours=1, minutes=k),
                url=art.url,
                outcome="unchanged",
                furniture=FurnitureUpdate(
                    source_id=src.id, fired=((RuleKind.TEXT, BOX, 1), (RuleKind.TEASER, teaser, 1))
                ),
            )
        )
    rules = {(r.kind, r.key): r for r in store.furniture_rules(src.id, 3)}
    assert rules[(RuleKind.TEXT, BOX.key)].fired == 2
    assert rules[(RuleKind.TEXT, BOX.key)].articles == 3
    assert rules[(RuleKind.TEASER, teaser.key)].fired == 2
    assert rules[(RuleKind.TEASER, teaser.key)].sample == "Read more: Story number 1"
    assert rules[(RuleKind.TEASER, teaser.key)].last_fired == NOW + timedelta(hours=1, minutes=1)


def test_rotating_blocks_are_rules_at_once_and_per_source(store: Store) -> None:
    one = store.add_source(SourceConfig(name="one"), NOW)
    two = store.add_source(SourceConfig(name="two"), NOW)
    art, _ = store.add_article("https://one.example/a", one.id, NOW)
    rot = Block("read more: other story", "Read more: Other story")
    store.record_check(
        CheckRecord(
            article_id=art.id,
            captured_at=NOW,
            url=art.url,
            outcome="unchanged",
            reason="rotating furniture: 1 block(s) changed, the rest is stable",
            furniture=FurnitureUpdate(source_id=one.id, rotating=(rot,)),
        )
    )
    assert store.active_furniture(one.id, 3) == [(RuleKind.ROTATING, rot.key, 1)]
    assert store.active_furniture(two.id, 3) == []
    assert store.captures(art.id)[0].reason.startswith("rotating furniture")  # type: ignore[union-attr]


def test_source_titles_include_every_headline_a_story_had(store: Store) -> None:
    src = store.add_source(SourceConfig(name="daily"), NOW)
    aid = _first_version(store, src.id, 1, FurnitureUpdate(source_id=src.id))
    store.record_check(
        CheckRecord(
            article_id=aid,
            captured_at=NOW + timedelta(hours=1),
            url="https://news.example/a-1",
            outcome="new_version",
            expected_version_count=1,
            version=_version("story 1 edited", "Story number 1 renamed"),
        )
    )
    store.add_article("https://news.example/new", src.id, NOW, title="Found in the feed today")
    other = store.add_source(SourceConfig(name="other"), NOW)
    store.add_article("https://other.example/x", other.id, NOW, title="Not this source at all")
    assert sorted(store.source_titles(src.id)) == [
        "Found in the feed today",
        "Story number 1",
        "Story number 1 renamed",
    ]


def test_rewrite_history_collapses_renumbers_and_keeps_captures(store: Store) -> None:
    src = store.add_source(SourceConfig(name="daily"), NOW)
    aid = _first_version(store, src.id, 1, FurnitureUpdate(source_id=src.id))
    for k, text in enumerate(["story 1 + box", "story 1 edited"], start=1):
        store.record_check(
            CheckRecord(
                article_id=aid,
                captured_at=NOW + timedelta(hours=k),
                url="https://news.example/a-1",
                outcome="new_version",
                expected_version_count=k,
                version=_version(text, "Story number 1"),
                change=ChangeRow("t", "minor", 0.1, ["paragraph_added"], "added", False, {}),
            )
        )
    v1, v2, v3 = store.versions(aid)
    change = ChangeRow("t2", "substantive", 0.5, ["edit"], "edited", False, {"x": 1})
    rw = HistoryRewrite(
        article_id=aid,
        expected_version_count=3,
        kept=(
            RewrittenVersion(
                v1.id, 1, "Story number 1", "A", "story 1", "h1", "trafilatura", "t", None
            ),
            RewrittenVersion(
                v3.id, 2, "Story number 1", "A", "story 1 edited", "h3", "trafilatura", "t2", change
            ),
        ),
        collapsed=((v2.id, "same as version 1"),),
    )
    with pytest.raises(VersionConflict):
        store.rewrite_history(HistoryRewrite(aid, 2, rw.kept, rw.collapsed))
    store.rewrite_history(rw)
    got = store.versions(aid)
    assert [(v.id, v.number, v.text) for v in got] == [
        (v1.id, 1, "story 1"),
        (v3.id, 2, "story 1 edited"),
    ]
    assert store.get_article(aid).version_count == 2
    changes = store.changes(aid)
    assert list(changes) == [v3.id] and changes[v3.id].summary == "edited"
    captures = store.captures(aid)
    assert len(captures) == 3  # nothing lost
    folded = [c for c in captures if c.outcome == "unchanged"]
    assert len(folded) == 1 and folded[0].reason == "reextract: same as version 1"
    assert folded[0].version_id is None
    # the next check continues from the rebuilt history
    store.record_check(
        CheckRecord(
            article_id=aid,
            captured_at=NOW + timedelta(hours=5),
            url="https://news.example/a-1",
            outcome="new_version",
            expected_version_count=2,
            version=_version("story 1 again"),
        )
    )
    assert [v.number for v in store.versions(aid)] == [1, 2, 3]
