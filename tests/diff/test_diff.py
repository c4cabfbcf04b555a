"""The diff engine: every class on small real-looking edits, tricky alignments, the NYT page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.diff import (
    ChangeResult,
    DocVersion,
    apply,
    compare,
    render_inline_html,
    render_side_by_side_html,
)
from redline.diff.text import split_sentences, tokenize
from redline.extract import normalize_paragraphs

FIXTURES = Path(__file__).parent / "fixtures"
P1 = "The city council voted on Tuesday to approve the budget. Officials said the plan would cost $17 billion over five years."
P2 = "Mayor Jane Alvarez called the vote “a turning point for the city.” Critics said the timetable was unrealistic."
P3 = "The budget now goes to the state for review, a routine step before spending begins."


def doc(
    *paragraphs: str, title: str = "Council approves budget", byline: str | None = "Jane Doe"
) -> DocVersion:
    return DocVersion(title=title, byline=byline, paragraphs=tuple(paragraphs))


def changed(result: ChangeResult) -> list[tuple[str, list[str]]]:
    return [(i.op, i.classes) for i in result.items if i.op != "equal"]


BASE = doc(P1, P2, P3)


@pytest.mark.parametrize(
    ("new", "expected", "level"),
    [
        (doc(P1.replace("the budget", "the buget"), P2, P3), ["typo"], "cosmetic"),
        (
            doc(
                P1,
                P2.replace("“a turning point for the city.”", '"a turning point for the city."'),
                P3,
            ),
            ["quote_style"],
            "cosmetic",
        ),
        (doc(P1.replace("Tuesday to", "Tuesday, to"), P2, P3), ["punctuation"], "cosmetic"),
        (doc(P1.replace("$17 billion", "$27.6 billion"), P2, P3), ["number"], "substantive"),
        (doc(P1, P2.replace("a turning point", "a disaster"), P3), ["quote"], "substantive"),
        (
            doc(P1, P2.replace("Mayor Jane Alvarez", "Mayor Tom Briggs"), P3),
            ["name"],
            "substantive",
        ),
        (
            doc(
                P1,
                P2,
                P3.replace(
                    "a routine step before spending begins",
                    "where lawmakers from both parties have promised a lengthy fight",
                ),
            ),
            ["wording"],
            "substantive",
        ),
        (doc(P1 + " The vote was 7 to 2.", P2, P3), ["sentence_added", "number"], "substantive"),
        (
            doc(P1, "Critics said the timetable was unrealistic.", P3),
            ["sentence_removed"],
            "substantive",
        ),
        (
            doc(
                P1,
                P2,
                "A new paragraph about something else entirely, with many new words in it.",
                P3,
            ),
            ["paragraph_added"],
            "substantive",
        ),
        (doc(P1, P3), ["paragraph_removed"], "substantive"),
        (
            doc(
                P1,
                P2,
                P3,
                "Correction: An earlier version of this article misstated the cost of the plan.",
            ),
            ["correction"],
            "substantive",
        ),
        (
            doc(P1, P2, P3, "This story has been updated with comment from the mayor."),
            ["update_note"],
            "minor",
        ),
    ],
)
def test_each_class(new: DocVersion, expected: list[str], level: str) -> None:
    result = compare(BASE, new)
    assert set(expected[:1]) <= set(result.classes), (result.classes, changed(result))
    if expected[0] not in ("sentence_added",):
        assert result.classes == sorted(expected), changed(result)
    assert result.level == level, (result.level, result.score)
    assert apply(BASE, result) == new


def test_headline_byline_and_stealth_flag() -> None:
    new = doc(
        P1, P2, P3, title="Council approves $17 billion budget", byline="Jane Doe and Sam Park"
    )
    r = compare(BASE, new)
    assert {"headline", "byline"} <= set(r.classes)
    assert r.summary.startswith("Headline changed; byline changed")
    assert r.stealth  # substantive, and no correction or update note added
    noted = doc(
        P1.replace("$17 billion", "$18 billion"), P2, P3, "Correction: The cost was misstated."
    )
    assert not compare(BASE, noted).stealth


def test_figure_in_summary() -> None:
    r = compare(BASE, doc(P1.replace("$17 billion", "$27.6 billion"), P2, P3))
    assert r.summary == "A figure changed: $17 billion → $27.6 billion"


def test_moved_paragraph_and_moved_and_edited() -> None:
    r = compare(BASE, doc(P3, P1, P2))
    assert [c for _, c in changed(r)] == [["moved"]]
    assert r.level == "minor"
    r2 = compare(BASE, doc(P2, P3, P1.replace("$17 billion", "$19 billion")))
    moved = [i for i in r2.items if "moved" in i.classes]
    assert moved and any("number" in i.classes for i in moved)


def test_sentence_split_and_merge_are_edits_not_add_remove() -> None:
    split = doc(
        "The city council voted on Tuesday to approve the budget. Officials said the plan would cost $17 billion. It would run over five years.",
        P2,
        P3,
    )
    r = compare(BASE, split)
    assert [op for op, _ in changed(r)] == ["edited"]
    assert apply(BASE, r) == split
    merged = doc(
        "The city council voted on Tuesday to approve the budget, which officials said would cost $17 billion over five years.",
        P2,
        P3,
    )
    r = compare(BASE, merged)
    assert [op for op, _ in changed(r)] == ["edited"]
    assert apply(BASE, r) == merged


def test_rewrite_and_empty_versions() -> None:
    rewrite = doc(
        "Something completely different happened in another town.",
        "Nothing here matches the old story at all.",
    )
    r = compare(BASE, rewrite)
    assert r.level == "major"
    assert apply(BASE, r) == rewrite
    empty = doc()
    r = compare(empty, BASE)
    assert {"paragraph_added"} == set(r.classes) and apply(empty, r) == BASE
    first = compare(None, BASE)
    assert first.initial and first.summary == "First version"


def test_non_english_text() -> None:
    old = doc(
        "Le conseil a approuvé le budget à Québec. Les élus étaient satisfaits.",
        "市議會週二通過預算。官員表示將用於交通。",
    )
    new = doc(
        "Le conseil a approuvé le budget à Montréal. Les élus étaient satisfaits.",
        "市議會週三通過預算。官員表示將用於交通。",
    )
    r = compare(old, new)
    assert len(changed(r)) == 2
    assert apply(old, r) == new


def test_very_long_paragraph() -> None:
    long_p = " ".join(
        f"Sentence number {i} talks about item {i} in some detail." for i in range(400)
    )
    edited = long_p.replace("item 200 in", "item 201 in")
    r = compare(doc(long_p), doc(edited))
    assert [c for _, c in changed(r)] == [["number"]]


def test_sentence_splitter_handles_abbreviations_and_quotes() -> None:
    text = "Mr. Trump met the U.S. envoy on Jan. 5 in Washington. “It went well,” said Robert E. Lighthizer. Talks resume in Feb. next year."
    assert split_sentences(text) == [
        "Mr. Trump met the U.S. envoy on Jan. 5 in Washington. ",
        "“It went well,” said Robert E. Lighthizer. ",
        "Talks resume in Feb. next year.",
    ]
    assert tokenize("“$27.6 billion,” he said.") == [
        "“",
        "$27.6",
        " ",
        "billion",
        ",",
        "”",
        " ",
        "he",
        " ",
        "said",
        ".",
    ]


def test_nyt_korea_trade_talks_seed() -> None:
    """Version 0 and 1 of the NYT article from the public NewsDiffs page in shared/seeds/003."""
    f = json.loads((FIXTURES / "nyt_korea_trade.json").read_text(encoding="utf-8"))
    old = DocVersion(f["old"]["title"], paragraphs=normalize_paragraphs(f["old"]["paragraphs"]))
    new = DocVersion(f["new"]["title"], paragraphs=normalize_paragraphs(f["new"]["paragraphs"]))
    r = compare(old, new)
    headline = next(fc for fc in r.fields if fc.field == "title")
    assert (headline.old, headline.new) == (
        "U.S. to Start Korean Trade Talks Amid Rising Tensions",
        "U.S. and South Korea Start Trade Talks Amid Rising Tensions",
    )
    assert r.summary.startswith("Headline changed; 1 paragraph added")
    assert "headline" in headline.classes
    meet = next(i for i in r.items if i.old_text and "will meet on Friday" in i.old_text)
    assert meet.op == "edited" and meet.classes == ["wording"] and meet.level == "minor"
    assert ("-", "will") in meet.tokens and ("+", "met") in meet.tokens
    hose = next(i for i in r.items if i.old_text and "White Hose" in i.old_text)
    assert "typo" in hose.classes and "typo: Hose → House" in hose.details
    assert hose.level == "minor"  # the typo plus 'now emphasizes' → 'is emphasizing'
    added = [i for i in r.items if i.op == "added"]
    assert {tuple(i.classes) for i in added} == {("paragraph_added",)}
    assert any("Lighthizer" in (i.new_text or "") for i in added)
    assert {i.level for i in added} == {"major"}  # the Lighthizer paragraph is 60+ words
    quote_only = [i for i in r.items if i.classes == ["quote_style"]]
    assert quote_only and all(i.level == "cosmetic" for i in quote_only)
    # the one-paragraph shift must not show unchanged paragraphs as removed and re-added
    assert not [i for i in r.items if i.op in ("removed", "moved")]
    assert sum(1 for i in r.items if i.op == "equal") >= 10
    # nothing else is substantive: the other ~25 edits are tense changes, function-word swaps,
    # synonyms and swaps between names the story already uses ('Mr. Trump' → 'the United States')
    weighty = [i for i in r.items if i.level in ("substantive", "major")]
    assert weighty == added, [(i.classes, i.tokens) for i in weighty if i not in added]
    others = [i for i in r.items if i.op == "edited" and i not in (meet, hose)]
    assert {i.level for i in others} == {"cosmetic", "minor"}
    assert not {"number", "quote", "sentence_added", "sentence_removed"} & set(r.classes)
    assert r.summary.startswith("Headline changed; 1 paragraph added;")
    assert "typo fixed (Hose → House)" in r.summary and "figure" not in r.summary


def test_renderers_escape_article_text() -> None:
    old = doc("Safe text here. <script>alert(1)</script> was in the page.")
    new = doc("Safe text here. <script>alert(2)</script> was in the page.")
    r = compare(old, new)
    for html in (render_inline_html(r), render_side_by_side_html(r)):
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "<ins" in html and "<del" in html


def test_json_round_trip() -> None:
    r = compare(BASE, doc(P1.replace("$17", "$18"), P3, P2, title="New title"))
    again = ChangeResult.from_dict(json.loads(json.dumps(r.to_dict())))
    assert again == r


def test_identical_versions_are_no_change() -> None:
    r = compare(BASE, BASE)
    assert r.level == "none" and r.classes == [] and not r.stealth and changed(r) == []


_words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=60
)
_paras = st.lists(_words, min_size=0, max_size=6).map(lambda ps: normalize_paragraphs(ps))


@settings(max_examples=150, deadline=None)
@given(_paras, _paras, _words, _words)
def test_apply_reproduces_new_and_never_crashes(
    a: tuple[str, ...], b: tuple[str, ...], ta: str, tb: str
) -> None:
    old, new = DocVersion(ta, paragraphs=a), DocVersion(tb, paragraphs=b)
    r = compare(old, new)
    assert apply(old, r) == new
    assert r.level in ("none", "cosmetic", "minor", "substantive", "major")
    render_inline_html(r)
    render_side_by_side_html(r)


@settings(max_examples=100, deadline=None)
@given(_paras, _words)
def test_diff_of_a_version_with_itself_is_empty(a: tuple[str, ...], t: str) -> None:
    d = DocVersion(t, paragraphs=a)
    r = compare(d, d)
    assert r.level == "none" and not r.fields and all(i.op == "equal" for i in r.items)


_sentences = st.lists(
    st.sampled_from(
        [P1, P2, P3, "Short one.", "Another sentence here, with a comma.", "It cost $5 million."]
    ),
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(_sentences, _sentences)
def test_apply_on_realistic_shuffles(a: list[str], b: list[str]) -> None:
    old, new = doc(*a), doc(*b)
    assert apply(old, compare(old, new)) == new


def test_side_by_side_rows_have_two_cells_and_fields_carry_their_label() -> None:
    """Field labels are markup inside each cell: a CSS ::before on a table row would add a
    third, anonymous cell and push the new side out of its column."""
    from selectolax.lexbor import LexborHTMLParser

    old = DocVersion(
        title="Port reopens",
        byline="By A. Reporter",
        modified="2026-11-24T06:02:33+00:00",
        paragraphs=("The port reopened on Monday.",),
    )
    new = DocVersion(
        title="Port reopens",
        byline="By B. Writer",
        modified="2026-11-24T06:03:33+00:00",
        paragraphs=("The port reopened on Tuesday.",),
    )
    html = render_side_by_side_html(compare(old, new))
    tree = LexborHTMLParser(html)
    rows = tree.css("tbody tr")
    assert len(rows) == 3  # byline, modified, one paragraph
    assert all(len(r.css("td")) == 2 for r in rows)
    labels = [r.css_first("td .rl-label").text() for r in rows[:2]]
    assert labels == ["Byline:", "Modified:"]
