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
class SitemapPage:
    articles: list[Discovered] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # children, when this is a sitemap index
