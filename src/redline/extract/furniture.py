"""Page furniture that extractors sometimes let through, recognised per paragraph.

These are the lines that change from one request to the next without the article changing
(counters, relative times, teasers, calls to subscribe or share) — the false positives that
plague generic page monitors.
"""

from __future__ import annotations

import re

from redline.extract.model import Dropped, DropReason, ExtractRules

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


def is_furniture(paragraph: str) -> bool:
    p = paragraph.strip()
    return len(p) < 400 and bool(_FURNITURE.search(p))


def drop_furniture(paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p for p in paragraphs if not is_furniture(p))


def split_furniture(paragraphs: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[Dropped, ...]]:
    """(kept, dropped) by the in-page word patterns."""
    kept = tuple(p for p in paragraphs if not is_furniture(p))
    dropped = tuple(Dropped(p, DropReason.PATTERN) for p in paragraphs if is_furniture(p))
    return kept, dropped


# ---- what Redline learned about a source (see redline.furniture) --------------------------

_KEY_SPACE = re.compile(r"\s+")
_EDGES = " \t[](){}<>«»\"'“”‘’|•·–—-:;,.!?…"
MAX_LABEL_WORDS = 6  # 'Read more:', 'SEE MORE', 'Maria Alvarez, Senator': what may precede a teaser


def furniture_key(text: str) -> str:
    """How learned block texts are compared: case-folded, whitespace collapsed."""
    return _KEY_SPACE.sub(" ", text.casefold()).strip()


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
    teasers of its other articles. Blocks whose key is ``protected`` (``keep_selectors``) stay."""
    if rules is None or not (rules.furniture_texts or rules.teaser_titles):
        return paragraphs, ()
    kept: list[str] = []
    dropped: list[Dropped] = []
    for p in paragraphs:
        key = furniture_key(p)
        if key in protected:
            kept.append(p)
        elif key in rules.furniture_texts:
            dropped.append(Dropped(p, DropReason.TEMPLATE))
        elif teaser_match(key, rules.teaser_titles) is not None:
            dropped.append(Dropped(p, DropReason.TEASER))
        else:
            kept.append(p)
    return tuple(kept), tuple(dropped)
