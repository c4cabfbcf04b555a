"""The words of an element's class and id names: one reading for every rule that goes by them
(share and tag boxes, promotions, captions and credits, standfirsts, the recheck fingerprint).

'shareLinks' → share, links; 'article__sub-title' → article, sub, title; 'pullQuote' → pull,
quote. A name that states a condition of the element ('has-caption', 'with-sidebar',
'no-image') says nothing about what the element is, and is skipped; so are names in other
scripts (a CMS's generated ids)."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

_MODIFIER = ("has-", "with-", "no-", "is-", "show-", "hide-", "page-", "layout-")
_SPLIT = re.compile(r"[^a-zA-Z]+")  # digits too: "tags2", "h2-title"
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def class_names(node: LexborNode) -> list[tuple[str, ...]]:
    """Per class or id name of the node, its lower-case words."""
    out = []
    for attr in ("class", "id"):
        for name in (node.attributes.get(attr) or "").split():
            if not name.isascii() or name.lower().startswith(_MODIFIER):
                continue
            words = tuple(w.lower() for w in _SPLIT.split(_CAMEL.sub("-", name)) if w)
            if words:
                out.append(words)
    return out


def class_words(node: LexborNode) -> set[str]:
    """Every word of the node's class and id names."""
    return {w for words in class_names(node) for w in words}


# class/id words of boxes that hold other stories, media players and comments: a standfirst or a
# lead photo's caption is never inside one
OTHER_BOXES = frozenset(
    {
        "related",
        "teaser",
        "teasers",
        "promo",
        "sidebar",
        "rail",
        "recirc",
        "popular",
        "trending",
        "recommended",
        "newsletter",
        "card",
        "cards",
        "comment",
        "comments",
        "more",
        "gallery",
        "slideshow",
        "video",
        "player",
    }
)
