"""Page furniture that extractors sometimes let through, recognised per paragraph.

These are the lines that change from one request to the next without the article changing
(counters, relative times, teasers, calls to subscribe or share) — the false positives that
plague generic page monitors.
"""

from __future__ import annotations

import re

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
