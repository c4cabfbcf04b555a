"""What the web says about stored facts: search snippets, the "changed today" window and how
an article was removed ("Redirected to the World section"). Pure functions of stored rows;
storage returns facts, this module words them (the CLI's source list shares the window)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import unquote, urlsplit

from redline.storage import RemovalKind

CHANGED_WINDOW = timedelta(hours=24)


def changed_since(now: datetime) -> datetime:
    """Start of 'changed today' in every count (web, API, CLI): the last 24 hours, the same
    for a reader in any time zone."""
    return now - CHANGED_WINDOW


def redirect_place(target: str | None) -> str:
    """Where a redirect led, in a reader's words, from the target URL's path: '/' is the
    homepage, a one-segment path a section front ('/world/' → 'the World section')."""
    if not target:
        return "another page"
    try:
        path = urlsplit(target).path
    except ValueError:
        return "another page"
    parts = [p for p in unquote(path).split("/") if p]
    if not parts or (len(parts) == 1 and re.fullmatch(r"(?i)index\.\w+|home", parts[0])):
        return "the homepage"
    if len(parts) == 1 and "." not in parts[0]:
        words = section_name(parts[0])
        if words and len(words) <= 40:
            return f"the {words} section"
    return "another page"


# Path segments that are abbreviations, written as a reader expects them ("us-news" is the US
# News section, not "Us News").
_UPPER = frozenset(
    [
        "us",
        "uk",
        "eu",
        "un",
        "usa",
        "uae",
        "nhs",
        "nyc",
        "dc",
        "ap",
        "afp",
        "bbc",
        "cnn",
        "abc",
        "nbc",
        "cbs",
        "nfl",
        "nba",
        "nhl",
        "mlb",
        "fifa",
        "uefa",
        "ai",
        "tv",
        "ceo",
        "gop",
    ]
)
_SMALL = frozenset(["a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "vs"])


def section_name(segment: str) -> str:
    """A path segment as a section's name: 'us-news' → 'US News', 'arts-and-culture' →
    'Arts and Culture'; a segment written with capitals ('SciTech') is kept as written."""
    words = [w for w in re.split(r"[-_+\s]+", segment) if w]
    if any(c.isupper() for c in segment):
        return " ".join(words)
    out = []
    for i, w in enumerate(words):
        if w in _UPPER:
            out.append(w.upper())
        elif i and w in _SMALL:
            out.append(w)
        else:
            out.append(w[:1].upper() + w[1:])
    return " ".join(out)


def removal_label(kind: str, detail: str | None) -> str:
    """One line saying how an article went: 'Deleted (HTTP 404)', 'Redirected to the homepage'."""
    if kind == RemovalKind.REDIRECTED:
        return f"Redirected to {redirect_place(detail)}"
    if kind == RemovalKind.GONE:
        return "Gone (HTTP 410)"
    return "Deleted"


def snippet(text_: str, terms: Sequence[str], width: int = 240) -> list[tuple[str, bool]]:
    """A window of ``text_`` around the first query term, as (segment, is_match) pairs.

    Pure Python on purpose: the same output on SQLite and PostgreSQL, and the caller escapes
    every segment (no markup is ever built from article text).
    """
    flat = " ".join(text_.split())
    words = sorted({w for w in terms if w}, key=len, reverse=True)
    if not words:
        return [(flat[:width] + ("…" if len(flat) > width else ""), False)]
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    first = pattern.search(flat)
    start = 0 if first is None else max(0, first.start() - width // 3)
    if start:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < first.start() else start  # type: ignore[union-attr]
    window = flat[start : start + width]
    out: list[tuple[str, bool]] = [("…", False)] if start else []
    pos = 0
    for m in pattern.finditer(window):
        if m.start() > pos:
            out.append((window[pos : m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(window):
        out.append((window[pos:], False))
    if start + width < len(flat):
        out.append(("…", False))
    return out
