"""How much a change matters: a level per item and a score and level per version.

Amount of text touched, for an edited sentence, counts *content words* on the larger side:
words removed and words added, less words that appear on both sides (a phrase moved within the
sentence), less function words ('is' → 'was', 'in' → 'on'), less names the other version still
uses (the name rule judges those), less inflection pairs of one word ('meet' → 'met', 'comes' →
'came', 'emphasizes' → 'emphasizing'); the count is the larger of what is left on the removed and
the added side. Added or removed sentences count all their words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from rapidfuzz.distance import OSA

from redline.diff.classify import changed_names, first_words, is_cosmetic
from redline.diff.context import ArticleContext
from redline.diff.lexicon import FUNCTION_WORDS, NEGATIONS, opposite, words
from redline.diff.model import LEVELS, Item, TokenOp

WORDING_WORDS = 3
"""An edited sentence whose content-word count exceeds this is a substantive rewording."""
MAJOR_PARAGRAPH_WORDS = 60
"""An added or removed paragraph of at least this many words is a major change."""
# What one item weighs in the version's score, by its level.
WEIGHT = {"none": 0.0, "cosmetic": 0.0, "minor": 0.05, "substantive": 0.15, "major": 0.3}
MAJOR_SCORE = 0.6
"""A version whose score reaches this is 'major' whatever its single largest change."""
SUBSTANTIVE = frozenset(
    {
        "number",
        "quote",
        "sentence_added",
        "sentence_removed",
        "correction",
        "byline",
        "headline",
        "standfirst",
        "lead_caption",
    }
)


def _inflection(a: str, b: str) -> bool:
    """Two forms of one word: 'meet'/'met', 'comes'/'came', 'emphasizes'/'emphasizing'."""
    if a[:1] != b[:1] or min(len(a), len(b)) < 3:
        return False
    prefix = next(
        (k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return prefix >= 4 or OSA.distance(a, b) <= 2


def content_words(
    tokens: list[TokenOp], ctx: ArticleContext | None = None
) -> tuple[list[str], list[str]]:
    """Content words removed and added by a word diff, after the deductions above."""
    removed = Counter(w for op, t in tokens if op == "-" for w in words(t))
    added = Counter(w for op, t in tokens if op == "+" for w in words(t))
    kept = ctx.proper if ctx else frozenset()
    r = [
        w
        for w in (removed - added).elements()
        if w not in FUNCTION_WORDS and not (w in kept and ctx and ctx.in_new(w))
    ]
    a = [
        w
        for w in (added - removed).elements()
        if w not in FUNCTION_WORDS and not (w in kept and ctx and ctx.in_old(w))
    ]
    for w in list(r):
        match = next((x for x in a if _inflection(w, x)), None)
        if match is not None:
            r.remove(w)
            a.remove(match)
    return r, a


def words_touched(item: Item, ctx: ArticleContext | None = None) -> int:
    if item.op in ("added", "removed"):
        return len((item.new_text or item.old_text or "").split())
    r, a = content_words(item.tokens, ctx)
    return max(len(r), len(a))


_NEGATED_WORD = re.compile(r"\w+n['’]t|\w+")


def _negations(tokens: list[TokenOp], skip: str) -> int:
    return sum(
        1
        for op, t in tokens
        if op != skip
        for w in _NEGATED_WORD.findall(t.lower())
        if w in NEGATIONS or w.endswith(("n't", "n’t"))
    )


def _negation_changed(tokens: list[TokenOp]) -> bool:
    """'found guilty' → 'found not guilty', 'will' → 'won't': the count of negations differs."""
    return _negations(tokens, "+") != _negations(tokens, "-")


def _opposite_swapped(tokens: list[TokenOp]) -> bool:
    """'rose' → 'fell', 'approved' → 'rejected', 'likely' → 'unlikely': a removed word and an
    added word say opposite things."""
    removed = {w for op, t in tokens if op == "-" for w in words(t)}
    added = {w for op, t in tokens if op == "+" for w in words(t)}
    return any(opposite(r, a) for r in removed - added for a in added - removed)


def meaning_reversed(tokens: list[TokenOp]) -> bool:
    """A negation added or dropped, or a word swapped for its opposite."""
    return _negation_changed(tokens) or _opposite_swapped(tokens)


def new_name(item: Item, ctx: ArticleContext) -> bool:
    """Whether a name edit brings in a name the old version never used, or drops one the new
    version no longer uses; a swap between names the story already uses ('Mr. Trump' → 'the
    United States') is a reference change, not a new name."""
    firsts = first_words(item.old_text, item.new_text)
    for op, text in item.tokens:
        if op == "=":
            continue
        for w in (
            changed_names(text if op == "-" else "", text if op == "+" else "", firsts, ctx, False)
            or []
        ):
            base = re.sub(r"['’]s$", "", w)
            if (op == "+" and not ctx.in_old(base)) or (op == "-" and not ctx.in_new(base)):
                return True
    return False


def item_level(item: Item, words: int, ctx: ArticleContext) -> str:
    cs = set(item.classes)
    if not cs:
        return "none"
    if is_cosmetic(list(cs)):
        return "cosmetic"
    if cs & {"paragraph_added", "paragraph_removed"}:
        return "major" if words >= MAJOR_PARAGRAPH_WORDS else "substantive"
    if cs & SUBSTANTIVE:
        return "substantive"
    if "name" in cs and new_name(item, ctx):
        return "substantive"
    if cs & {"wording", "name"}:
        heavy = words > WORDING_WORDS or meaning_reversed(item.tokens)
        return "substantive" if heavy else "minor"
    return "minor"  # moved, update_note, dates


def version_level(levels: Iterable[str]) -> tuple[str, float]:
    """The version's level (its largest item's, raised to major at MAJOR_SCORE) and its score
    1 − Π(1 − wᵢ)."""
    score = 1.0
    changed = []
    for lv in levels:
        score *= 1 - WEIGHT[lv]
        if lv != "none":
            changed.append(lv)
    score = round(1 - score, 4)
    if not changed:
        return "none", score
    level = max(changed, key=LEVELS.index)
    if level != "cosmetic" and score >= MAJOR_SCORE:
        level = "major"
    return level, score
