"""Splitting text into sentences and tokens, exactly: joining the pieces gives the text back.

The sentence splitter is a small rule-based one rather than pysbd: it is about 50x faster on
news prose (measured in benchmarks/bench_diff.py) and handles what news text needs — honorifics
and titles ('Mr.', 'Sen.'), month abbreviations ('Jan.'), initialisms ('U.S.', 'U.N.'),
initials ('Robert E. Lighthizer'), decimals and closing quotes after the full stop.
"""

from __future__ import annotations

import re


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Abbreviations that never end a sentence: honorifics and titles come before a name.
TITLES = _set(
    "mr mrs ms dr prof sen rep gov gen col lt sgt capt cmdr adm maj rev hon pres supt det insp"
    " st mt ft ave blvd rd dept univ assn approx fig vol vs"
)
# Abbreviations that usually sit inside a sentence but may end one ('Acme Inc. The company...').
SUFFIXES = _set("jr sr inc co corp ltd llc bros est etc al nos")
# Month and weekday abbreviations count only when capitalised ('Jan. 5', 'Sat.'); 'the sun.' or
# 'He sat.' end sentences.
CALENDAR = _set(
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun"
)
# Words that commonly open a sentence: after an initialism ('U.S.'), a time ('5 p.m.'), an
# initial or roman numeral ('World War I.') or a company suffix, one of these means a new sentence.
SENTENCE_STARTERS = _set(
    "He She It They We I You The A An This That These Those There Here Then But And Or So Yet"
    " Still Later Now Many Most Some Several Few His Her Its Their Our My Your In On At After"
    " Before When While Since If As Although However Meanwhile Officials Police Both Neither"
    " Earlier Last Next Other Another No"
)
# A sentence ends at . ! ? (or …) plus closing quotes/brackets, then whitespace, then something
# that can start a sentence.
_BOUNDARY = re.compile(r"""([.!?…]+["'”’»)\]]*)(\s+)(?=["'“‘«(\[]?[A-Z0-9À-ÖØ-Þ])""")
_CJK_BOUNDARY = re.compile(r"([。！？]+[」』”’）]*)")
# Han ideographs and Japanese kana: written without spaces, so each character is one token.
CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
CJK = re.compile(f"[{CJK_CHARS}]")
_TOKEN = re.compile(
    rf"\s+|[$€£¥]?\d(?:[\d,.]*\d)?%?|[{CJK_CHARS}]|(?:(?![{CJK_CHARS}])\w)+(?:['’](?:(?![{CJK_CHARS}])\w)+)*|[^\w\s]",
    re.UNICODE,
)
_NEXT_WORD = re.compile(r"""["'“‘«(\[]?([\w’']+)""")


def _ends_abbreviation(text_before: str, text_after: str) -> bool:
    """Whether the full stop ending ``text_before`` belongs to an abbreviation (no sentence end),
    judged by the abbreviation and by the word that follows."""
    word = re.search(r"([\w.]+)\.$", text_before)
    if not word:
        return False
    raw = word.group(1)
    w = raw.lower()
    nxt_m = _NEXT_WORD.match(text_after)
    nxt = nxt_m.group(1) if nxt_m else ""
    starter = nxt in SENTENCE_STARTERS
    if w in TITLES:
        return True
    if raw in CALENDAR:
        return not starter
    if w in ("no", "nos"):
        return nxt[:1].isdigit()  # 'No. 5' but 'She said no. Then...'
    if w in SUFFIXES:
        return not starter
    if len(w) == 1 and w.isalpha():
        return not starter  # an initial ('Robert E. Lighthizer'), not 'World War I. Many...'
    if w in ("a.m", "p.m") or re.fullmatch(r"(?:[a-z]\.)+[a-z]", w):
        return not starter  # 'U.S. envoy', but 'in the U.S. He...' and 'at 5 p.m. The...'
    return False


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph, each with its trailing whitespace, so ''.join() == paragraph."""
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(paragraph):
        end_punct = m.group(1)
        if (
            end_punct.startswith(".")
            and len(end_punct.rstrip("\"'”’»)]")) == 1
            and _ends_abbreviation(
                paragraph[start : m.end(1)].rstrip("\"'”’»)]"), paragraph[m.end(2) :]
            )
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
    """Words, numbers (with currency, separators and %), whitespace, every punctuation mark or
    quote, and every Han or kana character as its own token. ''.join(tokenize(t)) == t."""
    return _TOKEN.findall(text)


QUOTE_STYLE = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "—": "-",
        "–": "-",
        "‐": "-",
        "‑": "-",
        "…": "...",
    }
)


def fold_quote_style(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(QUOTE_STYLE)).strip()


def strip_punctuation(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
