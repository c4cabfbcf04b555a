"""The lead image's caption: the line under the photo above the story.

A caption among the story's paragraphs is body text (extract/clean.py ``_open_captions``). The
lead image's caption sits above the story, often in a hero box beside the text's container, and
a reference text leaves it out, so it is not body text; but newsrooms correct it ('An earlier
version of a caption misidentified …'), so it is a field of its own, like the standfirst.

Found by structure: the first caption of an image before the story's first paragraph (the
position logic of the standfirst, ``standfirst.PageOrder``). A caption is a ``<figcaption>`` or an
element named as one (``clean.caption_kind``: 'hero-caption', 'wp-caption-text'); its image is
in its ``<figure>``, or beside it (IMAGE_LEVELS wrappers up at most). Guards: MIN_WORDS to
MAX_WORDS words once the credits are left out (elements named as credits, as in the body; a
caption that is only a written-out credit, 'Foto: AP', is none);
never inside a link, a list item, an aside, navigation, a footer, a form or a teaser, related,
sidebar, gallery or author box; holding no heading, list, player or date (a hero's headline
block named 'caption'); not mostly link text; not a caption the body already holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from redline.extract.clean import caption_kind, is_credit
from redline.extract.furniture import furniture_key
from redline.extract.names import OTHER_BOXES, class_words
from redline.extract.normalize import normalize_text
from redline.extract.standfirst import LINK_SHARE, PageOrder

MIN_WORDS = 3  # 'Lady Gaga, 2014': a name and a year is no caption to follow
MAX_WORDS = 80  # as clean.CAPTION_MAX_WORDS: beyond that a 'caption' class names a container
IMAGE_LEVELS = 2  # wrappers up from a caption where its image may sit
LEADING = 6  # body paragraphs the story's first paragraph is looked for among
_IMAGES = "img, picture, amp-img"
# what a caption never holds: a box named 'caption' that holds these is a hero's headline block,
# a player, or the site's header ('<div id="caption"><h1>Site</h1><div id="tagline">')
_NOT_IN_CAPTIONS = "h1, h2, h3, h4, h5, h6, ul, ol, audio, video, iframe, button, input, time"
CREDIT_ONLY_WORDS = 6  # a caption this short naming an agency is its credit alone
# a credit written out, not named by markup: 'Foto: Nick Fedirko/Shutterstock', '© Eileen
# Jordan', 'Bloomberg via Getty Images'; a line that opens with one, or is short and names an
# agency, is no caption
_CREDIT_OPENING = re.compile(
    r"^\W*(photo|photograph|photos|foto|fotos|fotocredit|bild|bildquelle|quelle|image|credit"
    r"|courtesy|screenshots?|symbolbild)\b|^\W*©",
    re.IGNORECASE,
)
_AGENCY = re.compile(r"getty|shutterstock|istock|reuters|\bap\b|\bafp\b|\bdpa\b", re.I)
_NEVER_IN_TAGS = {"a", "li", "aside", "nav", "footer", "form", "h1", "button"}
# class/id words of boxes whose photos are not the story's lead image
_NEVER_IN_WORDS = OTHER_BOXES | {
    "carousel",
    "slider",
    "author",
    "avatar",
    "contributor",
    "profile",
    "advert",
    "sponsored",
}


def _excluded(node: LexborNode) -> bool:
    """Inside a link, a list item, an aside or a box of other stories' photos."""
    here: LexborNode | None = node
    while here is not None and here.tag not in ("body", "html", None):
        if here.tag in _NEVER_IN_TAGS or class_words(here) & _NEVER_IN_WORDS:
            return True
        here = here.parent
    return False


def _has_image(node: LexborNode) -> bool:
    """Its <figure> holds an image, or one of its next IMAGE_LEVELS wrappers does."""
    here = node.parent
    for _ in range(IMAGE_LEVELS):
        if here is None or here.tag in ("body", "html"):
            return False
        if here.css_first(_IMAGES) is not None:
            return True
        if here.tag == "figure":
            return False
        here = here.parent
    return False


def candidate_nodes(tree: LexborHTMLParser) -> Iterator[LexborNode]:
    """Captions of images, outside boxes of other stories, in document order; the recheck
    fingerprint hashes their text (the lead one often sits outside the article container)."""
    root = tree.body or tree.root
    if root is None:
        return
    for node in root.traverse():
        if node.is_element_node and caption_kind(node) == "caption" and _has_image(node):
            inner = (m for m in node.css(_NOT_IN_CAPTIONS) if m.mem_id != node.mem_id)
            if not _excluded(node) and next(inner, None) is None:
                yield node


def credit_only(text: str) -> bool:
    """A caption that is its credit alone ('Photo: AP', 'Bloomberg via Getty Images')."""
    if _CREDIT_OPENING.match(text) and not re.search(r"[.!?]\s+\w", text):
        return True  # 'Photo: Adil Boukind … Les entreprises …' goes on with a sentence
    return len(text.split()) <= CREDIT_ONLY_WORDS and bool(_AGENCY.search(text))


def caption_text(node: LexborNode) -> str:
    """The caption's text without its credits (elements named as credits, as in the body)."""
    copy = LexborHTMLParser(f"<div>{node.html or ''}</div>")
    root = copy.body
    if root is None:
        return ""
    for inner in list(root.traverse()):
        if inner.is_element_node and is_credit(inner):
            inner.decompose()
    return normalize_text(root.text(deep=True, separator=" ") or "")


def find_lead_caption(
    tree: LexborHTMLParser, paragraphs: tuple[str, ...], title: str = ""
) -> str | None:
    """The lead image's caption, or None (see the module docstring for the guards)."""
    body = {furniture_key(p) for p in paragraphs}
    keys = {furniture_key(p) for p in paragraphs[:LEADING]} - {""}
    prefixes = {" ".join(k.split()[:8]) for k in keys if len(k.split()) >= 8}
    order: PageOrder | None = None
    first: int | None = None
    for node in candidate_nodes(tree):
        text = caption_text(node)
        if not text:
            continue  # an empty <figcaption>: no caption here
        if order is None:
            order = PageOrder(tree)
            first = order.first_of(keys, prefixes, "")
        here = order.pos.get(node.mem_id)
        if first is None or here is None or here >= first:
            return None  # the story has begun: its captions are body text
        key = furniture_key(text)
        n = len(text.split())
        linked = sum(len(normalize_text(a.text(deep=True, separator=" "))) for a in node.css("a"))
        if (
            not MIN_WORDS <= n <= MAX_WORDS
            or key in body
            or key == furniture_key(title)
            or linked > LINK_SHARE * len(text)
            or credit_only(text)
        ):
            return None  # the lead image's caption is no caption worth a field
        return text
    return None
