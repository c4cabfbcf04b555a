"""The standfirst and the lead photo's caption are changes like a headline edit: a field with a
word diff, a class and a label; added, removed and cosmetic edits are told apart."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from redline.diff import compare
from redline.diff.engine import apply
from redline.diff.model import CLASS_LABELS, DocVersion
from redline.diff.render import render_inline_html

BODY = (
    "The council approved the budget on Tuesday after a long debate.",
    "The vote was 7 to 2, with two members absent.",
)
BASE = DocVersion(
    title="Council passes budget",
    paragraphs=BODY,
    standfirst="A late deal wins over the last holdouts",
    lead_caption="Councillor Ann Smith speaks before the vote on Tuesday",
)


@dataclass(frozen=True)
class Field:
    name: str  # the DocVersion field, the change class and the field diff's name
    label: str  # how summaries and the inline rendering name it
    after: str  # the edited text
    removed: str  # a word only the old text has
    added: str  # a word only the new text has


FIELDS = [
    Field(
        "standfirst", "Standfirst", "A late deal wins over the mayor's critics", "last", "critics"
    ),
    Field(
        "lead_caption",
        "Photo caption",
        "Councillor Jane Brown speaks before the vote on Tuesday",
        "Ann",
        "Brown",
    ),
]


@pytest.mark.parametrize("f", FIELDS, ids=lambda f: f.name)
def test_an_edited_field_is_a_substantive_field_change(f: Field) -> None:
    new = replace(BASE, **{f.name: f.after})
    r = compare(BASE, new)
    assert r.classes[0] == f.name
    assert r.level == "substantive"
    (diff,) = r.fields
    assert diff.field == f.name
    assert ("-", f.removed) in diff.tokens and ("+", f.added) in diff.tokens
    assert r.summary.startswith(f"{f.label} changed")
    assert CLASS_LABELS[f.name] == f"{f.label} changed"
    assert apply(BASE, r) == new
    assert f"{f.label}:" in render_inline_html(r)


@pytest.mark.parametrize("f", FIELDS, ids=lambda f: f.name)
def test_added_removed_and_cosmetic_field_edits(f: Field) -> None:
    none = replace(BASE, **{f.name: None})
    assert compare(none, BASE).summary == f"{f.label} added"
    assert compare(BASE, none).summary == f"{f.label} removed"
    assert compare(BASE, BASE).level == "none"
    dotted = replace(BASE, **{f.name: getattr(BASE, f.name) + "."})
    r = compare(BASE, dotted)
    assert r.level == "cosmetic" and f.name in r.classes
