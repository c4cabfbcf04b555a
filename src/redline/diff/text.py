"""Splitting text into sentences and tokens, exactly: joining the pieces gives the text back.

The sentence splitter is a small rule-based one rather than pysbd: it is about 50x faster on
news prose (measured in benchmarks/bench_diff.py) and handles what news text needs — honorifics
and titles ('Mr.', 'Sen.'), month abbreviations ('Jan.'), initialisms ('U.S.', 'U.N.'),
initials ('Robert E. Lighthizer'), decimals and closing quotes after the full stop.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sen",
        "rep",
        "gov",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "maj",
        "rev",
        "hon",
        "pres",
        "supt",
        "det",
        "insp",
        "st",
        "ave",
        "blvd",
        "rd",
        "mt",
        "ft",
        "jr",
        "sr",
        "inc",
        "co",
        "corp",
        "ltd",
        "llc",
        "bros",
        "dept",
        "univ",
        "assn",
        "est",
        "approx",
        "fig",
        "no",
        "nos",
        "vol",
        "vs",
        "etc",
        "al",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "a.m",
        "p.m",
    ]
)
# A sentence ends at . ! ? (or …) plus closing quotes/brackets, then whitespace, then something
# that can start a sentence.
_BOUNDARY = re.compile(r"""([.!?…]+["'”’»)\]]*)(\s+)(?=["'“‘«(\[]?[A-Z0-9À-ÖØ-Þ])""")
_CJK_BOUNDARY = re.compile(r"([。！？]+[」』”’）]*)")
_TOKEN = re.compile(r"\s+|[$€£¥]?\d(?:[\d,.]*\d)?%?|\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)


def _is_abbreviation(text_before: str) -> bool:
    word = re.search(r"([\w.]+)\.$", text_before)
    if not word:
        return False
    w = word.group(1).lower()
    if w in ABBREVIATIONS:
        return True
    if len(w) == 1 and w.isalpha():
        return True  # an initial: 'Robert E. Lighthizer'
    return bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", w))  # U.S, U.N, a.m


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph, each with its trailing whitespace, so ''.join() == paragraph."""
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(paragraph):
        end_punct = m.group(1)
        if (
            end_punct.startswith(".")
            and len(end_punct.rstrip("\"'”’»)]")) == 1
            and _is_abbreviation(paragraph[start : m.end(1)].rstrip("\"'”’»)]"))
        ):
            continue
        cut = m.end(2)
        out.append(paragraph[start:cut])
        start = cut
    out.append(paragraph[start:])
    pieces = [s for s in out if s]
    if len(pieces) == 1 and _CJK_BOUNDARY.search(paragraph):
        parts = _CJK_BOUNDARY.split(paragraph)
        pieces = ["".join(parts[i : i + 2]) for i in range(0, len(parts), 2)]
        pieces = [p for p in pieces if p]
    return pieces or [paragraph]


def tokenize(text: str) -> list[str]:
    """Words, numbers (with currency, separators and %), whitespace, and every punctuation mark
    or quote as its own token. ''.join(tokenize(t)) == t."""
    return _TOKEN.findall(text)


QUOTE_STYLE = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'",
                             "‚": "'", "—": "-", "–": "-", "‐": "-", "‑": "-", "…": "..."})  # fmt: skip


def fold_quote_style(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(QUOTE_STYLE)).strip()


def strip_punctuation(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
