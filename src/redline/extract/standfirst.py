"""The standfirst: the sentence or two under the headline (dek, subtitle, strapline).

It is no body text (it sits in the article header, outside the container of the story, and a
reference text leaves it out), but editors rewrite it like the headline, so it is a field of
its own. It is found by structure only, first match wins:

1. the source's `standfirst` rule (a CSS selector of the sources file);
2. ``[itemprop~=alternativeHeadline]`` (schema.org's name for it);
3. an element whose class or id words name a standfirst: ``dek``, ``deck``, ``standfirst``,
   ``subtitle``/``sub-title``, ``subheadline``/``sub-headline``, ``subheader``, ``strapline``,
   ``mainsubtitle`` …; the weaker ``summary``, ``description`` and ``excerpt`` only when the
   element sits in the article header (a ``<header>``, or beside the ``<h1>``).

Guards, for every candidate: MIN_WORDS to MAX_WORDS words; not the headline; before the first
body paragraph in document order (a subheading inside the story comes after it); never inside
the ``<h1>``, a link, a list item, an aside, navigation, a footer or a teaser, related or sidebar
box ('Why It Matters' asides are not standfirsts); not mostly link text; no form controls in it
(a 'Sorted by' bar) and no short line with a numeric date (a dateline). A meta or og
description is never enough: many sites put the first body paragraph there, and it stays body.

When the chosen text is (normalised) one of the first few body paragraphs, it leaves the body.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import suppress
from itertools import pairwise

from selectolax.lexbor import LexborHTMLParser, LexborNode

from redline.extract.furniture import furniture_key
from redline.extract.names import OTHER_BOXES, class_names
from redline.extract.normalize import normalize_text

MIN_WORDS = 3  # 'Choose your words wisely.' (adoption.com) is a standfirst of four
MAX_WORDS = 80
LEADING = 3  # body paragraphs a standfirst may be a copy of (the first few)
AFTER_HEADLINE = 150  # elements a standfirst may sit below the headline (share bars, a photo)
BEFORE_HEADLINE = 10  # elements a standfirst may sit above the headline (a strapline)
NEAR_HEADLINE = 40  # elements below the headline, when the body is not found on the page
LINK_SHARE = 0.5  # most of its text that may be link text
DATELINE_WORDS = 10  # a line this short with a date in it is a dateline ('Handball • 02.02.2022')
_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")

_ALTERNATIVE = "[itemprop~=alternativeHeadline], [itemprop~=alternativeheadline]"
# class/id words (or word pairs, 'sub-title') that name a standfirst wherever it sits
_STRONG = {
    "dek",
    "deck",
    "standfirst",
    "subtitle",
    "subheadline",
    "subheader",
    "strapline",
    "mainsubtitle",
    "alternativeheadline",
    "articlesubtitle",
    "postsubtitle",
    "entrysubtitle",
}
_STRONG_PAIRS = frozenset(
    {("sub", "title"), ("sub", "headline"), ("sub", "header"), ("strap", "line")}
)
# words that name one only in the article header (elsewhere: teaser texts, search snippets)
_WEAK = {"summary", "description", "excerpt", "articlesummary"}
# ancestors a standfirst never sits in
_NEVER_IN_TAGS = {"a", "li", "aside", "nav", "footer", "figure", "figcaption", "form", "h1"}
_NEVER_IN_WORDS = OTHER_BOXES | {
    "widget",
    "matters",  # 'Why It Matters' boxes
    "aside",
    "caption",
}
# ... and words that say so only close by (a page wrapper may be 'tmglSite' or 'Vertical-Photo'):
# the site's own header and its tagline ('site-description', '#logo .sub_title') on the element or
# its parent; a photo's caption or credit ('image-subtitle', 'img_description', 'header-image')
# up to three levels up
_NEVER_NEAR: tuple[tuple[frozenset[str], int], ...] = (
    (frozenset({"site", "branding", "brand", "logo", "masthead"}), 1),
    (frozenset({"image", "img", "photo", "picture", "thumbnail"}), 3),
)
_TEXT_BLOCKS = {"p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "dd", "td"}
_ANY_BLOCKS = _TEXT_BLOCKS | {"div", "section", "span", "header", "article"}


def _tokens(node: LexborNode) -> list[list[str]]:
    """The class and id names of a node, each as its whole (the words run together) and its
    words ('article__sub-title' → ['articlesubtitle', 'article', 'sub', 'title'])."""
    return [["".join(words), *words] for words in class_names(node)]


def _names(
    node: LexborNode,
    words: set[str] | frozenset[str],
    pairs: frozenset[tuple[str, str]] = frozenset(),
) -> bool:
    for token in _tokens(node):
        whole, parts = token[0], token[1:]
        if whole in words or any(p in words for p in parts):
            return True
        if any((a, b) in pairs for a, b in pairwise(parts)):
            return True
    return False


def _excluded(node: LexborNode) -> bool:
    """Inside the headline, a link, a list item, an aside, a teaser or sidebar box …"""
    parent, level = node.parent, 1
    while parent is not None and parent.tag not in ("body", "html", None):
        if parent.tag in _NEVER_IN_TAGS or _names(parent, _NEVER_IN_WORDS):
            return True
        if any(level <= most and _names(parent, words) for words, most in _NEVER_NEAR):
            return True
        parent, level = parent.parent, level + 1
    return (
        node.tag in _NEVER_IN_TAGS - {"h1"}
        or _names(node, _NEVER_IN_WORDS)
        or any(_names(node, words) for words, _ in _NEVER_NEAR)
    )


def _in_header(node: LexborNode, h1: LexborNode | None) -> bool:
    """In a <header>, or sharing a parent (two levels up at most) with the headline."""
    parent, level = node.parent, 0
    while parent is not None and parent.tag not in ("body", "html", None):
        if parent.tag == "header":
            return True
        if h1 is not None and level < 2 and _contains(parent, h1):
            return True
        parent, level = parent.parent, level + 1
    return False


def _contains(outer: LexborNode, inner: LexborNode) -> bool:
    node: LexborNode | None = inner
    while node is not None:
        if node.mem_id == outer.mem_id:
            return True
        node = node.parent
    return False


def _text(node: LexborNode) -> str:
    if node.tag == "meta":
        return ""  # a meta description alone is never enough
    return normalize_text(node.text(deep=True, separator=" ") or "")


def _link_share(node: LexborNode, text: str) -> float:
    linked = sum(len(normalize_text(a.text(deep=True, separator=" ") or "")) for a in node.css("a"))
    return linked / max(len(text), 1)


def _markup_candidates(tree: LexborHTMLParser, h1: LexborNode | None) -> Iterator[LexborNode]:
    yield from tree.css(_ALTERNATIVE)
    root = tree.body or tree.root
    if root is None:
        return
    for node in root.traverse():
        if not node.is_element_node or node.tag in ("meta", "script", "style", "link"):
            continue
        if _names(node, _STRONG, _STRONG_PAIRS) or (_names(node, _WEAK) and _in_header(node, h1)):
            yield node


def candidate_nodes(tree: LexborHTMLParser, selector: str | None = None) -> list[LexborNode]:
    """The elements a standfirst may be read from (the rule's, then the markup's), before the
    guards that need the body; the recheck fingerprint hashes their text."""
    nodes: list[LexborNode] = []
    if selector:
        with suppress(Exception):
            nodes.extend(tree.css(selector))
    nodes.extend(n for n in _markup_candidates(tree, tree.css_first("h1")) if not _excluded(n))
    return nodes


class PageOrder:
    """Document positions of the page's elements, and where the story's first paragraph is."""

    def __init__(self, tree: LexborHTMLParser) -> None:
        self.pos: dict[int, int] = {}
        self.nodes: list[LexborNode] = []
        root = tree.root
        for i, node in enumerate(root.traverse() if root is not None else ()):
            if node.is_element_node:
                self.pos[node.mem_id] = i
                self.nodes.append(node)

    def first_of(self, keys: set[str], prefixes: set[str], skip: str) -> int | None:
        """Position of the first element whose text is one of the body paragraphs (by key), or a
        text block opening with one (a paragraph trafilatura cut at a line break)."""
        if not keys:
            return None
        for node in self.nodes:
            if node.tag not in _ANY_BLOCKS:
                continue
            key = furniture_key(node.text(deep=True, separator=" ") or "")
            if not key or key == skip:
                continue
            if key in keys or (
                node.tag in _TEXT_BLOCKS and any(key.startswith(p) for p in prefixes)
            ):
                return self.pos.get(node.mem_id)
        return None


def _headline_node(tree: LexborHTMLParser, title: str) -> tuple[LexborNode | None, bool]:
    """The headline's <h1> (or the first <h1>), and whether its text is the title."""
    want = furniture_key(title)
    h1s = tree.css("h1")
    for h in h1s:
        if furniture_key(_text(h)) == want:
            return h, True
    return (h1s[0] if h1s else None), False


def find_standfirst(
    tree: LexborHTMLParser,
    paragraphs: tuple[str, ...],
    title: str,
    selector: str | None = None,
) -> str | None:
    """The standfirst of the page, or None (see the module docstring for the order and guards)."""
    found = standfirst_node(tree, paragraphs, title, selector)
    return found[0] if found else None


def standfirst_node(
    tree: LexborHTMLParser,
    paragraphs: tuple[str, ...],
    title: str,
    selector: str | None = None,
) -> tuple[str, LexborNode] | None:
    """The standfirst and the element it was read from."""
    h1, is_headline = _headline_node(tree, title)
    title_key = furniture_key(title)
    order: PageOrder | None = None
    body_keys = [furniture_key(p) for p in paragraphs[: LEADING + 3]]

    def passes(node: LexborNode, trusted: bool) -> str | None:
        nonlocal order
        text = _text(node)
        n = len(text.split())
        key = furniture_key(text)
        if not key or n > MAX_WORDS or (n < MIN_WORDS and not trusted):
            return None
        if key == title_key or title_key.startswith(key):
            return None
        if trusted:
            return text  # the source's own rule
        if (
            _excluded(node)
            or _link_share(node, text) > LINK_SHARE
            or node.css_first("script, style, noscript, iframe, h1, select, input, button")
            is not None
            or (n <= DATELINE_WORDS and _DATE.search(text))
        ):
            return None  # furniture, a control ('Sorted by: …'), or a dateline
        if order is None:
            order = PageOrder(tree)
        keys = {k for k in body_keys if k and k != key}
        prefixes = {" ".join(k.split()[:8]) for k in keys if len(k.split()) >= 8}
        first = order.first_of(keys, prefixes, key)
        here = order.pos.get(node.mem_id)
        if here is None:
            return None
        if first is not None and here >= first:
            return None  # after the story has begun: a subheading or a box in the body
        head = order.pos.get(h1.mem_id) if h1 is not None else None
        if head is not None and is_headline and here < head - BEFORE_HEADLINE:
            return None  # well above the headline: a box of the page's header
        if head is not None and is_headline and here - head > AFTER_HEADLINE:
            return None  # far below the headline: a heading of a later part of the page
        if first is None and (head is None or not 0 < here - head <= NEAR_HEADLINE):
            return None  # no body paragraph found on the page (structured data): only by the h1
        return text

    if selector:
        try:
            nodes = tree.css(selector)
        except Exception:
            nodes = []
        for node in nodes:
            if (found := passes(node, trusted=True)) is not None:
                return found, node
    for node in _markup_candidates(tree, h1):
        if (found := passes(node, trusted=False)) is not None:
            return found, node
    return None


def without_standfirst(paragraphs: tuple[str, ...], standfirst: str | None) -> tuple[str, ...]:
    """The body without its copy of the standfirst, when one of its first few paragraphs is it."""
    if not standfirst:
        return paragraphs
    key = furniture_key(standfirst)
    for i, p in enumerate(paragraphs[:LEADING]):
        if furniture_key(p) == key:
            return paragraphs[:i] + paragraphs[i + 1 :]
    return paragraphs
