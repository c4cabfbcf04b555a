"""Page furniture that extractors sometimes let through, recognised per paragraph.

These are the lines that change from one request to the next without the article changing
(counters, relative times, teasers, calls to subscribe or share) — the false positives that
plague generic page monitors. Phrases per language live in one table (phrases.py); what a
source has learned across its articles (template lines, other articles' headlines) arrives in
ExtractRules as furniture_key()s.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from redline.extract.model import Dropped, DropReason, ExtractRules
from redline.extract.phrases import kind

_PATTERNS = [
    r"^(?:advertisement|advertisment|sponsored|ad|publicité|anzeige)$",
    r"^(?:updated|published|posted|last updated)\s*:?\s*\d+\s*(?:seconds?|minutes?|mins?|hours?|hrs?|days?)\s+ago\.?$",
    r"^\d+\s*(?:seconds?|minutes?|mins?|hours?|hrs?|days?)\s+ago$",
    r"^\d[\d,.]*\s*(?:comments?|shares?|views?|reads?)$",
    r"^(?:share|share this|share on \w+|tweet|email|print|save|copy link)(?:\s*[|/·]\s*\w+)*$",
    r"^(?:read more|continue reading|see also|related|related stories|related articles|more on this story|most read|most popular|trending|recommended|you may also like|more from [\w ]+)\s*:?$",
    r"^(?:sign up|subscribe)\b.{0,80}\b(?:newsletter|inbox|briefing)\b",
    r"(?:we use cookies|this (?:site|website) uses cookies|accept (?:all )?cookies|cookie (?:policy|settings|preferences))",
    r"^(?:follow us on|follow @)\b",
    r"^(?:image|photo|picture)\s*(?:caption|credit)?\s*:?\s*(?:getty|reuters|ap|afp|epa)[\w /]*$",
    r"^(?:skip to (?:main )?content|jump to|back to top|toggle navigation|menu)$",
    r"^(?:©|copyright)\s*\d{4}",
]
_FURNITURE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)

_OPEN = r"^[\s\[(«“\"'►▶»•*-]*"
_SEP = r"\s*(?:[:：|｜»›>\-–—•]+|\.{3}|…)\s*"
_LABEL = "|".join(kind("label"))
# 'Read more: Headline', '[Related: Headline]', 'Leia também | Headline', or the label alone
LABEL_RE = re.compile(rf"{_OPEN}(?:{_LABEL})(?:{_SEP}(?P<rest>.*)|\s*[\])]?\s*$)", re.I | re.S)
# 'Read more Headline' (the separator was a link's edge): only labels of two words or more
_LABEL_SPACED = re.compile(
    rf"{_OPEN}(?:{'|'.join(p for p in kind('label') if ' ' in p or not p.isascii())})\s*(?P<rest>.+)",
    re.I | re.S,
)
_LEAD = re.compile(rf"{_OPEN}(?:{'|'.join(kind('lead'))})", re.I)
_WHOLE = re.compile(rf"{_OPEN}(?:{'|'.join(kind('whole'))})\s*(?:\(\d+\))?\s*[:.!)\]]?\s*$", re.I)
_SHARE_TAIL = re.compile(r"\s*(?:click to tweet|tweet this|tweet this quote)\s*$", re.I)
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    "|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?"
    "|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|am|pm|a\\.m|p\\.m|gmt|utc|bst|cet"
    "|[ecmp][sd]?t|updated|published|posted|last|on|at"
)
# a line that is only a date or a time ('12:03 pm |', 'Dec. 29, 2014 5:00 a.m. ET'): a field
_DATE_ONLY = re.compile(rf"^(?:[\W\d_]|\b(?:{_MONTHS})\b)*$", re.I)
# ... when it is a stamp ('12:03 pm |', '19:49'), not an air date written out in the text
_STAMP = re.compile(r"\||^[\W\d_]*$")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_KEY_WORD = re.compile(r"\w+")
MAX_TEASER_WORDS = 30
MAX_LEAD_WORDS = 25


def furniture_key(text: str) -> str:
    """A block's text as learning compares it: case, spacing and punctuation folded, so a
    headline and its copy in a teaser share a key. Numbers are kept: the rotation rule compares
    blocks by key, and '$17 billion' → '$27 billion' is an edit, never furniture."""
    t = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_KEY_WORD.findall(t))


def _size(text: str) -> int:
    """Words, counting scripts written without spaces (Japanese) at about 3 characters a word."""
    n = len(text.split())
    return max(n, len(text) // 8) if n <= 2 else n


def is_furniture(paragraph: str) -> bool:
    p = paragraph.strip()
    return len(p) < 400 and bool(_FURNITURE.search(p))


def teaser_rest(paragraph: str) -> str | None:
    """The headline after a teaser label ('' for a label alone), or None when there is no label."""
    m = LABEL_RE.match(paragraph)
    if m is None:
        m = _LABEL_SPACED.match(paragraph)
        if m is None or m.group("rest").rstrip().endswith((".", "?", "!", "。")):
            return None
    return (m.group("rest") or "").strip(" ])")


def classify(paragraph: str, rules: ExtractRules | None = None) -> DropReason | None:
    """Why a body paragraph is furniture, or None when it is article text."""
    p = paragraph.strip()
    if rules is not None and (rules.furniture_texts or rules.teaser_titles):
        key = furniture_key(p)
        if key in rules.furniture_texts:
            return DropReason.LEARNED_TEXT
        if key in rules.teaser_titles:
            return DropReason.TEASER_TITLE
        rest = teaser_rest(p)
        if rest and furniture_key(rest) in rules.teaser_titles:
            return DropReason.TEASER_TITLE
    size = _size(p)
    rest = teaser_rest(p)
    if rest is not None and _size(rest) <= MAX_TEASER_WORDS:
        return DropReason.TEASER_LABEL
    if (
        _WHOLE.match(p)
        or is_furniture(p)
        or (len(p) <= 60 and _DATE_ONLY.match(p) and _STAMP.search(p))
    ):
        return DropReason.BOILERPLATE_PHRASE
    if size <= MAX_LEAD_WORDS and (_LEAD.match(p) or (_EMAIL.search(p) and size <= 12)):
        return DropReason.BOILERPLATE_PHRASE
    return None


def drop_furniture(
    paragraphs: Iterable[str],
    rules: ExtractRules | None = None,
    keep: frozenset[str] = frozenset(),
) -> tuple[tuple[str, ...], tuple[Dropped, ...]]:
    """(kept paragraphs, what was dropped and why); paragraphs in `keep` are never dropped."""
    kept: list[str] = []
    dropped: list[Dropped] = []
    tags = False  # after 'Filed under:' / 'Tags:', the short list items are the tags
    for p in paragraphs:
        if p in keep:
            kept.append(p)
            tags = False
            continue
        reason = classify(p, rules)
        if reason is None and tags and p.startswith("- ") and len(p.split()) <= 6:
            reason = DropReason.BOILERPLATE_PHRASE
        if reason is not None:
            dropped.append(Dropped(p, reason))
            tags = tags or (reason is DropReason.BOILERPLATE_PHRASE and p.rstrip().endswith(":"))
            continue
        tags = False
        tail = _SHARE_TAIL.search(p)
        if tail and tail.start() > 0:
            dropped.append(Dropped(tail.group().strip(), DropReason.BOILERPLATE_PHRASE))
            p = p[: tail.start()]
        kept.append(p)
    return tuple(kept), tuple(dropped)


# ---- what Redline learned about a source (see redline.furniture) --------------------------

_EDGES = " \t[](){}<>«»\"'“”‘’|•·–—-:;,.!?…"
MAX_LABEL_WORDS = 6  # 'Read more:', 'SEE MORE', 'Maria Alvarez, Senator': what may precede a teaser


def teaser_match(key: str, titles: frozenset[str] | set[str]) -> str | None:
    """The headline in ``titles`` that the block ``key`` is, alone or with a short label before
    or after it ('Read more: …', '[Related: …]', 'Name Latest: …', '… (video)'); else None."""
    if not titles:
        return None
    words = key.strip(_EDGES).split(" ")
    for cut in range(min(MAX_LABEL_WORDS, len(words) - 1) + 1):
        for part in (words[cut:], words[: len(words) - cut] if cut else ()):
            if part:
                candidate = " ".join(part)
                if candidate in titles:
                    return candidate
                candidate = candidate.strip(_EDGES)
                if candidate in titles:
                    return candidate
    return None


def apply_learned(
    paragraphs: tuple[str, ...], rules: ExtractRules | None, protected: frozenset[str] = frozenset()
) -> tuple[tuple[str, ...], tuple[Dropped, ...]]:
    """(kept, dropped): the body without the blocks learned as the source's furniture or as
    teasers of its other articles. Blocks whose key is ``protected`` (``keep_selectors``) stay.
    ``redline.furniture`` uses it to see a stored version with today's rules."""
    if rules is None or not (rules.furniture_texts or rules.teaser_titles):
        return paragraphs, ()
    kept: list[str] = []
    dropped: list[Dropped] = []
    for p in paragraphs:
        key = furniture_key(p)
        if key in protected:
            kept.append(p)
        elif key in rules.furniture_texts:
            dropped.append(Dropped(p, DropReason.LEARNED_TEXT))
        elif teaser_match(key, rules.teaser_titles) is not None:
            dropped.append(Dropped(p, DropReason.TEASER_TITLE))
        else:
            kept.append(p)
    return tuple(kept), tuple(dropped)
