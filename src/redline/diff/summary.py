"""The one-line human summary of a change, used by feeds, notifications and listings."""

from __future__ import annotations

from collections import Counter

from redline.diff.classify import is_cosmetic
from redline.diff.model import ChangeResult, Item


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _moves(items: list[Item]) -> tuple[int, int]:
    """(paragraphs moved whole, other sentences moved): a paragraph counts as moved when every
    one of its sentences moved, together, into one new paragraph."""
    sizes = Counter(it.old[0] for it in items if it.old is not None)
    moved: dict[int, list[Item]] = {}
    for it in items:
        if "moved" in it.classes and it.old is not None:
            moved.setdefault(it.old[0], []).append(it)
    whole = [
        p
        for p, its in moved.items()
        if len(its) == sizes[p] and len({i.new[0] for i in its if i.new}) == 1
    ]
    return len(whole), sum(len(its) for p, its in moved.items() if p not in whole)


def summarise(result: ChangeResult) -> str:
    if result.initial:
        return "First version"
    if result.level == "none":
        return "No change"
    parts: list[str] = []
    title = next((f for f in result.fields if f.field == "title"), None)
    if title is not None:
        cosmetic = (
            all(c in ("quote_style", "punctuation", "typo") for c in title.classes[1:])
            and len(title.classes) > 1
        )
        parts.append("Headline punctuation changed" if cosmetic else "Headline changed")
    for name, label in (("standfirst", "standfirst"), ("lead_caption", "photo caption")):
        f = next((f for f in result.fields if f.field == name), None)
        if f is None:
            continue
        what = "added" if not f.old else "removed" if not f.new else "changed"
        if what == "changed" and f.classes[1:] and is_cosmetic(f.classes[1:]):
            what = "punctuation changed"
        parts.append(f"{label} {what}")
    byline = next((f for f in result.fields if f.field == "byline"), None)
    if byline is not None:
        parts.append("byline style changed" if len(byline.classes) > 1 else "byline changed")
    c = result.counts
    items = result.items
    if c.get("correction"):
        parts.append("correction added")
    notes = [it for it in items if "update_note" in it.classes]
    if notes:
        restamped = all(it.op == "edited" for it in notes)
        parts.append("update note changed" if restamped else "update note added")
    para_added = len({it.new[0] for it in items if "paragraph_added" in it.classes and it.new})
    para_removed = len({it.old[0] for it in items if "paragraph_removed" in it.classes and it.old})
    if para_added:
        parts.append(f"{_n(para_added, 'paragraph')} added")
    if para_removed:
        parts.append(f"{_n(para_removed, 'paragraph')} removed")
    if c.get("sentence_added"):
        parts.append(f"{_n(c['sentence_added'], 'sentence')} added")
    if c.get("sentence_removed"):
        parts.append(f"{_n(c['sentence_removed'], 'sentence')} removed")
    figures = [
        d.removeprefix("number: ") for it in items for d in it.details if d.startswith("number: ")
    ]
    if figures:
        parts.append(
            f"a figure changed: {figures[0]}"
            if len(figures) == 1
            else f"{len(figures)} figures changed, e.g. {figures[0]}"
        )
    if c.get("quote"):
        parts.append(f"{_n(c['quote'], 'quote')} changed")
    names = sum(1 for it in items if "name" in it.classes and it.level != "minor")
    if names:
        parts.append("a name changed" if names == 1 else f"names changed in {names} sentences")
    plain = [
        it
        for it in items
        if {"wording", "name"} & set(it.classes)
        and not {"number", "quote"} & set(it.classes)
        and not ("name" in it.classes and it.level != "minor")
    ]
    reworded = sum(1 for it in plain if it.level != "minor")
    light = len(plain) - reworded
    if reworded:
        parts.append(f"{_n(reworded, 'sentence')} reworded")
    if light:
        parts.append(f"{_n(light, 'small wording edit')}")
    moved_paras, moved_sentences = _moves(items)
    if moved_paras:
        parts.append(f"{_n(moved_paras, 'paragraph')} moved")
    if moved_sentences:
        parts.append(f"{_n(moved_sentences, 'sentence')} moved")
    typos = [d.removeprefix("typo: ") for it in items for d in it.details if d.startswith("typo: ")]
    typos += [
        d.removeprefix("typo: ") for f in result.fields for d in f.details if d.startswith("typo: ")
    ]
    if typos:
        parts.append(f"typo fixed ({typos[0]})" if len(typos) == 1 else f"{len(typos)} typos fixed")
    styled = sum(1 for it in items if set(it.classes) & {"quote_style", "punctuation"})
    if styled:
        parts.append(f"{_n(styled, 'punctuation or quote-style edit')}")
    if any(f.field == "published" for f in result.fields):
        parts.append("publication date changed")
    elif not parts and any(f.field == "modified" for f in result.fields):
        parts.append("dates changed")  # only the modification time: said when nothing else is
    if not parts:
        parts.append("changed")
    text = "; ".join(parts)
    return text[0].upper() + text[1:]
