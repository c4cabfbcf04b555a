"""Which template places a capture's furniture showed (extract/slots.py says what a slot is).

A block that a template-text rule dropped, or one seen rotating, is furniture; the place it sat
in becomes a slot rule of the source, so the next words put there are furniture too.
"""

from __future__ import annotations

from collections.abc import Iterable

from redline.extract.furniture import furniture_key
from redline.extract.slots import block_slots
from redline.furniture.policy import Block


def new_slots(
    html: str | None,
    furniture: Iterable[str],
    known: frozenset[str],
    texts_known: frozenset[str] = frozenset(),
    body: Iterable[str] = (),
) -> tuple[Block, ...]:
    """The slots of the page where these furniture blocks sit, that are not rules yet (a
    Block keyed by the slot's path, with the block's text as its sample). ``texts_known``:
    the source's furniture text keys, so a list of known promotions makes one slot; ``body``:
    the paragraphs the capture kept, whose place is never a slot."""
    texts = {furniture_key(t): t for t in furniture}
    out: dict[str, Block] = {}
    for key, slots in block_slots(html, texts.values(), texts_known, body).items():
        for slot in sorted(slots):
            if slot not in known and slot not in out:
                out[slot] = Block(slot, texts[key][:500])
    return tuple(out.values())
