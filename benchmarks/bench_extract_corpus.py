"""Extraction quality on real pages: Redline's cascade beside trafilatura's plain extract().

    .venv/bin/python benchmarks/bench_extract_corpus.py [CORPUS_DIR] [--pages N] [--show-worst 10]

CORPUS_DIR defaults to ../shared/corpus/newspaper-2014 (157 pages saved from 80 sites in 2014,
with reference body texts). Body score: word 4-gram shingle precision / recall / F1 against the
reference text, per page, then averaged (a page with no output scores 0). Title accuracy:
normalised exact match against the page's own title evidence (the <h1> when the <title> tag
contains it, otherwise the <title> tag minus a trailing site name); there are no reference titles
in this corpus, so this measures choosing the headline rather than the site-wide page title.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

import trafilatura
from selectolax.lexbor import LexborHTMLParser

from redline.errors import ExtractionError
from redline.extract import extract
from redline.extract.decode import decode_html

REPO = Path(__file__).resolve().parents[1]
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = _WORD.findall(unicodedata.normalize("NFC", text).lower())
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def prf(candidate: str, reference: str) -> tuple[float, float, float]:
    c, r = shingles(candidate), shingles(reference)
    if not c or not r:
        return 0.0, 0.0, 0.0
    inter = len(c & r)
    p, rec = inter / len(c), inter / len(r)
    return p, rec, (2 * p * rec / (p + rec) if p + rec else 0.0)


def usable_reference(ref: str) -> bool:
    """Some reference texts are an annotator's note ('MISSED ENTIRE ARTICLE BECAUSE IT'S LOADED
    DYNAMICALLY BY JAVASCRIPT') or a newsletter blurb, not an article body: scoring against them
    measures nothing, so they are left out (and counted)."""
    words = _WORD.findall(ref)
    if len(words) < 50:
        return False
    letters = [c for c in ref if c.isalpha()]
    return sum(c.isupper() for c in letters) / max(1, len(letters)) < 0.5


def norm_title(t: str | None) -> str:
    return " ".join(_WORD.findall((t or "").lower()))


def title_evidence(html: str) -> str:
    tree = LexborHTMLParser(html)
    title = tree.css_first("title")
    t = title.text(deep=True).strip() if title is not None else ""
    h1 = tree.css_first("h1")
    h = h1.text(deep=True).strip() if h1 is not None else ""
    if h and norm_title(h) and norm_title(h) in norm_title(t):
        return h
    og = tree.css_first('meta[property="og:title"]')
    if og is not None and (og.attributes.get("content") or "").strip():
        return og.attributes.get("content") or ""
    # the <title> minus a trailing " | Site" / " - Site" (independent of Redline's own rule)
    parts = re.split(r"\s+[|\u2013\u2014-]\s+", t)
    return max(parts, key=len) if parts else t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shared = next((p / "shared" for p in REPO.parents if (p / "shared" / "corpus").is_dir()), None)
    ap.add_argument(
        "corpus",
        nargs="?",
        default=str((shared or REPO.parent / "shared") / "corpus" / "newspaper-2014"),
    )
    ap.add_argument("--pages", type=int, default=0, help="only the first N pages (0: all)")
    ap.add_argument("--show-worst", type=int, default=10)
    ap.add_argument("--show-titles", action="store_true", help="list pages whose title missed")
    args = ap.parse_args()
    root = Path(args.corpus)
    pairs = sorted(
        (h, root / "text" / (h.stem + ".txt"))
        for h in (root / "html").glob("*.html")
        if (root / "text" / (h.stem + ".txt")).exists()
    )
    if args.pages:
        pairs = pairs[: args.pages]
    if not pairs:
        sys.exit(f"no pages with reference texts under {root}")
    rows = []
    excluded: list[str] = []
    t_ours = t_traf = 0.0
    for html_path, text_path in pairs:
        ref = text_path.read_text(encoding="utf-8", errors="replace")
        if not usable_reference(ref):
            excluded.append(html_path.stem)
            continue
        html = decode_html(html_path.read_bytes())
        t0 = time.perf_counter()
        try:
            ext = extract(html)
            ours, our_title = ext.text, ext.title
        except ExtractionError:
            ours, our_title = "", ""
        t1 = time.perf_counter()
        traf = trafilatura.extract(html) or ""
        t2 = time.perf_counter()
        meta = trafilatura.extract_metadata(html)
        traf_title = meta.title if meta is not None else ""
        t_ours += t1 - t0
        t_traf += t2 - t1
        evidence = norm_title(title_evidence(html))
        rows.append(
            {
                "page": html_path.stem,
                "ours": prf(ours, ref),
                "traf": prf(traf, ref),
                "title_ok": bool(evidence) and norm_title(our_title) == evidence,
                "traf_title_ok": bool(evidence) and norm_title(traf_title) == evidence,
                "titles": (evidence, norm_title(our_title), norm_title(traf_title)),
            }
        )

    def mean(key: str, i: int) -> float:
        return statistics.fmean(r[key][i] for r in rows)

    print(f"pages scored: {len(rows)} (corpus {root})")
    if excluded:
        print(f"left out {len(excluded)} pages whose reference is a note or under 50 words")
    print(f"{'':24}{'precision':>10}{'recall':>10}{'F1':>10}{'title acc':>11}{'ms/page':>10}")
    for label, key, tkey, t in (
        ("redline extract()", "ours", "title_ok", t_ours),
        ("trafilatura.extract()", "traf", "traf_title_ok", t_traf),
    ):
        acc = sum(r[tkey] for r in rows) / len(rows)
        print(
            f"{label:24}{mean(key, 0):10.3f}{mean(key, 1):10.3f}{mean(key, 2):10.3f}{acc:11.3f}{t * 1000 / len(rows):10.1f}"
        )
    better = sum(1 for r in rows if r["ours"][2] > r["traf"][2] + 0.01)
    worse = sum(1 for r in rows if r["ours"][2] < r["traf"][2] - 0.01)
    print(
        f"per page: redline better on {better}, worse on {worse}, same on {len(rows) - better - worse}"
    )
    if args.show_worst:
        print("\nlowest redline F1:")
        for r in sorted(rows, key=lambda r: r["ours"][2])[: args.show_worst]:
            print(f"  {r['page']:32} F1 {r['ours'][2]:.3f}  (trafilatura {r['traf'][2]:.3f})")
    if args.show_titles:
        print("\ntitle misses (evidence | redline | trafilatura):")
        for r in rows:
            if not r["title_ok"]:
                print(
                    f"  {r['page']:28} {r['titles'][0]!r} | {r['titles'][1]!r} | {r['titles'][2]!r}"
                )


if __name__ == "__main__":
    main()
