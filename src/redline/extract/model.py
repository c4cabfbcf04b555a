"""What extraction returns: exactly what Redline stores for a version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class ExtractRules:
    """Per-source CSS rules, tried before anything else, and what was learned about the source."""

    title: str | None = None
    byline: str | None = None
    body: str | None = None
    drop: tuple[str, ...] = ()
    """CSS selectors removed before extraction (the sources file's ``exclude_selectors``)."""
    keep: tuple[str, ...] = ()
    """CSS selectors whose text is never dropped as furniture (``keep_selectors``)."""
    furniture_texts: frozenset[str] = frozenset()
    """``furniture_key``s of block texts known to be this source's template furniture."""
    teaser_titles: frozenset[str] = frozenset()
    """``furniture_key``s of the headlines of the source's other tracked articles."""


class DropReason(StrEnum):
    """Why a block of the body was left out."""

    PATTERN = "pattern"  # furniture by its words ('312 comments', 'Sign up for …')
    TEMPLATE = "template"  # a learned block of the source's template (or pinned by the operator)
    TEASER = "teaser"  # the headline of another article of the source, maybe after a label


@dataclass(frozen=True)
class Dropped:
    text: str
    reason: DropReason


@dataclass(frozen=True)
class Extraction:
    title: str
    byline: str | None
    published: datetime | None
    modified: datetime | None
    paragraphs: tuple[str, ...]
    method: str  # which step gave the body: rules | jsonld | trafilatura
    canonical_url: str | None
    language: str | None = None
    title_method: str = ""
    dropped: tuple[Dropped, ...] = ()

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "byline": self.byline,
            "published": self.published.isoformat() if self.published else None,
            "modified": self.modified.isoformat() if self.modified else None,
            "canonical_url": self.canonical_url,
            "language": self.language,
            "method": self.method,
            "title_method": self.title_method,
            "paragraphs": list(self.paragraphs),
            "text": self.text,
        }
