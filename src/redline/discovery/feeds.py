"""RSS and Atom feeds, parsed by feedparser."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser

from redline.discovery.model import Discovered
from redline.discovery.safexml import MAX_XML_BYTES, gunzip_capped, screen
from redline.errors import DiscoveryError
from redline.frontier.urls import join_url


def _date(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            try:
                y, mo, d, h, mi, sec = t[:6]
                return datetime(y, mo, d, h, mi, sec, tzinfo=UTC)
            except (TypeError, ValueError):
                continue
    return None


def parse_feed(body: bytes, base_url: str) -> list[Discovered]:
    """Article links of an RSS 0.9x/1.0/2.0 or Atom feed, in feed order, deduplicated."""
    what = f"feed at {base_url}"
    body = gunzip_capped(body, what)
    if len(body) > MAX_XML_BYTES:
        raise DiscoveryError(f"{what} is larger than {MAX_XML_BYTES:,} bytes; refused")
    screen(body, what)
    try:
        parsed = feedparser.parse(
            body, response_headers={"content-location": base_url, "content-type": "application/xml"}
        )
    except Exception as exc:  # feedparser is lenient, but not infallible
        raise DiscoveryError(f"{what} cannot be parsed: {exc}") from exc
    entries = parsed.get("entries") or []
    if not entries:
        if not parsed.get("version"):
            reason = parsed.get("bozo_exception") or "no RSS or Atom structure found"
            raise DiscoveryError(f"{what} is not valid RSS/Atom: {str(reason).splitlines()[0]}")
        return []
    seen: set[str] = set()
    out = []
    for entry in entries:
        link = entry.get("link") or next(
            (
                ln.get("href")
                for ln in entry.get("links", [])
                if ln.get("rel", "alternate") == "alternate"
            ),
            None,
        )
        if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
            link = entry["id"]
        if not link or not isinstance(link, str):
            continue
        url = join_url(base_url, link.strip())  # None for a link that is not a URL at all
        if url is None or url in seen:
            continue
        seen.add(url)
        title = (entry.get("title") or "").strip() or None
        out.append(Discovered(url=url, title=title, published=_date(entry)))
    return out
