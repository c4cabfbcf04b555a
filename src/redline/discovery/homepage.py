"""Article links on a homepage or section page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from redline.discovery.model import Discovered
from redline.errors import ConfigError
from redline.frontier.urls import join_url, same_site

_DATE_PATH = re.compile(
    r"/(?:19|20)\d{2}/(?:0?[1-9]|1[0-2]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?:/|$)"
    r"|/(?:19|20)\d{2}-\d{2}-\d{2}|/(?:19|20)\d{6}",
    re.IGNORECASE,
)
_LONG_ID = re.compile(r"\d{5,}")
_NOT_ARTICLES = re.compile(
    r"/(?:tag|tags|topic|topics|section|sections|category|categories|author|authors|people|video|videos"
    r"|live|gallery|galleries|podcasts?|newsletters?|search|login|signin|register|subscribe|account"
    r"|about|contact|privacy|terms|cookies?|help|careers|jobs|advertise|feeds?|rss)(?:/|$)",
    re.IGNORECASE,
)


def compile_patterns(patterns: list[str] | tuple[str, ...] | None) -> list[re.Pattern[str]]:
    out = []
    for p in patterns or ():
        try:
            out.append(re.compile(p))
        except re.error as exc:
            raise ConfigError(f"invalid regular expression {p!r}: {exc}") from exc
    return out


def looks_like_article_url(url: str) -> bool:
    """A default guess for homepages without include patterns: dated paths, long slugs, ids."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    if not path or path == "/" or _NOT_ARTICLES.search(path):
        return False
    if _DATE_PATH.search(path):
        return True
    last = path.rstrip("/").rsplit("/", 1)[-1]
    stem = re.sub(r"\.(s?html?|php|aspx?)$", "", last)
    if stem.count("-") >= 3 or stem.count("_") >= 3:
        return True
    return bool(_LONG_ID.search(last))


def parse_homepage(
    html: str | bytes,
    base_url: str,
    include: list[str] | None = None,
    exclude: list[str] | None = None,
) -> list[Discovered]:
    inc, exc = compile_patterns(include), compile_patterns(exclude)
    if isinstance(html, bytes):
        from redline.errors import ExtractionError
        from redline.extract.decode import decode_html

        try:
            html = decode_html(html)
        except ExtractionError:
            return []
    tree = LexborHTMLParser(html)
    base_node = tree.css_first("base[href]")
    base = base_url
    if base_node is not None:
        base = join_url(base_url, base_node.attributes.get("href") or "") or base_url
    seen: set[str] = set()
    out = []
    for a in tree.css("a[href]"):
        href = (a.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        joined = join_url(base, href)  # None for a link that cannot be parsed: skipped
        if joined is None:
            continue
        url = joined.split("#", 1)[0]
        if url in seen or not same_site(url, base_url):
            continue
        if inc:
            if not any(p.search(url) for p in inc):
                continue
        elif not looks_like_article_url(url):
            continue
        if any(p.search(url) for p in exc):
            continue
        seen.add(url)
        title = " ".join(a.text(deep=True, separator=" ").split()) or None
        out.append(Discovered(url=url, title=title))
    return out
