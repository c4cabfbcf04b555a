"""The pure furniture decisions: template blocks, teasers, rotation between fetches."""

from __future__ import annotations

from redline.extract.furniture import apply_learned, furniture_key, teaser_match
from redline.extract.model import DropReason, ExtractRules
from redline.furniture import (
    FurniturePolicy,
    RuleKind,
    active_texts,
    judge_rotation,
    link_density,
    template_blocks,
    usable_titles,
)
from redline.furniture.compare import Body, only_furniture

STORY = [
    "The council voted on Tuesday to approve a budget of $17 billion after months of debate.",
    "Supporters said the plan would fund schools and transit across the whole region.",
    "Critics warned that the plan relied on optimistic forecasts of tax revenue next year.",
    "The budget now goes to the state for a review that officials called routine.",
]
TITLES = usable_titles(["Storm leaves thousands without power", "Rail line opens at last", "Tax"])


def test_keys_fold_case_and_space() -> None:
    assert furniture_key("  Read   MORE:\n Storm ") == "read more storm"
    assert furniture_key("Budget of $17 billion") != furniture_key("Budget of $27 billion")


def test_teasers_match_headlines_with_a_short_label_either_side() -> None:
    assert "tax" not in TITLES  # one-word headlines would eat subheadings
    for text in (
        "Storm leaves thousands without power",
        "Read more: Storm leaves thousands without power",
        "[Related: Storm leaves thousands without power]",
        "Maria Alvarez · Rail line opens at last",
        "Rail line opens at last (video)",
    ):
        assert teaser_match(furniture_key(text), TITLES) is not None, text
    for text in (
        "Officials said the storm leaves thousands without power in the valley tonight and more",
        "A long sentence that merely mentions the rail line opens at last in its middle part",
    ):
        assert teaser_match(furniture_key(text), TITLES) is None, text


def test_apply_learned_drops_template_and_teasers_but_keeps_protected() -> None:
    rules = ExtractRules(
        furniture_texts=frozenset({furniture_key("Sign up for our briefing")}),
        teaser_titles=TITLES,
    )
    paras = (STORY[0], "Sign up for our BRIEFING", "Read more: Rail line opens at last", STORY[1])
    kept, dropped = apply_learned(paras, rules)
    assert kept == (STORY[0], STORY[1])
    assert [d.reason for d in dropped] == [DropReason.LEARNED_TEXT, DropReason.TEASER_TITLE]
    kept, _ = apply_learned(paras, rules, frozenset({furniture_key("Sign up for our briefing")}))
    assert "Sign up for our BRIEFING" in kept


def test_template_blocks_skip_long_paragraphs_and_duplicates() -> None:
    policy = FurniturePolicy(max_block_words=10)
    blocks = template_blocks(["Short box", "short  BOX", " ".join(["word"] * 11)], policy)
    assert [b.key for b in blocks] == ["short box"]


def test_active_texts_need_enough_articles_and_respect_veto_and_pin() -> None:
    policy = FurniturePolicy(min_articles=3)
    rows = [
        (RuleKind.TEXT, "newsletter box", 3),
        (RuleKind.TEXT, "seen twice", 2),
        (RuleKind.ROTATING, "read more: x", 1),
        (RuleKind.TEXT, "credit line", 5),
    ]
    active = active_texts(rows, policy, veto=["Credit  LINE"], pin=["Pinned text"])
    assert active == {
        "newsletter box": RuleKind.TEXT,
        "read more: x": RuleKind.ROTATING,
        "pinned text": RuleKind.TEXT,
    }


def test_a_rotating_teaser_is_rotation_and_a_real_edit_is_not() -> None:
    before = [*STORY[:2], "Read more: Storm leaves thousands without power", *STORY[2:]]
    after = [*STORY[:2], "Read more: Rail line opens at last", *STORY[2:]]
    rot = judge_rotation(before, after, titles=TITLES, density={})
    assert rot is not None and len(rot.blocks) == 2
    edited = [STORY[0].replace("$17", "$27"), *after[1:]]
    assert judge_rotation(before, edited, titles=TITLES, density={}) is None
    # a real paragraph edit is no teaser, even when nothing else changed
    assert (
        judge_rotation(STORY, [STORY[0], "A new sentence.", *STORY[2:]], titles=TITLES, density={})
        is None
    )


def test_link_dense_blocks_and_flips_back_count_as_rotation() -> None:
    a = "Also on the site today, picked for you"
    b = "Tonight on the site, our editors recommend"
    html = f'<div><p><a href="/x">{b}</a></p></div>'
    dense = link_density(html, [b])
    assert dense[furniture_key(b)] == 1.0
    before, after = [*STORY, a], [*STORY, b]
    # b is a link (dense), a is not and was not seen before: no rotation
    assert judge_rotation(before, after, titles=frozenset(), density=dense) is None
    # the A→B→A flip: the latest version has b, the one before it had a
    flip = judge_rotation(after, before, titles=frozenset(), density={}, earlier=before)
    assert flip is not None
    # collapsed, but no rule: a short paragraph edited and put back flips back the same way
    assert flip.learnable == ()
    # b on its own evidence (a link) is a rule, whichever way it goes
    dense_flip = judge_rotation(after, before, titles=frozenset(), density=dense, earlier=before)
    assert dense_flip is not None
    assert [blk.key for blk in dense_flip.learnable] == [furniture_key(b)]


def test_too_much_change_is_never_rotation() -> None:
    before = ["Read more: Storm leaves thousands without power", STORY[0]]
    after = ["Read more: Rail line opens at last", "Something else entirely, a rewritten story."]
    assert judge_rotation(before, after, titles=TITLES, density={}) is None


def test_only_furniture_sees_the_latest_version_with_todays_rules() -> None:
    latest = Body("T", "B", (*STORY, "Sign up for our briefing"))
    current = Body("T", "B", tuple(STORY))
    rules = ExtractRules(furniture_texts=frozenset({"sign up for our briefing"}))
    same = only_furniture(latest, current, rules=rules, policy=FurniturePolicy())
    assert same is not None and same.reason.startswith("learned furniture")
    assert only_furniture(latest, current, rules=None, policy=FurniturePolicy()) is None
    assert (
        only_furniture(
            latest, Body("T2", "B", current.paragraphs), rules=rules, policy=FurniturePolicy()
        )
        is None
    )


def test_a_flip_back_hides_only_box_sized_blocks_and_only_a_return_to_before() -> None:
    long_old = STORY[1] + " It was the longest session in years, members said afterwards."
    long_new = long_old.replace("longest", "shortest")
    reverted = [STORY[0], long_old, *STORY[2:]]
    edited = [STORY[0], long_new, *STORY[2:]]
    # an editor reverting a story paragraph: a version, not furniture
    assert (
        judge_rotation(edited, reverted, titles=frozenset(), density={}, earlier=reverted) is None
    )
    # a new paragraph that the version before the latest happened to have too is no flip back
    grown = [*STORY, "A short new line."]
    assert (
        judge_rotation(
            STORY, [*grown, "A short new line."], titles=frozenset(), density={}, earlier=grown
        )
        is None
    )


def test_a_word_corrected_in_a_sentence_with_links_is_an_edit_not_rotation() -> None:
    """about.com: a reference list whose titles are links (0.6 of the text). A word corrected
    in one is an edit; a teaser line (mostly link) or a changed figure is left to rotation."""
    cite = (
        "Li, T., Kung, H. and D. Gandara. <a href='https://pubmed.test/1'>Genotyping of lung "
        "cancer: implications for current and future therapies</a>. Journal of Oncology."
    )
    fixed = cite.replace("current", "present")
    long_story = [*STORY, *(f"{p} That was the second reading." for p in STORY)]
    old_p, new_p = (" ".join(text_of(c).split()) for c in (cite, fixed))
    html = f"<div><p>{fixed}</p></div>"
    dense = {**link_density(html, [new_p]), **link_density(f"<div><p>{cite}</p></div>", [old_p])}
    assert 0.5 <= dense[furniture_key(new_p)] < 0.8
    before, after = [*long_story, old_p], [*long_story, new_p]
    assert judge_rotation(before, after, titles=frozenset(), density=dense) is None
    # the same block swapping its whole linked title is rotation, as before
    swapped = old_p.replace(
        "Genotyping of lung cancer: implications for current and future therapies",
        "Storm leaves thousands without power across the valley tonight",
    )
    dense2 = {furniture_key(swapped): 0.6, furniture_key(old_p): 0.6}
    assert judge_rotation(before, [*long_story, swapped], titles=frozenset(), density=dense2)
    # a counter or a time in a link-dense block is not taken for an edit
    counted = old_p.replace("Journal of Oncology.", "Journal of Oncology. 12 comments")
    counted2 = counted.replace("12", "13")
    dense3 = {furniture_key(counted2): 0.6, furniture_key(counted): 0.6}
    assert judge_rotation(
        [*long_story, counted], [*long_story, counted2], titles=frozenset(), density=dense3
    )


def text_of(html: str) -> str:
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser(f"<p>{html}</p>").text(separator=" ")


def test_the_latest_version_seen_with_todays_standfirst() -> None:
    from redline.furniture.compare import seen_today

    dek = "A late deal won over the last holdouts"
    old = Body("T", "B", (dek, *STORY))  # stored before the field: the dek is paragraph one
    now = Body("T", "B", tuple(STORY), dek)
    assert seen_today(old, now) == now
    found = only_furniture(old, now, rules=None, policy=FurniturePolicy())
    assert found is not None and "standfirst" in found.reason
    # a standfirst that is none of the first paragraphs, nor on the old page: an edit
    added = Body("T", "B", tuple(STORY), "A new dek")
    assert seen_today(Body("T", "B", tuple(STORY)), added) == Body("T", "B", tuple(STORY))
    assert (
        only_furniture(Body("T", "B", tuple(STORY)), added, rules=None, policy=FurniturePolicy())
        is None
    )
    # ... unless the old page held it (an extractor before the field left it out)
    page = f"<html><body><h1>T</h1><p class='dek'>A new dek</p><p>{STORY[0]}</p></body></html>"
    assert seen_today(Body("T", "B", tuple(STORY)), added, page) == added
    # a version that has a standfirst is taken as it is
    assert seen_today(Body("T", "B", tuple(STORY), "Old dek"), added).standfirst == "Old dek"
