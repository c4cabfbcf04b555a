"""Diff engine speed, and the sequence-alignment libraries it could be built on.

    .venv/bin/pip install -e '.[bench]'   # diff-match-patch builds, for the comparison
    .venv/bin/python benchmarks/bench_diff.py

Pairs are realistic: newsroom prose with a handful of edits (a typo, a figure, a reworded
sentence, an added paragraph). Times are the median of repeated runs on this machine. Both
tables print as Markdown (docs/diff.md quotes them). The difflib word-level run on the 20,000-word
pair takes over a minute by itself.
"""

from __future__ import annotations

import difflib
import statistics
import time
from collections.abc import Callable

from redline.diff import DocVersion, compare
from redline.diff.align import sentences
from redline.diff.text import tokenize
from redline.testing.newsroom.content import make_article


def make_pair(words: int) -> tuple[DocVersion, DocVersion]:
    paragraphs: list[str] = []
    i = 0
    while sum(len(p.split()) for p in paragraphs) < words:
        paragraphs += make_article(i, seed=5)[1]
        i += 1
    new = list(paragraphs)
    n = len(new)
    new[n // 5] = new[n // 5].replace("said", "siad", 1)
    new[n // 2] = new[n // 2] + " The final figure was $27.6 billion, officials said."
    new[(3 * n) // 4] = new[(3 * n) // 4].replace("the", "a", 2)
    new.insert(
        n // 3, "“We have much work to do,” the minister said in a statement after the meeting."
    )
    return DocVersion("Budget talks", paragraphs=tuple(paragraphs)), DocVersion(
        "Budget talks resume", paragraphs=tuple(new)
    )


def timeit(fn: Callable[[], object], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def as_chars(a: list[str], b: list[str]) -> tuple[str, str]:
    """diff-match-patch's lines-to-chars trick: each distinct token becomes one character, so a
    character diff of the encoded strings is a token diff (like-for-like with the others)."""
    codes: dict[str, str] = {}

    def enc(tokens: list[str]) -> str:
        out = []
        for t in tokens:
            c = codes.get(t)
            if c is None:
                n = len(codes) + 0x100
                c = codes[t] = chr(n if n < 0xD800 else n + 0x800)  # skip surrogates
                assert n < 0x10FFFF - 0x800
            out.append(c)
        return "".join(out)

    return enc(a), enc(b)


def library_rows(a: list[str], b: list[str]) -> dict[str, Callable[[], object]]:
    """The same token sequences (sentences or word tokens) aligned by each library."""
    from rapidfuzz.distance import Indel

    try:
        import diff_match_patch
        import fast_diff_match_patch
    except ImportError:
        raise SystemExit(
            "for the library comparison: .venv/bin/pip install -e '.[bench]'"
        ) from None
    dmp = diff_match_patch.diff_match_patch()
    dmp.Diff_Timeout = 0
    ca, cb = as_chars(a, b)
    ids: dict[str, int] = {}
    ia = [ids.setdefault(t, len(ids)) for t in a]
    ib = [ids.setdefault(t, len(ids)) for t in b]
    return {
        "difflib SequenceMatcher": lambda: difflib.SequenceMatcher(
            None, a, b, autojunk=False
        ).get_opcodes(),
        "rapidfuzz Indel.opcodes (chosen)": lambda: Indel.opcodes(ia, ib),
        "diff-match-patch, Python": lambda: dmp.diff_main(ca, cb, False),
        "diff-match-patch, C++ (fast-diff-match-patch)": lambda: fast_diff_match_patch.diff(
            ca, cb, timelimit=0, checklines=False, cleanup="No"
        ),
    }


def main() -> None:
    print("redline.diff.compare (align + classify + score + summary):\n")
    print("| words | compare() | per word |\n|---:|---:|---:|")
    for words in (1_000, 2_500, 5_000, 10_000, 20_000, 40_000):
        old, new = make_pair(words)
        ms = timeit(lambda old=old, new=new: compare(old, new), repeat=5 if words > 10_000 else 9)
        real = sum(len(p.split()) for p in old.paragraphs)
        print(f"| {real:,} | {ms:.2f} ms | {ms / real * 1000:.2f} µs |")

    print("\nThe same token sequences aligned by each library (median ms; like-for-like: every")
    print("library gets the sentence list or the word-token list; diff-match-patch gets them")
    print("through its lines-to-chars encoding, one character per distinct token):\n")
    cases: list[tuple[str, list[str], list[str]]] = []
    for words in (1_000, 20_000):
        old, new = make_pair(words)
        sa = [s.text for s in sentences(old.paragraphs)]
        sb = [s.text for s in sentences(new.paragraphs)]
        wa, wb = tokenize("\n\n".join(old.paragraphs)), tokenize("\n\n".join(new.paragraphs))
        label = f"{words // 1000}k"
        cases += [
            (f"{label} words: {len(sa):,} sentences", sa, sb),
            (f"{label} words: {len(wa):,} word tokens", wa, wb),
        ]
    header = [c[0] for c in cases]
    print("| library | " + " | ".join(header) + " |")
    print("|---|" + "---:|" * len(header))
    results: dict[str, list[float]] = {}
    for _label, a, b in cases:
        for name, fn in library_rows(a, b).items():
            slow = len(a) > 5000 and name.startswith("difflib")  # ~80 s a run
            results.setdefault(name, []).append(timeit(fn, repeat=1 if slow else 5))
    for name, times in results.items():
        print(f"| {name} | " + " | ".join(f"{t:,.2f}" for t in times) + " |")


if __name__ == "__main__":
    main()
