"""What discovery finds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Discovered:
    url: str  # absolute, as found (identity is applied by the frontier)
    title: str | None = None
    published: datetime | None = None


@dataclass(frozen=True)
class FeedPage:
    articles: list[Discovered] = field(default_factory=list)
    error: str | None = None
    """A malformed or truncated feed: what was wrong (one line); ``articles`` keeps the links
    read before the fault."""


@dataclass
class SitemapPage:
    articles: list[Discovered] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # children, when this is a sitemap index
    error: str | None = None
    """A truncated or malformed sitemap: what was wrong (one line); the entries read before the
    fault are kept."""
