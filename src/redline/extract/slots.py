"""Template slots: where in a site's markup a block sits, as a short tag/class path.

A learned text rule only matches the words it saw; a promo box or a related-stories line
rotates to new words on every fetch. Its place in the template does not: the path of tags and
class names down to it (``div.promo-box>h4``) is the same in every article of the site. Once a
block known to be furniture (a template text, a block seen rotating) has shown where it sits,
whatever sits there later is furniture too.

A slot must name its place: at least one class word on the path, class words with digits
(``post-856``, one article's id) or of position (``first``, ``odd``) dropped, and few elements
of the page in it (a path shared by the story's own
paragraphs is no slot).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from selectolax.lexbor import LexborHTMLParser, LexborNode

from redline.extract.furniture import furniture_key

DEPTH = 4  # levels of the path, from the block up ...
MAX_DEPTH = 7  # ... or up to the first level with a class word, as far as this
MAX_IN_PAGE = 3  # elements of one page a slot may hold (a box repeated top and bottom) ...
MAX_LIST = 12  # ... or a list of promotions, when every one of them is known furniture
_WORD = re.compile(r"[A-Za-z][A-Za-z_-]*")
_SKIP = {"html", "body", "head"}
_BLOCKS = "p, li, h2, h3, h4, h5, h6, blockquote, div, aside, section, figure, span, dd, dt, td"


# class words that say where an element is in a list or what state it is in, not what it is
_POSITIONAL = {"first", "last", "odd", "even", "active", "current", "selected", "clearfix"}


def _level(node: LexborNode) -> str:
    classes = sorted(
        {w.lower() for w in (node.attributes.get("class") or "").split() if w.isascii()}
    )
    words = [c for c in classes if _WORD.fullmatch(c) and c not in _POSITIONAL]
    return (node.tag or "") + "".join(f".{c}" for c in words)


def slot_of(node: LexborNode) -> str | None:
    """The node's slot, or None when its path names no class within MAX_DEPTH levels (too
    generic to be a place)."""
    levels: list[str] = []
    current: LexborNode | None = node
    named = False
    while current is not None and (len(levels) < DEPTH or not named) and len(levels) < MAX_DEPTH:
        if not current.is_element_node or current.tag in _SKIP:
            break
        levels.append(_level(current))
        named = named or "." in levels[-1]
        current = current.parent
    if not named:
        return None
    return ">".join(reversed(levels))


def block_slots(
    html: str | None,
    texts: Iterable[str],
    furniture: Iterable[str] = (),
    body: Iterable[str] = (),
) -> dict[str, set[str]]:
    """For each block text (by furniture key), the slots of the smallest elements of the page
    whose text is that block (a box repeated top and bottom sits in two), keeping only slots
    that hold at most MAX_IN_PAGE elements of the page, or at most MAX_LIST when the text of
    every element in the slot is furniture (``texts``, or keys in ``furniture``), and never a
    slot that also holds a paragraph of the article's ``body`` (the story's own place)."""
    wanted = {furniture_key(t) for t in texts} - {""}
    known = wanted | set(furniture)
    story = {furniture_key(p) for p in body} - wanted
    if not html or not wanted:
        return {}
    try:
        tree = LexborHTMLParser(html)
    except Exception:
        return {}
    matches: dict[int, tuple[LexborNode, str]] = {}
    for node in tree.css(_BLOCKS):
        key = furniture_key(node.text(deep=True, separator=" "))
        if key in wanted:
            matches[node.mem_id] = (node, key)
    smallest = dict(matches)
    for node, key in matches.values():  # an element wrapping a smaller one with that text
        parent = node.parent
        while parent is not None:
            if parent.mem_id in smallest and smallest[parent.mem_id][1] == key:
                del smallest[parent.mem_id]
            parent = parent.parent
    found: dict[str, set[str]] = {}
    for node, key in smallest.values():
        slot = slot_of(node)
        if slot is not None:
            found.setdefault(key, set()).add(slot)
    if not found:
        return {}
    usable = _usable(tree.root, set().union(*found.values()), known, story)
    out = {k: slots & usable for k, slots in found.items()}
    return {k: v for k, v in out.items() if v}


def _usable(root: LexborNode | None, slots: set[str], known: set[str], story: set[str]) -> set[str]:
    """The slots that hold few elements of the page, or a list of known furniture only, and
    none of the story's paragraphs."""
    held: dict[str, list[str]] = {}
    for node in slot_nodes(root, slots):
        s = slot_of(node)
        if s is not None:
            held.setdefault(s, []).append(furniture_key(node.text(deep=True, separator=" ")))
    return {
        s
        for s, keys in held.items()
        if not story & set(keys)
        and (len(keys) <= MAX_IN_PAGE or (len(keys) <= MAX_LIST and all(k in known for k in keys)))
    }


def slot_nodes(root: LexborNode | None, slots: set[str] | frozenset[str]) -> list[LexborNode]:
    """The elements under ``root`` that sit in one of ``slots`` (outermost first)."""
    if root is None or not slots:
        return []
    last = {s.rsplit(">", 1)[-1] for s in slots}
    out = []
    for node in root.traverse():
        if node.is_element_node and _level(node) in last and slot_of(node) in slots:
            out.append(node)
    return out
