"""Naming each change: pure rules over an aligned item, its word diff and the article context."""

from __future__ import annotations

import re

from redline.diff.context import ArticleContext, inside_quotes
from redline.diff.lexicon import FIGURE_WORD, SAME_FIGURE
from redline.diff.model import COSMETIC, Item, TokenOp
from redline.diff.text import fold_quote_style, split_sentences, strip_punctuation
from redline.diff.typo import is_typo

CORRECTION = re.compile(
    r"^\W*(?:corrections?\b|clarifications?\b|editor['’]?s['’]? note|an? (?:earlier|previous) version"
    r" of this|this (?:article|story|post|report) (?:has been|was) (?:corrected|revised|amended"
    r"|updated to (?:correct|reflect (?:a|the following) correction))|this (?:article|story)"
    r" previously|an? corrections? (?:was|has been|were|have been) (?:made|appended))",
    re.IGNORECASE,
)
_DATE_OR_TIME = (
    r"(?:\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*"
    r"\.?\s+\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)"
)
UPDATE_NOTE = re.compile(
    rf"^\W*(?:(?:last\s+)?updated?\s*(?:at|on)?\s*[:,—–-]?\s*{_DATE_OR_TIME}|update\s*[:—–-]"
    r"|this (?:article|story|post|report) (?:has been|was|is being) updated)",
    re.IGNORECASE,
)
"""'Updated at 5:32 p.m.', 'Updated: Jan. 6', 'Update: ...', 'This story has been updated' —
but not 'Updated guidance from the agency says...'."""
_FIGURE = re.compile(
    r"[$€£¥]?\d+(?:[.,:]\d+)*%?(?:\s*(?:[ap]\.m\.|million|billion|trillion|thousand|hundred"
    r"|percent)\b)?"
)


def figures(text: str) -> list[str]:
    """Figures of a text: amounts, percentages, times, counts, number words, months, weekdays."""
    found = _FIGURE.findall(text)
    rest = _FIGURE.sub(" ", text)
    found += FIGURE_WORD.findall(rest)
    return found


def _keys(figs: list[str]) -> list[str]:
    return sorted(SAME_FIGURE.get(f.lower(), f.lower()) for f in figs)


def _hunks(tokens: list[TokenOp]) -> list[tuple[int, str, str]]:
    """(index of the hunk's first op, removed text, added text) for each run of changes."""
    out: list[tuple[int, str, str]] = []
    start, r, a = -1, "", ""
    for k, (op, text) in enumerate(tokens):
        if op == "=":
            if start >= 0:
                out.append((start, r, a))
            start, r, a = -1, "", ""
            continue
        if start < 0:
            start = k
        if op == "-":
            r += text
        else:
            a += text
    if start >= 0:
        out.append((start, r, a))
    return out


def first_words(*texts: str | None) -> set[str]:
    """The first word of every sentence in ``texts`` (capitalised for grammar, not as a name)."""
    return {
        m.group(1)
        for t in texts
        if t
        for s in split_sentences(t)
        for m in [re.match(r"\W*(\w+)", s)]
        if m
    }


def changed_names(
    removed: str, added: str, firsts: set[str], ctx: ArticleContext, headline: bool
) -> list[str] | None:
    """The capitalised words of a hunk when it is a name change (most changed words are names),
    else None. Headlines are often in title case: there only words the body also writes with a
    capital mid-sentence count as names."""
    ws = re.findall(r"\w[\w’'-]*", removed + " " + added)
    caps = [w for w in ws if w[0].isupper() and w not in firsts]
    if headline:
        caps = [w for w in caps if re.sub(r"['’]s$", "", w.lower()) in ctx.proper]
    return caps if caps and len(caps) * 2 >= len(ws) else None


def _hunk_class(
    removed: str,
    added: str,
    quoted: bool,
    figures_differ: bool,
    sentence: tuple[str, str],
    ctx: ArticleContext,
    headline: bool,
) -> str:
    if fold_quote_style(removed) == fold_quote_style(added):
        return "quote_style"
    if strip_punctuation(removed) == strip_punctuation(added):
        return "punctuation"
    if figures_differ and any(f.lower() not in SAME_FIGURE for f in figures(removed + " " + added)):
        return "number"  # ('both' alone, as in 'both parties', is not a figure)
    if quoted:
        return "quote"
    old, new = sentence
    if is_typo(removed, added, ctx, old, new):
        return "typo"
    firsts = first_words(*sentence)
    if changed_names(removed, added, firsts, ctx, headline):
        return "name"
    return "wording"


def classify_edit(
    old: str,
    new: str,
    tokens: list[TokenOp],
    ctx: ArticleContext,
    depth: tuple[int, int] = (0, 0),
    headline: bool = False,
) -> tuple[list[str], list[str]]:
    """Classes and human details of one edited sentence (or headline): each run of changed
    words is named on its own (a typo fix and a changed figure in one sentence are two things).
    ``depth`` is the quotation depth at the start of the old and new sentence."""
    if fold_quote_style(old) == fold_quote_style(new):
        return ["quote_style"], []
    if strip_punctuation(old) == strip_punctuation(new):
        return ["punctuation"], []
    in_old = inside_quotes(tokens, "-", depth[0])
    in_new = inside_quotes(tokens, "+", depth[1])
    old_figs, new_figs = figures(old), figures(new)
    figures_differ = _keys(old_figs) != _keys(new_figs)  # a figure moved is not a change
    classes: set[str] = set()
    details: list[str] = []
    for start, removed, added in _hunks(tokens):
        span = range(start, start + (2 if removed and added else 1))
        quoted = any(in_old[k] or in_new[k] for k in span if k < len(tokens))
        cls = _hunk_class(removed, added, quoted, figures_differ, (old, new), ctx, headline)
        if cls in ("quote_style", "punctuation") and re.search(r"\w", removed + added):
            cls = "wording"
        classes.add(cls)
        if cls == "typo":
            details.append(f"typo: {removed.strip()} → {added.strip()}")
    if "number" in classes:
        changed_old = [n for n in old_figs if n not in new_figs]
        changed_new = [n for n in new_figs if n not in old_figs]
        details.insert(
            0, f"number: {', '.join(changed_old) or '—'} → {', '.join(changed_new) or '—'}"
        )
    return sorted(classes), details


def note_kind(text: str | None) -> str | None:
    """'correction' or 'update_note' when a sentence is one, else None."""
    if not text:
        return None
    if CORRECTION.search(text):
        return "correction"
    if UPDATE_NOTE.search(text):
        return "update_note"
    return None


def classify_item(item: Item, ctx: ArticleContext) -> None:
    """Fill ``item.classes`` and ``item.details`` in place."""
    if item.op == "equal":
        item.classes = []
        return
    note = note_kind(item.new_text) if item.op in ("added", "edited", "moved") else None
    if item.op == "added":
        item.classes = [note or "sentence_added"]
        return
    if item.op == "removed":
        item.classes = ["sentence_removed"]
        return
    depth = (ctx.old_depth.get(item.old or (0, 0), 0), ctx.new_depth.get(item.new or (0, 0), 0))
    if note == "update_note" and note_kind(item.old_text) == "update_note":
        # a re-stamped update note ('Updated at 5:32 p.m.' → '7:10 p.m.') is the note alone
        item.classes, item.details = ["update_note"], []
        return
    extra: list[str] = []
    if item.tokens or item.op == "edited":
        extra, item.details = classify_edit(
            item.old_text or "", item.new_text or "", item.tokens, ctx, depth
        )
    if item.op == "moved":
        extra = ["moved", *extra]
    item.classes = sorted({*extra, *([note] if note else [])})


def is_cosmetic(classes: list[str]) -> bool:
    return bool(classes) and all(c in COSMETIC for c in classes)
