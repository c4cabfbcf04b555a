"""Which configured source a URL belongs to (to offer tracking an unknown URL)."""

from __future__ import annotations

from collections.abc import Sequence

from redline.frontier.urls import same_site
from redline.storage import SourceRow


def source_for_url(sources: Sequence[SourceRow], url: str) -> SourceRow | None:
    """The first source whose feeds, sitemaps or homepage are on the same site as ``url``."""
    for row in sources:
        c = row.config
        for u in (*c.feeds, *c.sitemaps, *([c.homepage] if c.homepage else [])):
            if same_site(u, url):
                return row
    return None
