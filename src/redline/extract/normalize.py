"""Text normalisation, so that whitespace-only or markup-only edits never make a new version."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_SPACE = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def normalize_text(s: str) -> str:
    """NFC, zero-width characters and soft hyphens removed, all whitespace folded to one space."""
    s = unicodedata.normalize("NFC", s).translate(_ZERO_WIDTH)
    return _SPACE.sub(" ", s).strip()


def normalize_paragraphs(paragraphs: Iterable[str]) -> tuple[str, ...]:
    out = []
    for p in paragraphs:
        n = normalize_text(p)
        if n:
            out.append(n)
    return tuple(out)
