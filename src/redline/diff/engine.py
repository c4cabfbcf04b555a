"""compare(old, new): align, classify, score and summarise; apply(old, result) replays it."""

from __future__ import annotations

from collections import Counter

from redline.diff.align import align, sentences, word_diff
from redline.diff.classify import classify_edit, classify_item, is_cosmetic
from redline.diff.context import ArticleContext, build_context
from redline.diff.model import ChangeResult, DocVersion, FieldChange, Item
from redline.diff.significance import item_level, version_level, words_touched
from redline.diff.summary import summarise

DIFF_ENGINE_VERSION = "4"
"""Bumped whenever classification or scoring changes: stored changes from another engine
version are recomputed when read (redline.versions.changes: current_result, refresh_changes)."""


def _mark_paragraphs(items: list[Item]) -> None:
    """Whole paragraphs added or removed are one change each, not N sentence changes; the
    sentences after a correction's first sentence in an added paragraph are the correction."""
    old_total = Counter(it.old[0] for it in items if it.old is not None)
    new_total = Counter(it.new[0] for it in items if it.new is not None)
    removed = Counter(it.old[0] for it in items if it.op == "removed" and it.old is not None)
    added = Counter(it.new[0] for it in items if it.op == "added" and it.new is not None)
    correction_paras = {
        it.new[0] for it in items if it.op == "added" and it.new and it.classes == ["correction"]
    }
    for it in items:
        if it.op == "removed" and it.old and removed[it.old[0]] == old_total[it.old[0]]:
            it.classes = ["paragraph_removed"]
        if it.op != "added" or not it.new or it.classes != ["sentence_added"]:
            continue
        if it.new[0] in correction_paras:
            it.classes = ["correction"]
        elif added[it.new[0]] == new_total[it.new[0]]:
            it.classes = ["paragraph_added"]


def _field(name: str, old: str | None, new: str | None, ctx: ArticleContext) -> FieldChange | None:
    if (old or "") == (new or ""):
        return None
    fc = FieldChange(field=name, old=old, new=new, tokens=word_diff(old or "", new or ""))
    if name == "title":
        sub, fc.details = classify_edit(old or "", new or "", fc.tokens, ctx, headline=True)
        fc.classes = ["headline", *sub]
    elif name == "standfirst":
        # rewritten like the headline; added or removed whole, it is the field alone
        sub, fc.details = classify_edit(old, new, fc.tokens, ctx) if old and new else ([], [])
        fc.classes = ["standfirst", *sub]
    elif name == "lead_caption":
        # corrected like the standfirst ('misidentified …'); added or removed whole, the field
        sub, fc.details = classify_edit(old, new, fc.tokens, ctx) if old and new else ([], [])
        fc.classes = ["lead_caption", *sub]
    elif name == "byline":
        # letter case, punctuation or quote style only ('By Jane Doe' → 'By JANE DOE') is cosmetic
        sub = classify_edit(old or "", new or "", fc.tokens, ctx)[0] if old and new else []
        fc.classes = ["byline", *sub] if sub in (["quote_style"], ["punctuation"]) else ["byline"]
    elif name == "published":
        fc.classes = ["dates"]
    # a new modification time gets no class: nearly every edit brings one, so as a tag it
    # would label every change; the field itself is still listed (and alone, summarised)
    return fc


def _field_level(f: FieldChange, other_changes: bool) -> str:
    if f.field in ("title", "standfirst", "lead_caption", "byline"):
        return "cosmetic" if is_cosmetic(f.classes[1:]) else "substantive"
    if f.field == "modified" and other_changes:
        return "none"  # a new modification time is what any edit brings; it adds nothing
    return "minor"  # a new publication date, or a new modification time alone


def compare(old: DocVersion | None, new: DocVersion) -> ChangeResult:
    """What changed from ``old`` to ``new``; ``old=None`` describes a first version (initial)."""
    if old is None:
        items = align((), new.paragraphs)
        return ChangeResult(
            engine=DIFF_ENGINE_VERSION,
            initial=True,
            level="none",
            score=0.0,
            classes=[],
            summary="First version",
            stealth=False,
            items=items,
            counts={"sentences": len(items), "paragraphs": len(new.paragraphs)},
        )
    old_s, new_s = sentences(old.paragraphs), sentences(new.paragraphs)
    ctx = build_context(
        [(s.para, s.idx, s.text) for s in old_s],
        [(s.para, s.idx, s.text) for s in new_s],
        old.title,
        new.title,
    )
    fields = [
        f
        for f in (
            _field("title", old.title, new.title, ctx),
            _field("standfirst", old.standfirst, new.standfirst, ctx),
            _field("lead_caption", old.lead_caption, new.lead_caption, ctx),
            _field("byline", old.byline, new.byline, ctx),
            _field("published", old.published, new.published, ctx),
            _field("modified", old.modified, new.modified, ctx),
        )
        if f is not None
    ]
    items = align(old.paragraphs, new.paragraphs, old_s, new_s)
    for it in items:
        classify_item(it, ctx)
    _mark_paragraphs(items)
    paragraph_words: Counter[tuple[str, int]] = Counter()
    for it in items:
        if "paragraph_added" in it.classes and it.new:
            paragraph_words[("+", it.new[0])] += words_touched(it, ctx)
        if "paragraph_removed" in it.classes and it.old:
            paragraph_words[("-", it.old[0])] += words_touched(it, ctx)
    for it in items:
        if it.op == "equal":
            continue
        words = words_touched(it, ctx)
        if "paragraph_added" in it.classes and it.new:
            words = paragraph_words[("+", it.new[0])]
        if "paragraph_removed" in it.classes and it.old:
            words = paragraph_words[("-", it.old[0])]
        it.level = item_level(it, words, ctx)

    classes = {c for f in fields for c in f.classes} | {c for it in items for c in it.classes}
    others = any(f.field != "modified" for f in fields) or any(it.op != "equal" for it in items)
    level, score = version_level(
        [*(_field_level(f, others) for f in fields), *(it.level for it in items)]
    )
    stealth = level in ("substantive", "major") and not classes & {"correction", "update_note"}
    counts = Counter(c for it in items for c in it.classes)
    result = ChangeResult(
        engine=DIFF_ENGINE_VERSION,
        initial=False,
        level=level,
        score=score,
        classes=sorted(classes),
        summary="",
        stealth=stealth,
        fields=fields,
        items=items,
        counts=dict(counts),
    )
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
        standfirst=fields.get("standfirst", old.standfirst),
        lead_caption=fields.get("lead_caption", old.lead_caption),
        byline=fields.get("byline", old.byline),
        published=fields.get("published", old.published),
        modified=fields.get("modified", old.modified),
        paragraphs=tuple("".join(paragraphs[k]) for k in sorted(paragraphs)),
    )
