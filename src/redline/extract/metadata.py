"""Article metadata from the page head and JSON-LD: headline, byline, dates, canonical URL.

Reads a selectolax tree (fast, tolerant of broken markup). JSON-LD is the most reliable source
where present (publishers maintain it for search engines); meta tags and visible markup follow.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from redline.dates import parse_date
from redline.extract.normalize import normalize_text

ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "liveblogposting",
    "scholarlyarticle",
    "techarticle",
    "report",
    "socialmediaposting",
}
_BY = re.compile(r"^\s*(?:by|par|von|por|door|di)\s+", re.IGNORECASE)
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")


@dataclass(frozen=True)
class JsonLdArticle:
    headline: str | None
    authors: tuple[str, ...]
    published: datetime | None
    modified: datetime | None
    body: str | None


def _walk(obj: Any) -> Iterator[dict[str, Any]]:
    if isinstance(obj, list):
        for x in obj:
            yield from _walk(x)
    elif isinstance(obj, dict):
        yield obj
        if "@graph" in obj:
            yield from _walk(obj["@graph"])
        main = obj.get("mainEntity") or obj.get("mainEntityOfPage")
        if isinstance(main, dict | list):
            yield from _walk(main)


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    items = t if isinstance(t, list) else [t]
    return {str(x).lower() for x in items if x}


def _names(value: Any) -> tuple[str, ...]:
    out: list[str] = []
    for v in value if isinstance(value, list) else [value]:
        name = v.get("name") if isinstance(v, dict) else v
        if isinstance(name, str) and normalize_text(name):
            out.append(normalize_text(_BY.sub("", name)))
    return tuple(dict.fromkeys(out))


def jsonld_articles(tree: LexborHTMLParser) -> list[JsonLdArticle]:
    found = []
    for node in tree.css('script[type="application/ld+json"]'):
        raw = node.text(deep=True, strip=False) or ""
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # some sites leave raw control characters in strings
                data = json.loads(raw, strict=False)
            except ValueError:
                continue
        for obj in _walk(data):
            if not _types(obj) & ARTICLE_TYPES:
                continue
            body = obj.get("articleBody")
            found.append(
                JsonLdArticle(
                    headline=normalize_text(h)
                    if isinstance(h := obj.get("headline") or obj.get("name"), str)
                    else None,
                    authors=_names(obj.get("author")),
                    published=parse_date(obj.get("datePublished")),
                    modified=parse_date(obj.get("dateModified")),
                    body=body if isinstance(body, str) and body.strip() else None,
                )
            )
    return found


def meta(tree: LexborHTMLParser, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            node = tree.css_first(f'meta[{attr}="{name}"]')
            if node is not None:
                content = normalize_text(node.attributes.get("content") or "")
                if content:
                    return content
    return None


def node_text(node: LexborNode | None) -> str:
    return normalize_text(node.text(deep=True, separator=" ")) if node is not None else ""


def strip_site_name(title: str, site_names: list[str]) -> str:
    """'Budget passes | The Daily' → 'Budget passes' (only a trailing or leading site name)."""
    for sep in _TITLE_SEPARATORS:
        if sep in title:
            parts = title.split(sep)
            first, last = parts[0].strip(), parts[-1].strip()
            lowered = [s.lower() for s in site_names if s]
            if last.lower() in lowered or (len(last) < len(first) and len(last.split()) <= 4):
                return sep.join(parts[:-1]).strip()
            if first.lower() in lowered:
                return sep.join(parts[1:]).strip()
    return title


def canonical_url(tree: LexborHTMLParser, base: str | None) -> str | None:
    node = tree.css_first('link[rel="canonical"]')
    href = (node.attributes.get("href") or "").strip() if node is not None else ""
    if not href:
        href = meta(tree, "og:url") or ""
    if not href:
        return None
    try:
        full = urljoin(base or "", href)
    except ValueError:  # 'http://[oops': not a URL at all
        return None
    return full if full.startswith(("http://", "https://")) else None


_BYLINE_SELECTORS = (
    '[rel="author"]',
    '[itemprop="author"] [itemprop="name"]',
    '[itemprop="author"]',
    ".byline",
    ".article-byline",
    ".author-name",
    ".author",
    '[class*="byline"]',
    '[data-testid="byline"]',
)


_BLOCK_TAGS = {"p", "div", "ul", "ol", "table", "section", "article", "h2", "h3", "h4", "figure"}


def _leading_text(node: LexborNode) -> str:
    """The text of a node up to its first block child: all of a byline whose element was never
    closed (`<div class="byline">By Jane Doe</span><p>…`), which swallowed the article."""
    parts = []
    for child in node.iter(include_text=True):
        if child.is_element_node and child.tag in _BLOCK_TAGS:
            break
        parts.append(child.text(deep=True, separator=" ") or "")
    return normalize_text(" ".join(parts))


def byline_from_markup(scope: LexborNode | LexborHTMLParser) -> str | None:
    for sel in _BYLINE_SELECTORS:
        node = scope.css_first(sel)
        text = node_text(node)
        if node is not None and len(text) > 120:
            text = _leading_text(node)
        if text and len(text) <= 120:
            return normalize_text(_BY.sub("", text))
    return None
