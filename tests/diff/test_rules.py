"""Classification rules on small real-looking news edits: what is a typo, a figure, a quote, a
name, a note; how much an edit weighs; what the summary says."""

from __future__ import annotations

import pytest

from redline.diff import ChangeResult, DocVersion, apply, compare

CONTEXT = "The agency published its annual report on Monday. The White House declined to comment."


def doc(*paragraphs: str, title: str = "Agency report", **kw: str | None) -> DocVersion:
    return DocVersion(title=title, paragraphs=tuple(paragraphs), **kw)  # type: ignore[arg-type]


def one(old: str, new: str) -> ChangeResult:
    """Compare two versions whose only difference is one sentence, amid unchanged context."""
    a, b = doc(old, CONTEXT), doc(new, CONTEXT)
    r = compare(a, b)
    assert apply(a, r) == b
    return r


@pytest.mark.parametrize(
    ("old", "new", "cls"),
    [
        # meaning changes that look like one-letter slips are not typos
        (
            "Officials said the plan would cost $17 billion.",
            "Officials said the plan would cost $17 million.",
            "number",
        ),
        (
            "Exports increased sharply last year, the ministry said.",
            "Exports decreased sharply last year, the ministry said.",
            "wording",
        ),
        (
            "Prices rise sharply every winter, the ministry said.",
            "Prices rose sharply every winter, the ministry said.",
            "wording",
        ),
        ("Nine people were hurt in the blast.", "None people were hurt in the blast.", "number"),
        (
            'He called it "a horrible deal" for the country.',
            'He called it "a terrible deal" for the country.',
            "quote",
        ),
        (
            "The report was written by John Smith of the agency.",
            "The report was written by John Smyth of the agency.",
            "name",
        ),
        # number words, weekdays and months are figures
        ("The plan would run over five years.", "The plan would run over six years.", "number"),
        ("Two people were killed in the crash.", "Ten people were killed in the crash.", "number"),
        (
            "The vote was held on Tuesday in the capital.",
            "The vote was held on Wednesday in the capital.",
            "number",
        ),
        (
            "The law takes effect in March, officials said.",
            "The law takes effect in April, officials said.",
            "number",
        ),
    ],
)
def test_meaning_changes_are_not_typos(old: str, new: str, cls: str) -> None:
    r = one(old, new)
    assert r.classes == [cls], r.classes
    assert r.level != "cosmetic"


def test_typo_fix_needs_the_right_spelling_elsewhere_in_the_story() -> None:
    r = one("The White Hose declined to say more.", "The White House declined to say more.")
    assert r.classes == ["typo"] and r.level == "cosmetic"
    assert r.summary == "Typo fixed (Hose → House)"
    r = one("He said teh agency would respond.", "He said the agency would respond.")
    assert r.classes == ["typo"]
    # the same one-letter edit with no corroboration is not hidden as cosmetic
    r = one(
        "The director of the Hose committee resigned.",
        "The director of the Horse committee resigned.",
    )
    assert r.classes != ["typo"] and r.level != "cosmetic"


def test_typo_in_a_headline_is_corroborated_by_the_body() -> None:
    a = doc(CONTEXT, title="White Hose rejects agency report")
    b = doc(CONTEXT, title="White House rejects agency report")
    r = compare(a, b)
    assert r.classes == ["headline", "typo"] and r.level == "cosmetic"


def test_quote_spanning_sentences_of_a_paragraph() -> None:
    q = "“We have much work to do. We can and must do better,” the minister said."
    r = one(q, q.replace("must do better", "must do more"))
    assert r.classes == ["quote"] and r.level == "substantive"
    # the sentence after the closing quote is outside it
    after = "“We have much work to do,” the minister said. Talks resume next week."
    r = one(after, after.replace("next week", "next month"))
    assert "quote" not in r.classes


def test_update_note_needs_a_time_or_date() -> None:
    base = "Officials met on Friday."
    r = compare(
        doc(base), doc(base, "Updated guidance from the agency says masks are now required.")
    )
    assert "update_note" not in r.classes and r.stealth
    r = compare(doc(base), doc(base, "Updated at 5:32 p.m. ET"))
    assert r.classes == ["update_note"] and r.level == "minor"
    r = compare(doc(base, "Updated: Jan. 6, 2018"), doc(base, "Updated: Jan. 7, 2018"))
    assert r.classes == ["update_note"]


def test_restamped_update_note_is_the_note_alone() -> None:
    base = "Officials met on Friday."
    r = compare(doc(base, "Updated at 5:32 p.m. ET"), doc(base, "Updated at 7:10 p.m. ET"))
    assert r.classes == ["update_note"] and r.level == "minor" and not r.stealth
    assert "figure" not in r.summary and r.summary == "Update note changed"


@pytest.mark.parametrize(
    "note",
    [
        "A correction was made on Jan. 6, 2018: An earlier version misstated the cost of the plan.",
        "This article has been revised to reflect the following correction: the plan costs $17 billion.",
        "An earlier version of this article misstated the year the agency was founded.",
        "Editor's note: This article has been updated to include the agency's response.",
        "Clarification: The report was published by the agency, not the ministry.",
    ],
)
def test_correction_forms(note: str) -> None:
    r = compare(doc(CONTEXT), doc(CONTEXT, note))
    assert r.classes == ["correction"], r.classes
    assert not r.stealth and r.summary.startswith("Correction added")


def test_correction_paragraph_of_several_sentences_is_one_correction() -> None:
    note = "Correction: An earlier version of this article misstated the cost. It was $17 billion, not $7 billion."
    r = compare(doc(CONTEXT), doc(CONTEXT, note))
    assert r.classes == ["correction"] and r.counts == {"correction": 2}


def test_sentence_split_moves_a_figure_without_changing_it() -> None:
    old = "The mayor, who took office in 2019, said the plan was sound and would pass next week."
    new = "The mayor took office in 2019. She said the plan was sound and would pass next week."
    r = compare(doc(old), doc(new))
    edited = [i for i in r.items if i.op != "equal"]
    assert [(i.op, i.new_count) for i in edited] == [("edited", 2)]
    assert "number" not in r.classes and "name" not in r.classes
    assert "figure" not in r.summary and r.level == "minor"


def test_moved_and_edited_paragraph_is_one_move() -> None:
    p1 = "The city council voted on Tuesday to approve the budget."
    p2 = "Mayor Jane Alvarez called the vote “a turning point for the city.” Critics said the timetable was unrealistic."
    p3 = "The budget now goes to the state for review, a routine step before spending begins."
    p4 = "Opposition members walked out before the vote, saying they had not seen the final text."
    p2e = "Mayor Jane Alvarez hailed the vote as “a turning point for our city.” Critics, however, said the timetable was unrealistic and rushed."
    r = compare(doc(p1, p2, p3, p4), doc(p1, p3, p4, p2e))
    changed = [i for i in r.items if i.op != "equal"]
    assert {i.op for i in changed} == {"moved"} and len(changed) == 2
    assert "1 paragraph moved" in r.summary


def test_title_case_headline_rewording_is_not_a_name_change() -> None:
    body = "The finance minister quit on Monday after a row over the budget."
    r = compare(
        doc(body, title="Minister resigns over budget"),
        doc(body, title="Finance minister quits after budget row"),
    )
    title = next(f for f in r.fields if f.field == "title")
    assert "name" not in title.classes and "headline" in title.classes


def test_modified_date_only_is_a_minor_dates_change() -> None:
    r = compare(
        doc(CONTEXT, modified="2020-01-01T10:00:00"), doc(CONTEXT, modified="2020-01-02T09:00:00")
    )
    assert r.level == "minor" and r.classes == [] and r.summary == "Dates changed"
    assert [f.field for f in r.fields] == ["modified"]


def test_byline_letter_case_is_cosmetic() -> None:
    r = compare(doc(CONTEXT, byline="By Jane Doe"), doc(CONTEXT, byline="By JANE DOE"))
    assert r.level == "cosmetic" and not r.stealth
    r = compare(doc(CONTEXT, byline="By Jane Doe"), doc(CONTEXT, byline="By Jane Doe and Sam Park"))
    assert r.level == "substantive" and r.stealth


def test_significance_counts_content_words_on_the_larger_side() -> None:
    # tense and function-word swaps are minor however many of them there are
    r = one(
        "The officials will meet on Friday in the capital.",
        "The officials met on Friday in the capital.",
    )
    assert r.level == "minor"
    # a real rewording is substantive
    r = one(
        "The budget now goes to the state for review, a routine step before spending begins.",
        "The budget now goes to the state, where lawmakers have promised a lengthy fight.",
    )
    assert r.level == "substantive"
    # a negation flips the meaning of an otherwise small edit
    r = one("The jury found him guilty on Tuesday.", "The jury found him not guilty on Tuesday.")
    assert r.level == "substantive"


def test_name_swap_between_names_the_story_uses_is_minor_but_a_new_name_is_not() -> None:
    ctx = "Mr. Trump spoke to reporters. The United States is the largest economy."
    a = doc("The deal divides South Korea and Mr. Trump, analysts say.", ctx)
    b = doc("The deal divides South Korea and the United States, analysts say.", ctx)
    assert compare(a, b).level == "minor"
    c = doc("The deal divides South Korea and Mr. Xi, analysts say.", ctx)
    r = compare(a, c)
    assert r.classes == ["name"] and r.level == "substantive"


def test_cjk_characters_are_tokens_and_never_typos() -> None:
    r = compare(
        doc("市議會週二通過預算。官員表示將用於交通。"),
        doc("市議會週三通過預算。官員表示將用於交通。"),
    )
    edited = next(i for i in r.items if i.op == "edited")
    assert [t for t in edited.tokens if t[0] != "="] == [("-", "二"), ("+", "三")]
    assert r.classes == ["number"]
    r = compare(
        doc("東京都は新しい予算を承認した。知事は満足している。"),
        doc("東京都は新しい予算を否決した。知事は満足している。"),
    )
    assert r.classes == ["wording"] and r.level != "cosmetic"


def test_modification_time_rides_along_with_an_edit_and_adds_nothing() -> None:
    """Every edit bumps dateModified; a typo fix with it stays cosmetic and the summary says
    nothing of dates. A new publication date is news of its own."""
    fixed = CONTEXT.replace("annual", "anual", 1)
    assert fixed != CONTEXT
    r = compare(
        doc(fixed, modified="2020-01-01T10:00:00"), doc(CONTEXT, modified="2020-01-01T11:00:00")
    )
    assert "dates" not in r.classes and "date" not in r.summary.lower()  # no tag either
    plain = compare(doc(fixed), doc(CONTEXT))
    assert r.level == plain.level and r.summary == plain.summary
    redated = compare(
        doc(CONTEXT, published="2020-01-01T10:00:00"), doc(CONTEXT, published="2020-02-01T10:00:00")
    )
    assert redated.level == "minor" and redated.summary == "Publication date changed"


@pytest.mark.parametrize(
    ("old", "new", "fix"),
    [
        (
            "The goverment said it would respond.",
            "The government said it would respond.",
            "goverment → government",
        ),
        (
            "The minster said the talks would go on.",
            "The minister said the talks would go on.",
            "minster → minister",
        ),
        (
            "The Untied Nations will vote on the plan.",
            "The United Nations will vote on the plan.",
            "Untied → United",
        ),
    ],
)
def test_typo_fix_is_recognised_by_the_language_when_the_story_never_repeats_the_word(
    old: str, new: str, fix: str
) -> None:
    """Neither spelling appears elsewhere in the article: the word list of the article's
    language tells a misspelling from a word."""
    r = one(old, new)
    assert r.classes == ["typo"] and r.level == "cosmetic", (r.classes, r.level)
    assert r.summary == f"Typo fixed ({fix})"


def test_typo_fix_in_another_language_uses_that_language_s_word_list() -> None:
    context = "Die Regierung hat am Montag ihren Bericht vorgelegt. Die Opposition kritisierte ihn."
    a = doc("Der Minister hat den Plan gestopt, sagte ein Sprecher.", context)
    b = doc("Der Minister hat den Plan gestoppt, sagte ein Sprecher.", context)
    r = compare(a, b)
    assert r.classes == ["typo"] and r.summary == "Typo fixed (gestopt → gestoppt)"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "The report was written by John Smith of the agency.",
            "The report was written by John Smyth of the agency.",
        ),
        (
            "The director of the Hose committee resigned.",
            "The director of the Horse committee resigned.",
        ),
        ("The trail began on Monday morning.", "The trial began on Monday morning."),
    ],
)
def test_two_real_words_are_never_a_typo_by_the_dictionary(old: str, new: str) -> None:
    assert one(old, new).level != "cosmetic"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "Shares of the company rose after the report.",
            "Shares of the company fell after the report.",
        ),
        (
            "The council approved the budget on Monday.",
            "The council rejected the budget on Monday.",
        ),
        ("The jury found him guilty of fraud.", "The jury found him not guilty of fraud."),
        ("The minister said she will sign the bill.", "The minister said she won't sign the bill."),
        (
            "Officials said a deal was likely this week.",
            "Officials said a deal was unlikely this week.",
        ),
        (
            "Turnout was higher than in the last election.",
            "Turnout was lower than in the last election.",
        ),
    ],
)
def test_opposite_word_swaps_are_substantive(old: str, new: str) -> None:
    r = one(old, new)
    assert r.level == "substantive", (r.classes, r.level)


def test_a_small_swap_that_keeps_the_meaning_stays_minor() -> None:
    r = one(
        "Shares of the company rose after the report.",
        "Shares of the company climbed after the report.",
    )
    assert r.level == "minor"
