"""How much of a block's text sits inside links, read from the page (rotating teasers are
mostly links; an edited paragraph of the story is mostly not)."""

from __future__ import annotations

from collections.abc import Iterable

from selectolax.lexbor import LexborHTMLParser

from redline.extract.furniture import furniture_key

_BLOCKS = "p, li, h2, h3, h4, blockquote, div, aside, section, figure, span"


def link_density(html: str | None, texts: Iterable[str]) -> dict[str, float]:
    """For each wanted block text (by key), the share of its characters inside ``<a>`` in the
    smallest element of the page whose text is that block; 0 when no element has that text."""
    wanted = {furniture_key(t) for t in texts}
    out: dict[str, float] = {}
    if not html or not wanted:
        return out
    try:
        tree = LexborHTMLParser(html)
    except Exception:
        return out
    for node in tree.css(_BLOCKS):
        key = furniture_key(node.text(deep=True, separator=" "))
        if key not in wanted:
            continue
        total = len(key.replace(" ", ""))
        linked = sum(
            len(furniture_key(a.text(deep=True, separator=" ")).replace(" ", ""))
            for a in node.css("a")
        )
        if total:
            # the smallest element with that text comes last in document order
            out[key] = min(1.0, linked / total)
    return out
