"""Naming each change: pure rules over an aligned item and its word diff."""

from __future__ import annotations

import re

from rapidfuzz.distance import OSA

from redline.diff.model import COSMETIC, Item, TokenOp
from redline.diff.text import fold_quote_style, strip_punctuation, tokenize

CORRECTION = re.compile(
    r"^\s*(?:correction|clarification|editor['’]s note|editors['’] note|an earlier version of this"
    r"|this (?:article|story) (?:has been corrected|was corrected|previously)|a previous version of this)",
    re.IGNORECASE,
)
UPDATE_NOTE = re.compile(
    r"^\s*(?:updated?(?: at| on)?\b|this (?:article|story|post) (?:has been|was|is being) updated"
    r"|update\s*[:—-]|last updated|\(?updated\b)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d")
_NUMBER_WORDS = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty"
    r"|hundred|thousand|million|billion|trillion|percent|dozen|half)\b",
    re.IGNORECASE,
)
_QUOTES_OPEN = '"“‘«„'
_QUOTES_CLOSE = '"”’»'


def _inside_quotes(tokens: list[TokenOp], side: str) -> list[bool]:
    """For each token op on one side (old '-' or new '+'), whether it sits inside quotation marks."""
    depth = 0
    flags = []
    for op, text in tokens:
        if op not in ("=", side):
            flags.append(False)
            continue
        inside = depth > 0
        for tok in tokenize(text):
            if tok in ("“", "«", "„") or (tok == '"' and depth == 0):
                depth += 1
            elif tok in ("”", "»") or (tok == '"' and depth > 0):
                depth = max(depth - 1, 0)
            inside = inside or depth > 0
        flags.append(inside)
    return flags


def _numbers(text: str) -> list[str]:
    return re.findall(r"[$€£¥]?\d+(?:[.,]\d+)*%?(?:\s+(?:million|billion|trillion|percent))?", text)


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


def _is_typo(removed: str, added: str) -> bool:
    old_words, new_words = re.findall(r"\w+", removed), re.findall(r"\w+", added)
    if len(old_words) != 1 or len(new_words) != 1:
        return False
    o, n = old_words[0], new_words[0]
    if _NUMBER.search(o + n) or o[0].isupper() != n[0].isupper():
        return False
    distance = OSA.distance(o.lower(), n.lower())
    shortest = min(len(o), len(n))
    # 'in'/'on' or 'has'/'had' are different words, not misspellings
    return (distance == 1 and shortest >= 4) or (distance == 2 and shortest >= 8)


def _hunk_class(
    removed: str, added: str, quoted: bool, first_word: str | None, same_numbers: bool
) -> str:
    if fold_quote_style(removed) == fold_quote_style(added):
        return "quote_style"
    if strip_punctuation(removed) == strip_punctuation(added):
        return "punctuation"
    if _NUMBER.search(removed + added) and not same_numbers:
        return "number"
    if _is_typo(removed, added):
        return "typo"
    if quoted:
        return "quote"
    words = [w for w in re.findall(r"\w[\w’'-]*", removed + " " + added)]
    caps = [w for w in words if w[0].isupper() and w != first_word]
    if caps and len(caps) * 2 >= len(words):
        return "name"
    return "wording"


def classify_edit(old: str, new: str, tokens: list[TokenOp]) -> tuple[list[str], list[str]]:
    """Classes and human details of one edited sentence (or headline): each run of changed
    words is named on its own (a typo fix and a changed figure in one sentence are two things)."""
    if fold_quote_style(old) == fold_quote_style(new):
        return ["quote_style"], []
    if strip_punctuation(old) == strip_punctuation(new):
        return ["punctuation"], []
    in_old = _inside_quotes(tokens, "-")
    in_new = _inside_quotes(tokens, "+")
    first = re.match(r"\W*(\w+)", new)
    same_numbers = sorted(_numbers(old)) == sorted(_numbers(new))  # a figure moved, not changed
    classes: set[str] = set()
    details: list[str] = []
    for start, removed, added in _hunks(tokens):
        span = range(start, start + (2 if removed and added else 1))
        quoted = any(in_old[k] or in_new[k] for k in span if k < len(tokens))
        cls = _hunk_class(removed, added, quoted, first.group(1) if first else None, same_numbers)
        if cls in ("quote_style", "punctuation") and re.search(r"\w", removed + added):
            cls = "wording"
        classes.add(cls)
        if cls == "typo":
            details.append(f"typo: {removed.strip()} → {added.strip()}")
    if "number" in classes:
        old_n, new_n = _numbers(old), _numbers(new)
        changed_old = [n for n in old_n if n not in new_n]
        changed_new = [n for n in new_n if n not in old_n]
        details.insert(
            0, f"number: {', '.join(changed_old) or '—'} → {', '.join(changed_new) or '—'}"
        )
    return sorted(classes), details


def classify_item(item: Item) -> None:
    """Fill ``item.classes`` and ``item.details`` in place."""
    if item.op == "equal":
        item.classes = []
        return
    notes: list[str] = []
    if item.op in ("added", "edited", "moved") and item.new_text:
        if CORRECTION.search(item.new_text):
            notes.append("correction")
        elif UPDATE_NOTE.search(item.new_text):
            notes.append("update_note")
    if item.op == "added":
        item.classes = notes or ["sentence_added"]
    elif item.op == "removed":
        item.classes = ["sentence_removed"]
    elif item.op == "moved":
        extra: list[str] = []
        if item.tokens:
            extra, item.details = classify_edit(
                item.old_text or "", item.new_text or "", item.tokens
            )
        item.classes = sorted({"moved", *extra})
    else:
        classes, item.details = classify_edit(item.old_text or "", item.new_text or "", item.tokens)
        item.classes = sorted({*classes, *notes})


def is_cosmetic(classes: list[str]) -> bool:
    return bool(classes) and all(c in COSMETIC for c in classes)
