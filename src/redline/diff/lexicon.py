"""Small word lists the classifier and the scorer consult (figures, function words, negations).

No dictionary is shipped: whether a word is "real" is judged from the two versions themselves
(see context.py).
"""

from __future__ import annotations

import re

from redline.diff.text import CJK


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


NUMBER_WORDS = _set(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    " fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty"
    " ninety hundred thousand million billion trillion dozen dozens half quarter percent none"
    " first second third fourth fifth sixth seventh eighth ninth tenth twice both"
)
# Figure words that say the same thing ('both' → 'the two' is not a changed count).
SAME_FIGURE = {"both": "two", "none": "zero", "no": "zero"}
MAGNITUDES = _set("hundred thousand million billion trillion percent dozen")
# Months and weekdays count only when capitalised ('May', not 'may'; 'March', not 'march').
MONTHS = _set(
    "january february march april may june july august september october november december"
    " jan feb mar apr jun jul aug sep sept oct nov dec"
)
WEEKDAYS = _set(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri"
    " sat sun"
)
RELATIVE_DAYS = _set("yesterday today tomorrow tonight")
# Han numerals and the weekday/month characters ('週二' → '週三' is a day change).
CJK_NUMERALS = frozenset("〇零一二三四五六七八九十百千万萬億亿兆两兩")
# Function words: swapping one for another ('is' → 'was', 'in' → 'on') does not add to the
# amount of text a change touches (the significance formula counts content words).
FUNCTION_WORDS = _set(
    """a an the this that these those it its it's he him his she her hers they them their theirs
    we us our you your i me my who whom whose which what there here be is are was were been being
    am has have had having do does did will would shall should can could may might must to of in
    on at by for with from into onto over under about as than then so and or but nor yet also too
    very just now still even both each either such own same up out off again further once more
    most much many some any all other another only well however while when where whether if
    because since although though after before during until upon per via said says say mr mrs ms
    dr not without"""
)
NEGATIONS = _set("not no never nor without none neither nothing nobody n't cannot")
_WORD = re.compile(r"\w[\w’'.-]*\w|\w")


def words(text: str) -> list[str]:
    """Words of a text, lower-cased, possessive 's dropped ('Bush’s' → 'bush')."""
    return [re.sub(r"['’]s$", "", w.lower()) for w in _WORD.findall(text)]


def is_figure_word(word: str) -> bool:
    """A number, magnitude, month or weekday word ('five', 'billion', 'March', 'Tuesday')."""
    w = word.lower().rstrip(".")
    return (
        w in NUMBER_WORDS
        or w in RELATIVE_DAYS
        or (word[:1].isupper() and (w in MONTHS or w in WEEKDAYS))
        or any(ch in CJK_NUMERALS for ch in word)
        or bool(re.fullmatch(r"\w+-(?:one|two|three|four|five|six|seven|eight|nine)", w))
    )


def has_cjk(text: str) -> bool:
    return bool(CJK.search(text))


def proper_names(sentences: list[str]) -> set[str]:
    """Lower-cased words written with a capital letter somewhere other than a sentence start."""
    out: set[str] = set()
    for s in sentences:
        for k, tok in enumerate(_WORD.findall(s)):
            if k > 0 and tok[0].isupper() and tok.lower() not in FUNCTION_WORDS:
                out.add(re.sub(r"['’]s$", "", tok.lower()))
    return out
