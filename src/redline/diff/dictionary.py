"""Is a word a word of the article's language? Word frequencies from wordfreq's small lists.

The typo rule asks this when the article itself does not corroborate either spelling: 'goverment'
→ 'government' is a typo fix although the story never says 'government' elsewhere, because one
spelling is a common word of the language and the other is not a word at all. wordfreq's small
lists (words used at least once per million) load in a fraction of a second and a few MB per
language; they are loaded only when a typo candidate needs them.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from wordfreq import zipf_frequency

# Candidate languages by script; wordfreq has small lists for each. Han and kana never reach
# the typo rule (see typo.py), and other scripts fall back to no dictionary.
LATIN = (
    "en",
    "de",
    "fr",
    "es",
    "pt",
    "it",
    "nl",
    "pl",
    "sv",
    "da",
    "nb",
    "fi",
    "cs",
    "ro",
    "tr",
    "id",
)
CYRILLIC = ("ru", "uk", "bg", "mk")
SAMPLE_WORDS = 200
"""Distinct words of the article used to guess its language."""
COMMON = 3.5
"""Zipf frequency (log10 of uses per billion words) from which a word counts as common."""
RARE_GAP = 2.5
"""A spelling at least this much rarer than the other (a 300-fold gap) counts as a misspelling
even when wordfreq lists it ('teh' is 3.0, 'the' 7.7)."""


def zipf(word: str, language: str) -> float:
    return _zipf(word.lower(), language)


@cache
def _zipf(word: str, language: str) -> float:
    return float(zipf_frequency(word, language, wordlist="small"))


def guess_language(counts: Counter[str]) -> str | None:
    """The candidate language whose word list covers most of the article's frequent words."""
    sample = [w for w, _ in counts.most_common(SAMPLE_WORDS) if w.isalpha()]
    if not sample:
        return None
    cyrillic = sum(1 for w in sample if re.match("[\u0400-\u04ff]", w))
    latin = sum(1 for w in sample if re.match("[a-zà-ÿ]", w))
    if max(cyrillic, latin) * 2 < len(sample):
        return None
    candidates = CYRILLIC if cyrillic > latin else LATIN
    scores = {lang: sum(1 for w in sample if zipf(w, lang) > 0) for lang in candidates}
    best = max(candidates, key=lambda lang: scores[lang])
    return best if scores[best] * 2 >= len(sample) else None


def misspelling_of(rare: str, common: str, language: str | None) -> bool:
    """Whether ``rare`` reads as a misspelling of ``common`` by the language's word list: the
    common spelling is a common word and the other is no word (or a far rarer one). A capitalised
    word (a name, most likely) must be absent from the list altogether: 'Smyth' is a real name."""
    if language is None:
        return False
    r, c = zipf(rare, language), zipf(common, language)
    if c < COMMON:
        return False
    if rare[:1].isupper():
        return r == 0
    return r == 0 or c - r >= RARE_GAP
