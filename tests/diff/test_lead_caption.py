"""A corrected lead photo caption is a change like a standfirst edit: a field with a word diff."""

from __future__ import annotations

from redline.diff import compare
from redline.diff.engine import apply
from redline.diff.model import CLASS_LABELS, DocVersion
from redline.diff.render import render_inline_html

BODY = (
    "The council approved the budget on Tuesday after a long debate.",
    "The vote was 7 to 2, with two members absent.",
)
OLD = DocVersion(
    title="Council passes budget",
    paragraphs=BODY,
    standfirst="A late deal wins over the last holdouts",
    lead_caption="Councillor Ann Smith speaks before the vote on Tuesday",
)


def test_a_corrected_caption_is_a_substantive_field_change() -> None:
    new = DocVersion(
        title=OLD.title,
        paragraphs=BODY,
        standfirst=OLD.standfirst,
        lead_caption="Councillor Jane Brown speaks before the vote on Tuesday",
    )
    r = compare(OLD, new)
    assert r.classes[0] == "lead_caption"
    assert r.level == "substantive"
    (f,) = r.fields
    assert f.field == "lead_caption" and ("+", "Brown") in f.tokens
    assert r.summary.startswith("Photo caption changed")
    assert CLASS_LABELS["lead_caption"] == "Photo caption changed"
    assert apply(OLD, r) == new
    assert "Photo caption:" in render_inline_html(r)


def test_added_removed_and_cosmetic_captions() -> None:
    none = DocVersion(title=OLD.title, paragraphs=BODY, standfirst=OLD.standfirst)
    assert compare(none, OLD).summary == "Photo caption added"
    assert compare(OLD, none).summary == "Photo caption removed"
    assert compare(OLD, OLD).level == "none"
    dotted = DocVersion(
        title=OLD.title,
        paragraphs=BODY,
        standfirst=OLD.standfirst,
        lead_caption=(OLD.lead_caption or "") + ".",
    )
    r = compare(OLD, dotted)
    assert r.level == "cosmetic" and "lead_caption" in r.classes
