"""compare(old, new): align, classify, score and summarise; apply(old, result) replays it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from redline.diff.align import align, sentences, word_diff
from redline.diff.classify import classify_edit, classify_item, is_cosmetic
from redline.diff.model import LEVELS, ChangeResult, DocVersion, FieldChange, Item
from redline.diff.summary import summarise

DIFF_ENGINE_VERSION = "1"

# What one item weighs in the version's score, by its level.
_WEIGHT = {"none": 0.0, "cosmetic": 0.0, "minor": 0.05, "substantive": 0.15, "major": 0.3}
MAJOR_SCORE = 0.6
"""A version whose score reaches this is 'major' whatever its single largest change."""


def _item_level(classes: Iterable[str], words_changed: int) -> str:
    cs = set(classes)
    if not cs:
        return "none"
    if is_cosmetic(list(cs)):
        return "cosmetic"
    if cs & {"paragraph_added", "paragraph_removed"}:
        return "major" if words_changed >= 60 else "substantive"
    if cs & {
        "number",
        "quote",
        "name",
        "sentence_added",
        "sentence_removed",
        "correction",
        "byline",
    }:
        return "substantive"
    if "wording" in cs:
        return "substantive" if words_changed > 3 else "minor"
    return "minor"  # moved, update_note


def _words_changed(item: Item) -> int:
    if item.op in ("added", "removed"):
        return len((item.new_text or item.old_text or "").split())
    return sum(len(t.split()) for op, t in item.tokens if op != "=")


def _mark_paragraphs(items: list[Item]) -> None:
    """Whole paragraphs added or removed are one change each, not N sentence changes."""
    old_total = Counter(it.old[0] for it in items if it.old is not None)
    new_total = Counter(it.new[0] for it in items if it.new is not None)
    removed = Counter(it.old[0] for it in items if it.op == "removed" and it.old is not None)
    added = Counter(it.new[0] for it in items if it.op == "added" and it.new is not None)
    for it in items:
        if it.op == "removed" and it.old and removed[it.old[0]] == old_total[it.old[0]]:
            it.classes = ["paragraph_removed"]
        if (
            it.op == "added"
            and it.new
            and added[it.new[0]] == new_total[it.new[0]]
            and it.classes == ["sentence_added"]
        ):
            it.classes = ["paragraph_added"]


def _field(name: str, old: str | None, new: str | None) -> FieldChange | None:
    if (old or "") == (new or ""):
        return None
    fc = FieldChange(field=name, old=old, new=new, tokens=word_diff(old or "", new or ""))
    if name == "title":
        sub, fc.details = classify_edit(old or "", new or "", fc.tokens)
        fc.classes = ["headline", *sub]
    elif name == "byline":
        fc.classes = ["byline"]
    return fc


def compare(old: DocVersion | None, new: DocVersion) -> ChangeResult:
    """What changed from ``old`` to ``new``; ``old=None`` describes a first version (initial)."""
    if old is None:
        items = align((), new.paragraphs)
        return ChangeResult(
            engine=DIFF_ENGINE_VERSION, initial=True, level="none", score=0.0, classes=[],
            summary="First version", stealth=False, items=items,
            counts={"sentences": len(items), "paragraphs": len(new.paragraphs)},
        )  # fmt: skip
    fields = [f for f in (
        _field("title", old.title, new.title), _field("byline", old.byline, new.byline),
        _field("published", old.published, new.published), _field("modified", old.modified, new.modified),
    ) if f is not None]  # fmt: skip
    items = align(old.paragraphs, new.paragraphs)
    for it in items:
        classify_item(it)
    _mark_paragraphs(items)
    paragraph_words: Counter[tuple[str, int]] = Counter()
    for it in items:
        if "paragraph_added" in it.classes and it.new:
            paragraph_words[("+", it.new[0])] += _words_changed(it)
        if "paragraph_removed" in it.classes and it.old:
            paragraph_words[("-", it.old[0])] += _words_changed(it)
    for it in items:
        words = _words_changed(it)
        if "paragraph_added" in it.classes and it.new:
            words = paragraph_words[("+", it.new[0])]
        if "paragraph_removed" in it.classes and it.old:
            words = paragraph_words[("-", it.old[0])]
        it.level = _item_level(it.classes, words)

    classes: set[str] = set()
    levels = []
    for f in fields:
        classes.update(f.classes)
        if f.field == "title":
            levels.append("cosmetic" if is_cosmetic(f.classes[1:]) else "substantive")
        elif f.field == "byline":
            levels.append("substantive")
    for it in items:
        classes.update(it.classes)
        levels.append(it.level)
    score = 1.0
    for lv in levels:
        score *= 1 - _WEIGHT[lv]
    score = round(1 - score, 4)
    changed = [lv for lv in levels if lv != "none"]
    if not changed:
        level = "none"
    else:
        level = max(changed, key=LEVELS.index)
        if level != "cosmetic" and score >= MAJOR_SCORE:
            level = "major"
    stealth = level in ("substantive", "major") and not classes & {"correction", "update_note"}
    counts = Counter(c for it in items for c in it.classes)
    result = ChangeResult(
        engine=DIFF_ENGINE_VERSION, initial=False, level=level, score=score, classes=sorted(classes),
        summary="", stealth=stealth, fields=fields, items=items, counts=dict(counts),
    )  # fmt: skip
    result.summary = summarise(result)
    return result


def _new_side(item: Item) -> str:
    return "".join(t for op, t in item.tokens if op != "-")


def apply(old: DocVersion, result: ChangeResult) -> DocVersion:
    """Rebuild the new version from the old one and the result (what the diff claims)."""
    olds = {(s.para, s.idx): s for s in sentences(old.paragraphs)}
    paragraphs: dict[int, list[str]] = {}
    for it in sorted((i for i in result.items if i.new is not None), key=lambda i: i.new or (0, 0)):
        assert it.new is not None
        if it.op == "added":
            text = it.new_text or ""
        elif it.op == "equal" or (it.op == "moved" and not it.tokens):
            assert it.old is not None
            text = olds[it.old].text
        else:
            text = _new_side(it)
        paragraphs.setdefault(it.new[0], []).append(text + it.sep)
    fields = {f.field: f.new for f in result.fields}
    return DocVersion(
        title=fields.get("title", old.title) or "",
        byline=fields.get("byline", old.byline),
        published=fields.get("published", old.published),
        modified=fields.get("modified", old.modified),
        paragraphs=tuple("".join(paragraphs[k]) for k in sorted(paragraphs)),
    )
