"""The recheck fast path: a cheap fingerprint of the article's own region of a page.

On a recheck most pages differ from last time only in furniture (teasers, counters, ads). If
the region that extraction reads (JSON-LD, title, headline, byline, standfirst, lead caption,
the article container's text) is byte-for-byte what it was, the extraction would be too, so the
checker can skip it.
When no article container is identifiable, there is no fingerprint and extraction always runs.
"""

from __future__ import annotations

import hashlib

from selectolax.lexbor import LexborHTMLParser

from redline.extract.clean import caption_kind
from redline.extract.furniture import is_furniture
from redline.extract.leadcaption import candidate_nodes as lead_caption_nodes
from redline.extract.model import ExtractRules
from redline.extract.standfirst import candidate_nodes
from redline.settings import ExtractSettings

_CONTAINERS = ('[itemprop="articleBody"]', "article", '[role="main"]', "main")
_FURNITURE = (
    "script:not([type='application/ld+json'])",
    "style",
    "noscript",
    "iframe",
    "aside",
    "nav",
    "form",
    "footer",
    "[class*='related']",
    "[class*='teaser']",
    "[class*='promo']",
    "[class*='most-read']",
    "[class*='newsletter']",
    "[class*='advert']",
    "[class*='ad-slot']",
    "[class*='comment']",
    "[class*='share']",
    "[id*='cookie']",
    "[class*='cookie']",
    "[class*='timestamp']",
    "[class*='time-ago']",
    "[class*='relative']",
    "[class*='counter']",
)


def region_fingerprint(
    html: str,
    rules: ExtractRules | None = None,
    max_nodes: int = ExtractSettings.max_region_nodes,
) -> str | None:
    """SHA-256 over the article's own region, or None when it cannot be told apart."""
    try:
        tree = LexborHTMLParser(html)
    except Exception:
        return None
    for sel in rules.drop if rules else ():
        for node in tree.css(sel):
            node.decompose()
    container = None
    if rules and rules.body:
        nodes = tree.css(rules.body)
        container = nodes[0] if nodes else None
    else:
        for sel in _CONTAINERS:
            container = tree.css_first(sel)
            if container is not None:
                break
    if container is None or len(container.css("*")) > max_nodes:
        return None  # no region, or pathological markup: let full extraction decide
    h = hashlib.sha256()
    for node in tree.css('script[type="application/ld+json"]'):
        h.update((node.text(deep=True) or "").encode())
    for sel in (
        "title",
        "h1",
        'link[rel="canonical"]',
        'meta[property="og:title"]',
        'meta[name="author"]',
    ):
        head_node = tree.css_first(sel)
        if head_node is not None:
            h.update(sel.encode())
            h.update((head_node.text(deep=True) or "").encode())
            h.update(repr(sorted(head_node.attributes.items())).encode())
    # the standfirst often sits outside the container, beside the headline
    for node in candidate_nodes(tree, rules.standfirst if rules else None):
        h.update(b"\x00standfirst\x00")
        h.update((node.text(deep=True) or "").encode())
    # so does the lead image's caption, above the story (extract/leadcaption.py)
    for node in lead_caption_nodes(tree):
        h.update(b"\x00lead_caption\x00")
        h.update((node.text(deep=True) or "").encode())
    # captions and pull quotes are body text (extract/clean.py), even in an <aside>
    for node in container.traverse():
        if caption_kind(node):
            h.update(b"\x00caption\x00")
            h.update((node.text(deep=True) or "").encode())
    for sel in _FURNITURE:
        for node in container.css(sel):
            node.decompose()
    # short lines that are furniture by their words ('Updated 5 minutes ago', '312 comments');
    # own text only, so a deeply nested page costs linear time
    for node in container.css("span, time, a, small, button, li, p, div"):
        text = node.text(deep=False)
        if text and len(text) < 120 and is_furniture(text):
            node.decompose()
    h.update(b"\x00body\x00")
    h.update((container.text(deep=True, separator="\n") or "").encode())
    return h.hexdigest()
