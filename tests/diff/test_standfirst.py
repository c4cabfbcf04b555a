"""A standfirst edit is a change like a headline edit: a field with a word diff and a class."""

from __future__ import annotations

from redline.diff import compare
from redline.diff.engine import apply
from redline.diff.model import CLASS_LABELS, DocVersion

BODY = (
    "The council approved the budget on Tuesday after a long debate.",
    "The vote was 7 to 2, with two members absent.",
)
OLD = DocVersion(
    title="Council passes budget",
    paragraphs=BODY,
    standfirst="A late deal wins over the last holdouts",
)


def test_a_rewritten_standfirst_is_a_substantive_field_change() -> None:
    new = DocVersion(
        title=OLD.title, paragraphs=BODY, standfirst="A late deal wins over the mayor's critics"
    )
    r = compare(OLD, new)
    assert r.classes == ["standfirst", "wording"] or r.classes[0] == "standfirst"
    assert r.level == "substantive"
    (f,) = r.fields
    assert f.field == "standfirst" and ("-", "last") in f.tokens and ("+", "critics") in f.tokens
    assert r.summary.startswith("Standfirst changed")
    assert CLASS_LABELS["standfirst"] == "Standfirst changed"
    assert apply(OLD, r) == new


def test_added_removed_and_cosmetic_standfirsts() -> None:
    none = DocVersion(title=OLD.title, paragraphs=BODY)
    assert compare(none, OLD).summary == "Standfirst added"
    assert compare(OLD, none).summary == "Standfirst removed"
    assert compare(OLD, OLD).level == "none"
    dotted = DocVersion(title=OLD.title, paragraphs=BODY, standfirst=OLD.standfirst + ".")
    r = compare(OLD, dotted)
    assert r.level == "cosmetic" and "standfirst" in r.classes
