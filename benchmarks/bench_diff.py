"""Diff engine speed, and the sequence-alignment libraries it could be built on.

    .venv/bin/pip install -e '.[bench]'   # diff-match-patch builds, for the comparison
    .venv/bin/python benchmarks/bench_diff.py

Pairs are realistic: newsroom prose with a handful of edits (a typo, a figure, a reworded
sentence, an added paragraph). Times are the median of repeated runs on this machine.
"""

from __future__ import annotations

import difflib
import statistics
import time
from collections.abc import Callable

from redline.diff import DocVersion, compare
from redline.diff.align import sentences
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


def main() -> None:
    print("redline.diff.compare (align + classify + score + summary):")
    for words in (1_000, 2_500, 5_000, 10_000, 20_000, 40_000):
        old, new = make_pair(words)
        ms = timeit(lambda old=old, new=new: compare(old, new), repeat=5 if words > 10_000 else 9)
        real = sum(len(p.split()) for p in old.paragraphs)
        print(f"  {real:>6} words  {ms:8.2f} ms   ({ms / real * 1000:.2f} µs/word)")

    from rapidfuzz.distance import Indel

    try:
        import diff_match_patch
        import fast_diff_match_patch
    except ImportError:
        raise SystemExit(
            "for the library comparison: .venv/bin/pip install -e '.[bench]'"
        ) from None

    print("\ncore alignment of the same 20,000-word pair, by library:")
    old, new = make_pair(20_000)
    a = [s.text for s in sentences(old.paragraphs)]
    b = [s.text for s in sentences(new.paragraphs)]
    ta, tb = "\n".join(old.paragraphs), "\n".join(new.paragraphs)
    dmp = diff_match_patch.diff_match_patch()
    dmp.Diff_Timeout = 0
    rows = [
        (
            "difflib.SequenceMatcher on sentences",
            lambda: difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes(),
        ),
        ("rapidfuzz Indel.opcodes on sentences (chosen)", lambda: Indel.opcodes(a, b)),
        (
            "fast-diff-match-patch (C++) on characters",
            lambda: fast_diff_match_patch.diff(ta, tb, timelimit=0),
        ),
        ("diff-match-patch (Python) on characters", lambda: dmp.diff_main(ta, tb)),
        (
            "difflib.SequenceMatcher on words",
            lambda: difflib.SequenceMatcher(
                None, ta.split(), tb.split(), autojunk=False
            ).get_opcodes(),
        ),
    ]
    for label, fn in rows:
        print(f"  {label:<48} {timeit(fn, repeat=3):9.2f} ms")


if __name__ == "__main__":
    main()
