"""XML sitemaps: url sets, sitemap indexes, Google News sitemaps, gzip, plain-text sitemaps.

Parsed incrementally with lxml (entities never resolved, no network, no huge trees) after the
hostile-XML screen, so memory stays bounded by the size cap however the file is built.
"""

from __future__ import annotations

import io

from lxml import etree

from redline.dates import parse_date
from redline.discovery.model import Discovered, SitemapPage
from redline.discovery.safexml import gunzip_capped, looks_like_xml, screen
from redline.errors import DiscoveryError
from redline.frontier.urls import join_url
from redline.settings import DiscoverySettings

MAX_SITEMAP_URLS = DiscoverySettings.max_sitemap_urls  # the default limit per file


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _text(el: etree._Element, name: str) -> str | None:
    for child in el.iter():
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_sitemap(
    body: bytes, base_url: str, limits: DiscoverySettings = DiscoverySettings()
) -> SitemapPage:
    what = f"sitemap at {base_url}"
    max_urls = limits.max_sitemap_urls
    body = gunzip_capped(body, what, limits.max_xml_bytes)
    if len(body) > limits.max_xml_bytes:
        raise DiscoveryError(f"{what} is larger than {limits.max_xml_bytes:,} bytes; refused")
    stripped = body.lstrip()
    if not stripped:
        raise DiscoveryError(f"{what} is empty")
    if not looks_like_xml(body):
        return _plain_text(body, base_url, what, max_urls)
    body = screen(body, what).body
    page = SitemapPage()
    seen: set[str] = set()
    root_name = None
    try:
        for event, el in etree.iterparse(
            io.BytesIO(body),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            load_dtd=False,
            recover=False,
        ):
            name = _local(el.tag)
            if event == "start":
                if root_name is None:
                    root_name = name
                    if name not in ("urlset", "sitemapindex"):
                        raise DiscoveryError(f"{what} is not a sitemap (root element <{name}>)")
                continue
            if name == "url":
                loc = _text(el, "loc")
                url = join_url(base_url, loc) if loc else None  # a bad entry is skipped
                if url is not None and url not in seen:
                    seen.add(url)
                    if len(seen) > max_urls:
                        raise DiscoveryError(f"{what} lists more than {max_urls:,} URLs; refused")
                    published = parse_date(_text(el, "publication_date") or _text(el, "lastmod"))
                    page.articles.append(
                        Discovered(url=url, title=_text(el, "title"), published=published)
                    )
                el.clear()
            elif name == "sitemap":
                loc = _text(el, "loc")
                child = join_url(base_url, loc) if loc else None
                if child is not None and child not in seen:
                    seen.add(child)
                    page.sitemaps.append(child)
                el.clear()
    except etree.XMLSyntaxError as exc:
        if page.articles or page.sitemaps:  # a truncated file: keep its first entries, say so
            kept = len(page.articles) + len(page.sitemaps)
            page.error = f"{what} is truncated or malformed ({kept} entries kept): " + " ".join(
                str(exc).split()
            )
            return page
        raise DiscoveryError(f"{what} is not valid XML: {exc}") from exc
    if root_name is None:
        raise DiscoveryError(f"{what} is not a sitemap (no XML elements)")
    return page


def _plain_text(body: bytes, base_url: str, what: str, max_urls: int) -> SitemapPage:
    text = body.decode("utf-8", errors="replace")
    urls = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(("http://", "https://")) and " " not in line:
            url = join_url(base_url, line)
            if url is not None:
                urls.append(url)
    if not urls:
        raise DiscoveryError(f"{what} is neither XML nor a plain-text list of URLs")
    if len(urls) > max_urls:
        raise DiscoveryError(f"{what} lists more than {max_urls:,} URLs; refused")
    return SitemapPage(articles=[Discovered(url=u) for u in dict.fromkeys(urls)])
