"""Aligning two versions sentence by sentence, then word by word inside edited sentences.

1. Both versions are split into sentences; rapidfuzz's Indel (LCS) opcodes over whole sentences
   find the unchanged runs (80x faster than difflib here: benchmarks/bench_diff.py), so the
   cost grows with length, not length squared, when edits are few.
2. Inside each changed region, old and new sentences are paired by similarity (rapidfuzz
   ``fuzz.ratio``, vectorised with ``cdist``) without crossing; a pair at or above
   EDIT_THRESHOLD is one *edited* sentence, below it a removal plus an addition. A sentence
   split in two (or two merged into one) is recognised when the pair's combined text matches
   clearly better than either part alone.
3. Leftover removals that reappear elsewhere (similarity >= MOVE_THRESHOLD) are *moves*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel
from rapidfuzz.process import cdist

from redline.diff.model import Item, TokenOp
from redline.diff.text import split_sentences, tokenize

EDIT_THRESHOLD = 60.0
"""fuzz.ratio (0-100) at which two sentences count as one edited sentence. Tense changes and
reworded clauses stay above it ('will meet' → 'met' scores ~90); unrelated sentences on the
same topic score 30-50."""
MOVE_THRESHOLD = 85.0
"""Similarity at which a removed sentence found elsewhere in the new version is a move."""
SPLIT_MARGIN = 5.0
"""A split or merge is called when the combined text matches nearly as well as (or better than)
the single pair, and the extra sentence's words come from the other side."""
SPLIT_SOURCE = 75.0


def _joins(extra: str, other: str, combined: float, single: float) -> bool:
    return (
        combined >= max(single - SPLIT_MARGIN, EDIT_THRESHOLD)
        and fuzz.partial_ratio(extra, other) >= SPLIT_SOURCE
    )


@dataclass(frozen=True)
class Sent:
    para: int
    idx: int
    text: str  # without surrounding whitespace
    sep: str  # the whitespace that followed it


def sentences(paragraphs: tuple[str, ...]) -> list[Sent]:
    out = []
    for p, para in enumerate(paragraphs):
        for i, s in enumerate(split_sentences(para)):
            stripped = s.rstrip()
            out.append(Sent(p, i, stripped.lstrip(), s[len(stripped) :]))
    return out


def word_diff(a: str, b: str) -> list[TokenOp]:
    """Token diff of two sentences: rapidfuzz's Indel (LCS, bit-parallel) over tokens mapped to
    integers: linear in length for few edits (difflib's SequenceMatcher was quadratic here)."""
    ta, tb = tokenize(a), tokenize(b)
    ids: dict[str, int] = {}
    ia = [ids.setdefault(t, len(ids)) for t in ta]
    ib = [ids.setdefault(t, len(ids)) for t in tb]
    ops: list[TokenOp] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:  # a run of changes reads as its deletion, then its insertion
        for op, parts in (("-", removed), ("+", added)):
            if parts:
                ops.append((op, "".join(parts)))
                parts.clear()

    for op in Indel.opcodes(ia, ib):
        kept = ta[op.src_start : op.src_end]
        if op.tag == "equal":
            flush()
            if ops and ops[-1][0] == "=":
                ops[-1] = ("=", ops[-1][1] + "".join(kept))
            else:
                ops.append(("=", "".join(kept)))
        else:
            removed += kept
            added += tb[op.dest_start : op.dest_end]
    flush()
    return ops


def _item(op: str, o: Sent | None, n: Sent | None, **kw: object) -> Item:
    return Item(
        op=op,
        old=(o.para, o.idx) if o else None,
        new=(n.para, n.idx) if n else None,
        old_text=o.text if o else None,
        new_text=n.text if n else None,
        sep=n.sep if n else "",
        **kw,  # type: ignore[arg-type]
    )


def _pair_region(olds: list[Sent], news: list[Sent]) -> list[Item]:
    """Pair the sentences of one changed region without crossing; keep reading order."""
    if not olds or not news:
        return [_item("removed", o, None) for o in olds] + [_item("added", None, n) for n in news]
    scores = cdist(
        [o.text for o in olds], [n.text for n in news], scorer=fuzz.ratio, dtype=np.float32
    )
    candidates = sorted(
        (
            (float(scores[i, j]), i, j)
            for i in range(len(olds))
            for j in range(len(news))
            if scores[i, j] >= EDIT_THRESHOLD
        )
        if len(olds) * len(news) <= 40_000
        else (
            (float(scores[i].max()), i, int(scores[i].argmax()))
            for i in range(len(olds))
            if scores[i].max() >= EDIT_THRESHOLD
        ),
        reverse=True,
    )
    pairs: dict[int, int] = {}
    for _score, i, j in candidates:
        if i in pairs or j in pairs.values():
            continue
        if any((i < pi) != (j < pj) for pi, pj in pairs.items()):
            continue  # would cross an accepted pair
        pairs[i] = j
    taken_new = set(pairs.values())
    items: list[Item] = []
    consumed_new: set[int] = set()
    consumed_old: set[int] = set()
    j_next = 0
    for i, o in enumerate(olds):
        if i in consumed_old:
            continue
        if i not in pairs:
            # a merge: this old sentence and the next one became one new sentence
            nxt = pairs.get(i + 1)
            if nxt is not None and nxt not in consumed_new and olds[i + 1].para == o.para:
                both = o.text + " " + olds[i + 1].text
                if _joins(
                    o.text, news[nxt].text, fuzz.ratio(both, news[nxt].text), scores[i + 1, nxt]
                ):
                    while j_next < nxt:
                        if j_next not in taken_new:
                            items.append(_item("added", None, news[j_next]))
                        j_next += 1
                    n = news[nxt]
                    items.append(
                        Item(
                            op="edited",
                            old=(o.para, o.idx),
                            new=(n.para, n.idx),
                            old_text=both,
                            new_text=n.text,
                            sep=n.sep,
                            tokens=word_diff(both, n.text),
                            old_count=2,
                        )
                    )
                    consumed_old.add(i + 1)
                    consumed_new.add(nxt)
                    j_next = nxt + 1
                    continue
            items.append(_item("removed", o, None))
            continue
        j = pairs[i]
        n = news[j]
        # a split where the new first half is the unpaired sentence before the pair
        k = j - 1
        if k >= j_next and k not in taken_new and news[k].para == n.para:
            m = news[k]
            both = m.text + m.sep + n.text
            if _joins(m.text, o.text, fuzz.ratio(o.text, both), scores[i, j]):
                while j_next < k:
                    if j_next not in taken_new:
                        items.append(_item("added", None, news[j_next]))
                    j_next += 1
                items.append(
                    Item(
                        op="edited",
                        old=(o.para, o.idx),
                        new=(m.para, m.idx),
                        old_text=o.text,
                        new_text=both,
                        sep=n.sep,
                        tokens=word_diff(o.text, both),
                        new_count=2,
                    )
                )
                consumed_new.update({k, j})
                j_next = j + 1
                continue
        while j_next < j:
            if j_next not in taken_new:
                items.append(_item("added", None, news[j_next]))
            j_next += 1
        # a split: the old sentence became this one and the next new one
        k = j + 1
        if k < len(news) and k not in taken_new and news[k].para == n.para:
            both = n.text + n.sep + news[k].text
            if _joins(news[k].text, o.text, fuzz.ratio(o.text, both), scores[i, j]):
                items.append(
                    Item(
                        op="edited",
                        old=(o.para, o.idx),
                        new=(n.para, n.idx),
                        old_text=o.text,
                        new_text=both,
                        sep=news[k].sep,
                        tokens=word_diff(o.text, both),
                        new_count=2,
                    )
                )
                consumed_new.update({j, k})
                j_next = k + 1
                continue
        # a merge: this old sentence and the next (unpaired) one became this new sentence
        if i + 1 < len(olds) and (i + 1) not in pairs and olds[i + 1].para == o.para:
            both = o.text + o.sep + olds[i + 1].text
            if _joins(olds[i + 1].text, n.text, fuzz.ratio(both, n.text), scores[i, j]):
                items.append(
                    Item(
                        op="edited",
                        old=(o.para, o.idx),
                        new=(n.para, n.idx),
                        old_text=both,
                        new_text=n.text,
                        sep=n.sep,
                        tokens=word_diff(both, n.text),
                        old_count=2,
                    )
                )
                consumed_old.add(i + 1)
                consumed_new.add(j)
                j_next = j + 1
                continue
        if j not in consumed_new:
            items.append(_item("edited", o, n, tokens=word_diff(o.text, n.text)))
            j_next = j + 1
    for j in range(j_next, len(news)):
        if j not in taken_new and j not in consumed_new:
            items.append(_item("added", None, news[j]))
    return items


def align(
    old_paragraphs: tuple[str, ...],
    new_paragraphs: tuple[str, ...],
    olds: list[Sent] | None = None,
    news: list[Sent] | None = None,
) -> list[Item]:
    """Aligned items of two versions (``olds``/``news``: their sentences, when already split)."""
    olds = sentences(old_paragraphs) if olds is None else olds
    news = sentences(new_paragraphs) if news is None else news
    items: list[Item] = []
    pending: tuple[int, int, int, int] | None = None  # a changed region being collected
    for op in Indel.opcodes([s.text for s in olds], [s.text for s in news]):
        if op.tag == "equal":
            if pending:
                items += _pair_region(olds[pending[0] : pending[1]], news[pending[2] : pending[3]])
                pending = None
            items += [
                _item("equal", olds[op.src_start + k], news[op.dest_start + k])
                for k in range(op.src_end - op.src_start)
            ]
        elif pending is None:
            pending = (op.src_start, op.src_end, op.dest_start, op.dest_end)
        else:
            pending = (pending[0], op.src_end, pending[2], op.dest_end)
    if pending:
        items += _pair_region(olds[pending[0] : pending[1]], news[pending[2] : pending[3]])
    _find_moves(items)
    return items


def _move(items: list[Item], rk: int, ak: int) -> None:
    src, dst = items[rk], items[ak]
    dst.op = "moved"
    dst.old, dst.old_text = src.old, src.old_text
    if src.old_text != dst.new_text:
        dst.tokens = word_diff(src.old_text or "", dst.new_text or "")


def _find_moves(items: list[Item]) -> None:
    """Removed sentences found again elsewhere are moves. First pass: similarity at or above
    MOVE_THRESHOLD. Second pass: once one sentence of a paragraph has moved, its paragraph-mates
    are matched against the added sentences of the paragraph it moved to at EDIT_THRESHOLD, so a
    paragraph moved and edited at once is one move, not part move, part removal and addition."""
    removed = [k for k, it in enumerate(items) if it.op == "removed"]
    added = [k for k, it in enumerate(items) if it.op == "added"]
    if not removed or not added:
        return
    scores = cdist(
        [items[k].old_text or "" for k in removed],
        [items[k].new_text or "" for k in added],
        scorer=fuzz.ratio,
        dtype=np.float32,
    )
    drop: set[int] = set()
    used: set[int] = set()
    for ri, rk in enumerate(removed):
        best = int(scores[ri].argmax())
        if scores[ri, best] < MOVE_THRESHOLD or best in used:
            continue
        used.add(best)
        _move(items, rk, added[best])
        drop.add(rk)
    moved_to = {
        items[added[a]].old[0]: items[added[a]].new[0]  # type: ignore[index]
        for a in used
    }
    for ri, rk in enumerate(removed):
        old = items[rk].old
        if rk in drop or old is None or old[0] not in moved_to:
            continue
        target = moved_to[old[0]]
        candidates = [
            (float(scores[ri, a]), a)
            for a in range(len(added))
            if a not in used
            and (items[added[a]].new or (-1,))[0] == target
            and scores[ri, a] >= EDIT_THRESHOLD
        ]
        if candidates:
            _, best = max(candidates)
            used.add(best)
            _move(items, rk, added[best])
            drop.add(rk)
    items[:] = [it for k, it in enumerate(items) if k not in drop]
