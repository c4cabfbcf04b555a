"""RSS and Atom feeds, parsed by feedparser.

A feed is screened for hostile XML first, and one with more than ``MAX_FEED_ENTRIES`` entries is
cut before feedparser sees it: feedparser builds every entry in memory (a 260,000-item feed
took 550 MB and 44 s), while feeds list their newest entries first.
"""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser
from feedparser.exceptions import ThingsNobodyCaresAboutButMe

from redline.discovery.model import Discovered, FeedPage
from redline.discovery.safexml import gunzip_capped, screen
from redline.errors import DiscoveryError
from redline.frontier.urls import join_url
from redline.settings import DiscoverySettings

MAX_FEED_ENTRIES = DiscoverySettings.max_feed_entries


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


def _fault(parsed: feedparser.FeedParserDict) -> str | None:
    """What made feedparser fall back to its lenient parser (bad XML, a truncated file), or None
    for a well-formed feed (an overridden charset or content type is no fault)."""
    exc = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if exc is None or isinstance(exc, ThingsNobodyCaresAboutButMe):
        return None
    return " ".join(str(exc).split()) or type(exc).__name__


def parse_feed(
    body: bytes, base_url: str, limits: DiscoverySettings = DiscoverySettings()
) -> FeedPage:
    """Article links of an RSS 0.9x/1.0/2.0 or Atom feed, in feed order, deduplicated. A malformed
    feed keeps the links read before the fault and says what was wrong in ``error``."""
    what = f"feed at {base_url}"
    body = gunzip_capped(body, what, limits.max_xml_bytes)
    if len(body) > limits.max_xml_bytes:
        raise DiscoveryError(f"{what} is larger than {limits.max_xml_bytes:,} bytes; refused")
    body, capped = screen(body, what, entries=("item", "entry"), limit=limits.max_feed_entries)
    try:
        parsed = feedparser.parse(
            body, response_headers={"content-location": base_url, "content-type": "application/xml"}
        )
    except Exception as exc:  # feedparser is lenient, but not infallible
        raise DiscoveryError(f"{what} cannot be parsed: {exc}") from exc
    entries = parsed.get("entries") or []
    if not entries and not parsed.get("version"):
        reason = parsed.get("bozo_exception") or "no RSS or Atom structure found"
        raise DiscoveryError(f"{what} is not valid RSS/Atom: {str(reason).splitlines()[0]}")
    fault = _fault(parsed)
    if not entries and fault:
        raise DiscoveryError(f"{what} is malformed: {fault}")
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
    if fault:
        return FeedPage(out, f"{what} is malformed ({len(out)} links kept): {fault}")
    if capped:
        return FeedPage(
            out, f"{what} lists more than {limits.max_feed_entries:,} entries; the first ones kept"
        )
    return FeedPage(out)
