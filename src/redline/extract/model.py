"""What extraction returns: exactly what Redline stores for a version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ExtractRules:
    """Per-source CSS rules, tried before anything else."""

    title: str | None = None
    byline: str | None = None
    body: str | None = None
    drop: tuple[str, ...] = ()


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
