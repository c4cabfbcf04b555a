"""The one-line human summary of a change, used by feeds, notifications and listings."""

from __future__ import annotations

from redline.diff.model import ChangeResult


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


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
    if any(f.field == "byline" for f in result.fields):
        parts.append("byline changed")
    c = result.counts
    if c.get("correction"):
        parts.append("correction added")
    if c.get("update_note"):
        parts.append("update note added")
    items = result.items
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
    if c.get("name"):
        parts.append(
            "a name changed" if c["name"] == 1 else f"names changed in {c['name']} sentences"
        )
    reworded = sum(
        1
        for it in items
        if "wording" in it.classes and not {"number", "quote", "name"} & set(it.classes)
    )
    if reworded:
        parts.append(f"{_n(reworded, 'sentence')} reworded")
    if c.get("moved"):
        parts.append(f"{_n(c['moved'], 'sentence')} moved")
    typos = [d.removeprefix("typo: ") for it in items for d in it.details if d.startswith("typo: ")]
    typos += [
        d.removeprefix("typo: ") for f in result.fields for d in f.details if d.startswith("typo: ")
    ]
    if typos:
        parts.append(f"typo fixed ({typos[0]})" if len(typos) == 1 else f"{len(typos)} typos fixed")
    styled = sum(1 for it in items if set(it.classes) & {"quote_style", "punctuation"})
    if styled:
        parts.append(f"{_n(styled, 'punctuation or quote-style edit')}")
    if not parts:
        parts.append("dates changed")
    text = "; ".join(parts)
    return text[0].upper() + text[1:]
