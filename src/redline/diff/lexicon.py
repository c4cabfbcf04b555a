"""Small word lists the classifier and the scorer consult (figures, function words, negations).

No dictionary is shipped: whether a word is "real" is judged from the two versions themselves
(see context.py).
"""

from __future__ import annotations

import re

from redline.diff.text import CJK, _set

NUMBER_WORDS = _set(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    " fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty"
    " ninety hundred thousand million billion trillion dozen dozens half quarter percent none"
    " first second third fourth fifth sixth seventh eighth ninth tenth twice both"
)
# Figure words that say the same thing ('both' → 'the two' is not a changed count).
SAME_FIGURE = {"both": "two", "none": "zero", "no": "zero"}
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
# Words whose swap reverses what a sentence says ('rose' → 'fell', 'approved' → 'rejected'): one
# such word is a small edit by count and a large one by meaning. Each line is one opposition;
# the forms on either side of '|' are the inflections of each pole.
_OPPOSITIONS = """
rise rises rising rose risen | fall falls falling fell fallen
increase increases increased increasing | decrease decreases decreased decreasing
up | down
higher | lower
more | less fewer
gain gains gained | lose loses lost losing
win wins won winning | lose loses lost losing
victory | defeat
approve approves approved approving | reject rejects rejected rejecting
accept accepts accepted accepting | reject rejects rejected rejecting
pass passes passed | fail fails failed
succeed succeeds succeeded | fail fails failed
support supports supported supporting | oppose opposes opposed opposing
allow allows allowed allowing | ban bans banned banning forbid forbids forbade
confirm confirms confirmed confirming | deny denies denied denying
guilty | innocent
convicted | acquitted
arrested | released
alive | dead
open opened | closed close
above | below
before | after
majority | minority
true | false
for | against
with | without
include includes included | exclude excludes excluded
profit profits | loss losses
surplus | deficit
expand expands expanded | shrink shrinks shrank shrunk
grow grows grew grown | shrink shrinks shrank shrunk
improve improves improved | worsen worsens worsened
positive | negative
best | worst
legal | illegal
steigt stieg gestiegen | sinkt sank gesunken
sube subió | baja bajó
hausse | baisse
sobe subiu | cai caiu
"""


def _oppositions() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for line in _OPPOSITIONS.strip().splitlines():
        left, right = (frozenset(side.split()) for side in line.split("|"))
        for w in left:
            out.setdefault(w, set()).update(right)
        for w in right:
            out.setdefault(w, set()).update(left)
    return {w: frozenset(ws) for w, ws in out.items()}


OPPOSITES = _oppositions()
_NEGATING_PREFIX = re.compile(r"^(?:un|in|im|il|ir|dis|non-?)")


def opposite(a: str, b: str) -> bool:
    """Whether two lower-case words say opposite things: a listed opposition, or one word the
    other with a negating prefix ('likely' → 'unlikely', 'legal' → 'illegal')."""
    if b in OPPOSITES.get(a, ()):
        return True
    short, long = sorted((a, b), key=len)
    return (
        len(short) >= 4
        and long.endswith(short)
        and bool(_NEGATING_PREFIX.fullmatch(long[: len(long) - len(short)]))
    )


_WORD = re.compile(r"\w[\w’'.-]*\w|\w")


def words(text: str) -> list[str]:
    """Words of a text, lower-cased, possessive 's dropped ('Bush’s' → 'bush')."""
    return [w[:-2] if w.endswith(("'s", "’s")) else w for w in _WORD.findall(text.lower())]


def _alternation(ws: frozenset[str]) -> str:
    return "|".join(sorted(ws, key=len, reverse=True))


# One pass over a text finds its figure words: number words in any case, months and weekdays
# capitalised, relative days, Han numerals, and compounds such as 'twenty-five'.
FIGURE_WORD = re.compile(
    rf"(?<![\w-])(?:(?i:{_alternation(NUMBER_WORDS | RELATIVE_DAYS)})"
    rf"|(?:{_alternation(frozenset(w.capitalize() for w in MONTHS | WEEKDAYS))})\.?"
    rf"|\w+-(?i:one|two|three|four|five|six|seven|eight|nine))(?![\w-])"
    rf"|[{''.join(sorted(CJK_NUMERALS))}]"
)


def is_figure_word(word: str) -> bool:
    """A number, magnitude, month or weekday word ('five', 'billion', 'March', 'Tuesday')."""
    return bool(FIGURE_WORD.fullmatch(word)) or any(ch in CJK_NUMERALS for ch in word)


def has_cjk(text: str) -> bool:
    return bool(CJK.search(text))


_MID_CAPITAL = re.compile(r"(?<![!?…:\n])(?<![!?…:][\"'”’)]) +[\"'“‘(]?([A-Z][\w’'.-]*\w|[A-Z])")


def proper_names(text: str) -> set[str]:
    """Lower-cased capitalised words of ``text`` that are not function words and do not open a
    paragraph, a question or a quotation; after a full stop they count ('Mr. Trump'), so a
    sentence-initial content word may count too (a cheap, slightly generous reading)."""
    caps = set(_MID_CAPITAL.findall(text))
    return {w for w in words(" ".join(caps)) if w not in FUNCTION_WORDS}
