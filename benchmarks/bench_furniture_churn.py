"""Furniture churn on real pages: does the stored body change when only furniture changes?

    .venv/bin/python benchmarks/bench_furniture_churn.py [CORPUS_DIR] [--pages N] [--show 10]
    .venv/bin/python benchmarks/bench_furniture_churn.py --leaks [EVAL_DIR] [--pages N] [--half dev]

On ../shared/corpus/newspaper-2014 (real pages with reference texts) each page is rebuilt three
ways, the way a real site changes between two fetches of an unchanged (or edited) article:

(a) links: every link whose text is not part of the reference text gets another text, drawn from
    a pool of the other pages' headlines and link texts (related teasers, "Read more" lines,
    hover cards and follow links rotate like this on every fetch);
(b) outside: every text node outside the article container (the element holding most of the
    reference text) is rewritten with words from other pages; <title>, <h1> and any text of the
    <title> are left alone (the headline, not furniture), and so is a dateline the reference
    text opens a paragraph with;
(c) edit: one reference sentence found in the page is edited (a number + 1, else one word
    swapped for another), in every copy of it in the page.

Both the page and its variants go through the same lxml parse and serialisation, so markup
round-tripping alone never counts. Figures, side by side: (a), (b) share of pages whose stored
body changed, i.e. false versions; (c) share whose edit was missed (body unchanged). Rows:

- "redline stored": what the checker stores on the second fetch. The variant is extracted, and
  when its paragraphs differ from the first fetch's, the checker's own decision
  (furniture.compare.only_furniture: rotating, link-dense or teaser blocks while the rest is
  stable) says whether that is a new version. No learned rules: a source seen for the first time.
- "redline extract()": the paragraphs extraction alone returns (before that decision);
- "trafilatura.extract()": its text.

--leaks runs on ../shared/corpus/trafilatura-eval instead: share of `without` snippets
(navigation, share and follow lines, related links, ...) found in the body, and share of `with`
snippets (main text) missing from it. `--half dev|test` splits the pages in two by a hash of the
file name: phrases for the phrase table are read off leaks of the `dev` half only, so the `test`
half measures how well they carry to pages nobody looked at.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import hashlib
import json
import random
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import lxml.html
import trafilatura
from lxml import etree

from redline.errors import ExtractionError
from redline.extract import extract
from redline.extract.decode import decode_html
from redline.extract.model import DropReason, Extraction, ExtractRules
from redline.furniture.compare import Body, only_furniture
from redline.furniture.policy import (
    FurniturePolicy,
    RuleKind,
    active_texts,
    template_blocks,
    usable_titles,
)
from redline.furniture.slots import new_slots

REPO = Path(__file__).resolve().parents[1]
# ../shared/corpus beside the main checkout (a worktree sits one level deeper)
CORPUS = next(
    (p / "shared" / "corpus" for p in REPO.parents if (p / "shared" / "corpus").is_dir()),
    REPO.parent / "shared" / "corpus",
)
_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.,])\d{1,6}(?![\w.,]\d)")
_SKIP = {"script", "style", "noscript", "title", "h1", "template"}


def norm(text: str) -> str:
    return " ".join(_WORD.findall(unicodedata.normalize("NFC", text).casefold()))


def usable_reference(ref: str) -> bool:
    """As bench_extract_corpus: notes and blurbs under 50 words are not article bodies."""
    words = _WORD.findall(ref)
    if len(words) < 50:
        return False
    letters = [c for c in ref if c.isalpha()]
    return sum(c.isupper() for c in letters) / max(1, len(letters)) < 0.5


def page_urls(root: Path) -> dict[str, str]:
    """html stem -> URL: the n-th URL of a domain in fulltext_url_list.txt is <domain><n>."""
    urls = [u.strip() for u in (root / "fulltext_url_list.txt").read_text().splitlines()]
    doms = [d.strip() for d in (root / "fulltext_domain_list.txt").read_text().splitlines()]
    seen: dict[str, int] = {}
    out = {}
    for u in filter(None, urls):
        host = urlparse(u).netloc.lower()
        match = [d for d in doms if d and (host == d or host.endswith("." + d))]
        if not match:
            continue
        d = max(match, key=len)
        seen[d] = seen.get(d, 0) + 1
        out[f"{d}{seen[d]}"] = u
    return out


def parse(html: str) -> etree._Element | None:
    try:
        html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def serialise(doc: etree._Element) -> str:
    return lxml.html.tostring(doc, encoding="unicode", method="html")


def _visible(el: etree._Element) -> bool:
    return all(
        not isinstance(a.tag, str) or a.tag.lower() not in _SKIP for a in el.iterancestors()
    ) and (not isinstance(el.tag, str) or el.tag.lower() not in _SKIP)


def text_slots(doc: etree._Element) -> list[tuple[etree._Element, str]]:
    """Every visible text node as (element, 'text' | 'tail')."""
    slots = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            if el.tail and el.tail.strip() and _visible(el.getparent()):
                slots.append((el, "tail"))
            continue
        if el.text and el.text.strip() and _visible(el):
            slots.append((el, "text"))
        parent = el.getparent()
        if el.tail and el.tail.strip() and parent is not None and _visible(parent):
            slots.append((el, "tail"))
    return slots


def pool_of(docs: list[etree._Element]) -> tuple[list[str], list[str]]:
    """Headlines and link texts (3+ words), and plain words, from all pages."""
    lines: list[str] = []
    words: list[str] = []
    for doc in docs:
        for el in doc.iter("a", "h1", "h2", "h3", "title"):
            t = " ".join(el.text_content().split())
            if 3 <= len(t.split()) <= 20:
                lines.append(t)
        for el, attr in text_slots(doc)[:400]:
            words.extend(_WORD.findall(getattr(el, attr) or ""))
    return sorted(set(lines)), [w for w in words if w.isalpha()]


def rewrite_links(doc: etree._Element, ref: str, lines: list[str], rng: random.Random) -> int:
    """(a) Links whose text is not in the reference get other pages' headlines."""
    n = 0
    for a in list(doc.iter("a")):
        text = norm(a.text_content())
        if not text or text in ref:
            continue
        first = True
        for el in a.iter():
            if not isinstance(el.tag, str):
                continue
            if el.text and el.text.strip():
                el.text = rng.choice(lines) if first else ""
                first = False
            if el is not a and el.tail and el.tail.strip():
                el.tail = ""
        n += 1
    return n


def container_of(doc: etree._Element, ref: str) -> etree._Element | None:
    """The deepest element holding at least 90 % of the page's reference text."""
    covered: dict[etree._Element, int] = {}
    for el, attr in text_slots(doc):
        t = norm(getattr(el, attr))
        if len(t) < 20 or t not in ref:
            continue
        holder = el if attr == "text" else el.getparent()
        for anc in [holder, *holder.iterancestors()]:
            covered[anc] = covered.get(anc, 0) + len(t)
    if not covered:
        return None
    top = max(covered.values())
    best = None
    for el, c in covered.items():
        if c >= 0.9 * top and (best is None or len(list(el.iterancestors())) > best[0]):
            best = (len(list(el.iterancestors())), el)
    return best[1] if best else None


def scramble(text: str, words: list[str], rng: random.Random) -> str:
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    n = max(1, len(text.split()))
    return lead + " ".join(rng.choice(words) for _ in range(n)) + trail


class Ref(str):
    """A normalised reference text, with the openings of its paragraphs (up to 4 words)."""

    starts: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Ref:
        ref = cls(norm(text))
        starts = set()
        for line in text.splitlines():
            w = norm(line).split()
            starts.update(" ".join(w[:k]) for k in range(1, min(4, len(w)) + 1))
        ref.starts = frozenset(starts)
        return ref


def rewrite_outside(doc: etree._Element, ref: Ref, words: list[str], rng: random.Random) -> int:
    """(b) Every text node outside the article container gets other words, except a dateline
    the reference opens a paragraph with ('JAKARTA' in its own element before the story), and
    the headline where a page puts it in an <h2> (its <h1> is the site's logo)."""
    box = container_of(doc, ref)
    if box is None:
        return 0
    inside = set(box.iter())
    title_el = doc.find(".//title")
    headline = norm(title_el.text_content()) if title_el is not None else ""
    n = 0
    for el, attr in text_slots(doc):
        in_box = el in inside if attr == "text" else (el in inside and el is not box)
        t = norm(getattr(el, attr))
        if in_box or t in ref.starts or (len(t.split()) >= 3 and t in headline):
            continue
        setattr(el, attr, scramble(getattr(el, attr), words, rng))
        n += 1
    return n


def edit_sentence(doc: etree._Element, ref: str, words: list[str], rng: random.Random) -> bool:
    """(c) One reference sentence that sits in one text node: a number + 1, or a word swapped."""
    candidates = []
    for el, attr in text_slots(doc):
        t = getattr(el, attr)
        if len(t.split()) >= 8 and norm(t) in ref:
            candidates.append((el, attr))
    if not candidates:
        return False
    el, attr = rng.choice(candidates)
    t = getattr(el, attr)
    nums = list(_NUMBER.finditer(t))
    if nums:
        m = rng.choice(nums)
        new = t[: m.start()] + str(int(m.group()) + 1) + t[m.end() :]
    else:
        long_words = [m for m in re.finditer(r"[^\W\d_]{4,}", t)]
        if not long_words:
            return False
        m = rng.choice(long_words)
        repl = rng.choice([w for w in words if w.casefold() != m.group().casefold()])
        new = t[: m.start()] + repl + t[m.end() :]
    for el2, attr2 in text_slots(doc):  # the same sentence elsewhere (a copy) changes too
        if getattr(el2, attr2) == t:
            setattr(el2, attr2, new)
    EDITS.append((t, new))
    return True


EDITS: list[tuple[str, str]] = []  # (c) edits, for --diff


def _extraction(html: str, url: str | None, rules: ExtractRules | None = None) -> Extraction | None:
    try:
        return extract(html, url, rules)
    except ExtractionError:
        return None


def redline_body(html: str, url: str | None, *_: object) -> tuple[str, ...]:
    ext = _extraction(html, url)
    return ext.paragraphs if ext else ()


def redline_stored(
    html: str,
    url: str | None,
    first: tuple[str, str] | None = None,
    rules: ExtractRules | None = None,
) -> tuple[str, ...]:
    """The body the checker would hold after fetching ``html`` when ``first`` (page, url) was
    the latest version: the latest version's body again when only furniture differs."""
    ext = _extraction(html, url, rules)
    if first is None or ext is None:
        return ext.paragraphs if ext else ()
    before = _extraction(*first, rules)
    if before is None or before.paragraphs == ext.paragraphs:
        return ext.paragraphs
    same = only_furniture(
        Body("", None, before.paragraphs),  # the body alone: title and byline are fields
        Body("", None, ext.paragraphs),
        rules=rules,
        policy=FurniturePolicy(),
        html=html,
        latest_html=first[0],
    )
    return before.paragraphs if same else ext.paragraphs


def site_of(stem: str) -> str:
    return stem.rstrip("0123456789")


def learned_rules(
    pages: list[tuple[str, str, Ref]], urls: dict[str, str]
) -> dict[str, ExtractRules]:
    """Per page, what Redline would have learned from the first versions of its site's other
    corpus pages (and its own): template blocks, the places they sit in (slots), and the other
    pages' headlines as teasers.

    The corpus holds 2 or 3 pages of a site, so a block counts as template when every page of
    the site has it (the product's threshold, furniture.min_articles, is 3 articles)."""
    firsts: dict[str, Extraction] = {}
    htmls = {stem: html for stem, html, _ in pages}
    for stem, html, _ in pages:
        if (ext := _extraction(html, urls.get(stem))) is not None:
            firsts[stem] = ext
    out = {}
    for stem, _, _ in pages:
        site = [s for s in firsts if site_of(s) == site_of(stem)]
        if len(site) < 2:
            continue
        policy = FurniturePolicy(min_articles=len(site))
        counts: Counter[str] = Counter()
        for s in site:
            counts.update(b.key for b in template_blocks(firsts[s].paragraphs, policy))
        texts = frozenset(active_texts(((RuleKind.TEXT, k, n) for k, n in counts.items()), policy))
        titles = usable_titles(firsts[s].title for s in site if s != stem)
        # where the template texts sat in the site's pages become slot rules (as the checker
        # learns them when a text rule fires)
        slots: set[str] = set()
        for s in site:
            ext = _extraction(htmls[s], urls.get(s), ExtractRules(furniture_texts=texts))
            fired = (
                [d.text for d in ext.dropped if d.reason is DropReason.LEARNED_TEXT] if ext else []
            )
            slots.update(b.key for b in new_slots(htmls[s], fired, frozenset(slots), texts))
        out[stem] = ExtractRules(
            furniture_texts=texts, teaser_titles=titles, slots=frozenset(slots)
        )
    return out


def traf_body(html: str, url: str | None, *_: object) -> tuple[str, ...]:
    return ((trafilatura.extract(html, url=url) or ""),)


# each is called (page, url, first fetch or None, learned rules or None)
LEARNED, STORED = "redline learned", "redline stored"
EXTRACTORS: dict[str, Callable[..., tuple[str, ...]]] = {
    LEARNED: redline_stored,  # with the rules of the site's other pages
    STORED: redline_stored,
    "redline extract()": redline_body,
    "trafilatura.extract()": traf_body,
}


def churn(args: argparse.Namespace) -> None:
    root = Path(args.corpus or CORPUS / "newspaper-2014")
    urls = page_urls(root)
    pages = []
    for h in sorted((root / "html").glob("*.html")):
        t = root / "text" / (h.stem + ".txt")
        if not t.exists():
            continue
        ref = t.read_text(encoding="utf-8", errors="replace")
        if not usable_reference(ref):
            continue
        html = decode_html(h.read_bytes())
        if parse(html) is not None:
            pages.append((h.stem, html, Ref.of(ref)))
    if args.pages:
        pages = pages[: args.pages]
    pool_pages = pages
    if args.only:
        pages = [p for p in pages if p[0] in args.only.split(",")]
    lines, words = pool_of([d for _, html, _ in pool_pages if (d := parse(html)) is not None])
    site_rules = learned_rules(pool_pages, urls)
    counts = {name: {"a": 0, "b": 0, "c": 0} for name in EXTRACTORS}
    seen = {"a": 0, "b": 0, "c": 0}
    bad: dict[str, dict[str, list[str]]] = {n: {"a": [], "b": [], "c": []} for n in EXTRACTORS}
    for i, (stem, html, ref) in enumerate(pages, 1):
        url = urls.get(stem)
        base_doc = parse(html)
        assert base_doc is not None
        base = serialise(base_doc)
        variants = {}
        for kind, fn, pool in (
            ("a", rewrite_links, lines),
            ("b", rewrite_outside, words),
            ("c", edit_sentence, words),
        ):
            doc = parse(base)
            assert doc is not None
            rng = random.Random(f"{args.seed}:{stem}:{kind}")  # each variant its own draw
            if fn(doc, ref, pool, rng):  # type: ignore[operator]
                variants[kind] = serialise(doc)
                seen[kind] += 1
        for name, fx in EXTRACTORS.items():
            rules = site_rules.get(stem) if name == LEARNED else None
            b0 = fx(base, url, None, rules)
            for kind, v in variants.items():
                b1 = fx(v, url, (base, url), rules)
                if (b1 != b0) != (kind == "c"):
                    counts[name][kind] += 1
                    bad[name][kind].append(stem)
                    if args.diff and name == STORED:
                        print(f"--- {stem} ({kind})")
                        if kind == "c" and EDITS:
                            print(f"    edit: {EDITS[-1][0][:200]!r} -> {EDITS[-1][1][:200]!r}")
                        for line in difflib.unified_diff(b0, b1, lineterm="", n=0):
                            print("   ", line[:300])
        if sys.stderr.isatty():
            print(f"\r{i}/{len(pages)}", end="", file=sys.stderr)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"pages: {len(pages)} with usable references (corpus {root})")
    print(f"variants built: (a) {seen['a']}, (b) {seen['b']}, (c) {seen['c']}")
    print(f"{'':24}{'(a) links':>12}{'(b) outside':>13}{'(c) missed':>12}")
    for name in EXTRACTORS:
        c = counts[name]
        print(
            f"{name:24}{c['a'] / max(1, seen['a']):12.1%}{c['b'] / max(1, seen['b']):13.1%}"
            f"{c['c'] / max(1, seen['c']):12.1%}"
        )
    if args.show:
        for kind in "abc":
            print(f"redline ({kind}): {' '.join(bad[STORED][kind][: args.show])}")


def _half(name: str) -> int:
    return int(hashlib.sha1(name.encode()).hexdigest(), 16) % 2


def leaks(args: argparse.Namespace) -> None:
    root = Path(args.corpus or CORPUS / "trafilatura-eval")
    data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    items = sorted(data.items())
    if args.half:  # a fixed split by file name: phrases are read off 'dev', measured on 'test'
        want = ("dev", "test").index(args.half)
        items = [(u, it) for u, it in items if _half(it["file"]) == want]
    if args.pages:
        items = items[: args.pages]
    tot_without = tot_with = 0
    single = {n: fx for n, fx in EXTRACTORS.items() if n not in (STORED, LEARNED)}  # one page each
    leaked = {n: 0 for n in single}
    lost = {n: 0 for n in single}
    pages_leaking = {n: 0 for n in single}
    examples: list[str] = []
    for i, (url, item) in enumerate(items, 1):
        path = root / "html" / item["file"]
        if not path.exists():
            continue
        raw = path.read_bytes()
        html = decode_html(gzip.decompress(raw) if path.suffix == ".gz" else raw)
        without = [norm(s) for s in item.get("without", []) if norm(s)]
        with_ = [norm(s) for s in item.get("with", []) if norm(s)]
        tot_without += len(without)
        tot_with += len(with_)
        for name, fx in single.items():
            body = norm(" ".join(fx(html, url)))
            hit = [s for s in without if s in body]
            leaked[name] += len(hit)
            pages_leaking[name] += bool(hit)
            lost[name] += sum(1 for s in with_ if s not in body)
            if name == "redline extract()" and hit and len(examples) < args.show:
                examples.append(f"{item['file']}: {hit[0][:80]!r}")
        if sys.stderr.isatty():
            print(f"\r{i}/{len(items)}", end="", file=sys.stderr)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"pages: {len(items)}, `without` snippets: {tot_without}, `with` snippets: {tot_with}")
    print(f"{'':24}{'without leaked':>15}{'pages leaking':>15}{'with lost':>11}")
    for name in single:
        print(
            f"{name:24}{leaked[name] / max(1, tot_without):15.1%}"
            f"{pages_leaking[name] / max(1, len(items)):15.1%}{lost[name] / max(1, tot_with):11.1%}"
        )
    for e in examples:
        print("  leak:", e)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=None)
    ap.add_argument("--pages", type=int, default=0, help="only the first N pages (0: all)")
    ap.add_argument("--seed", default="0")
    ap.add_argument("--show", type=int, default=0, help="list up to N failing pages/leaks")
    ap.add_argument("--only", default="", help="comma-separated page names")
    ap.add_argument("--diff", action="store_true", help="print Redline's body changes")
    ap.add_argument("--leaks", action="store_true", help="trafilatura-eval snippet leaks instead")
    ap.add_argument(
        "--half",
        choices=("dev", "test"),
        help="--leaks on one half of the pages only (a fixed split by file name)",
    )
    args = ap.parse_args()
    (leaks if args.leaks else churn)(args)


if __name__ == "__main__":
    main()
