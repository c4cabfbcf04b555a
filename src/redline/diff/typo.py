"""The typo rule: is one replaced word a misspelling fixed (or made), or a different word?

A cosmetic label hides a change from readers, so the rule needs positive evidence:

1. one word replaced by one word, at least 3 letters each, no digits, no Han/kana (CJK words
   are not spelled letter by letter), not a number, month or weekday word (those are figures);
2. the shape of a slip of the fingers: one adjacent transposition ('teh' → 'the'), one letter
   dropped or doubled ('Hose' → 'House', words of 4+ letters), one letter replaced by a
   neighbouring key on a QWERTY keyboard that is not a vowel-for-vowel swap ('rise' → 'rose'
   and 'Nine' → 'None' are different words), or, in words of 8+ letters, two letters dropped,
   added or transposed (never replaced: 'increased' → 'decreased');
3. corroboration from the article: exactly one of the two spellings is used elsewhere in the
   article (either version, outside this sentence). 'White Hose' → 'White House' is a typo
   because the story says 'White House' elsewhere and never 'White Hose';
4. or, when neither spelling recurs, corroboration from the language (dictionary.py): one
   spelling is a common word and the other is no word ('goverment' → 'government'). 'John
   Smith' → 'John Smyth' is a name change: both are names the word list knows.

The caller checks quotations first: a changed word inside quotation marks is a quote change.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import OSA, Levenshtein

from redline.diff.context import ArticleContext
from redline.diff.dictionary import misspelling_of
from redline.diff.lexicon import has_cjk, is_figure_word

VOWELS = frozenset("aeiouy")
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEYS = {ch: (r, c + (0.0, 0.3, 0.8)[r]) for r, row in enumerate(_ROWS) for c, ch in enumerate(row)}


def neighbours(a: str, b: str) -> bool:
    """Whether two letters sit next to each other on a QWERTY keyboard."""
    if a not in _KEYS or b not in _KEYS or a == b:
        return False
    (ra, ca), (rb, cb) = _KEYS[a], _KEYS[b]
    return abs(ra - rb) <= 1 and abs(ca - cb) <= 1.0


def slip_shape(old: str, new: str) -> bool:
    """Rule 2: the two spellings differ the way a slip of the fingers makes them differ."""
    o, n = old.lower(), new.lower()
    shortest = min(len(o), len(n))
    distance = OSA.distance(o, n)
    if distance == 0 or shortest < 3:
        return False
    ops = Levenshtein.editops(o, n)
    transposed = distance < len(ops)
    replaced = [(o[op.src_pos], n[op.dest_pos]) for op in ops if op.tag == "replace"]
    if distance == 1:
        if transposed:
            return True
        if replaced:
            a, b = replaced[0]
            return neighbours(a, b) and not (a in VOWELS and b in VOWELS) and shortest >= 4
        return shortest >= 4
    return distance == 2 and shortest >= 8 and not replaced


def is_typo(removed: str, added: str, ctx: ArticleContext, old: str, new: str) -> bool:
    """Whether the hunk ``removed`` → ``added`` of the sentence ``old`` → ``new`` is a typo."""
    old_words, new_words = re.findall(r"\w+", removed), re.findall(r"\w+", added)
    if len(old_words) != 1 or len(new_words) != 1:
        return False
    o, n = old_words[0], new_words[0]
    if re.search(r"\d", o + n) or has_cjk(o + n) or is_figure_word(o) or is_figure_word(n):
        return False
    if o[0].isupper() != n[0].isupper() or not slip_shape(o, n):
        return False
    old_elsewhere, new_elsewhere = ctx.elsewhere(o, old, new), ctx.elsewhere(n, old, new)
    if old_elsewhere or new_elsewhere:
        return old_elsewhere != new_elsewhere
    language = ctx.language()
    return misspelling_of(o, n, language) or misspelling_of(n, o, language)
