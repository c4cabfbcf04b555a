"""The body extractors of the cascade: CSS rules, JSON-LD articleBody, trafilatura.

trafilatura is wrapped here once; its None and exceptions become ExtractionError.
"""

from __future__ import annotations

import logging
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from redline.errors import ExtractionError
from redline.extract.furniture import furniture_key
from redline.extract.normalize import normalize_paragraphs, normalize_text
from redline.settings import ExtractSettings

log = logging.getLogger(__name__)
_BLOCKS = "p, h2, h3, h4, li, blockquote, pre"
_SPLIT = re.compile(r"\n\s*\n|\r\n\s*\r\n|\n")


def words(paragraphs: tuple[str, ...] | list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def paragraphs_of(node: LexborNode) -> tuple[str, ...]:
    """Block-level texts under a node (outermost blocks only); its own text if it has none."""
    blocks = node.css(_BLOCKS)
    if not blocks:
        return normalize_paragraphs(_SPLIT.split(node.text(deep=True, separator="\n")))
    ids = {b.mem_id for b in blocks}
    out = []
    for b in blocks:
        parent, nested = b.parent, False
        while parent is not None and parent.mem_id != node.mem_id:
            if parent.mem_id in ids:
                nested = True
                break
            parent = parent.parent
        if not nested:
            out.append(b.text(deep=True, separator=" "))
    return normalize_paragraphs(out)


def body_from_rules(tree: LexborHTMLParser, selector: str) -> tuple[str, ...]:
    try:
        nodes = tree.css(selector)
    except Exception as exc:
        raise ExtractionError("bad_rule", f"invalid CSS selector {selector!r}: {exc}") from exc
    paragraphs: list[str] = []
    for node in nodes:
        paragraphs.extend(paragraphs_of(node))
    return tuple(paragraphs)


def body_from_jsonld(text: str) -> tuple[str, ...]:
    # articleBody is plain text, sometimes with HTML entities or tags left in.
    if "<" in text and ">" in text:
        text = LexborHTMLParser(f"<div>{text}</div>").text(separator="\n")
    return normalize_paragraphs(_SPLIT.split(text))


def _trafilatura(html: str, url: str | None, precision: bool) -> tuple[tuple[str, ...], str | None]:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            favor_precision=precision,
            with_metadata=False,
            deduplicate=False,
        )
    except Exception as exc:  # trafilatura raises a variety of lxml/parsing errors
        raise ExtractionError(
            "unparseable", f"trafilatura failed: {type(exc).__name__}: {exc}"
        ) from exc
    text = getattr(doc, "text", None) if doc is not None else None
    lang = getattr(doc, "language", None) if doc is not None else None
    return (normalize_paragraphs(text.split("\n")) if text else ()), lang


def body_from_trafilatura(
    html: str, url: str | None, short_words: int = ExtractSettings.short_body_words
) -> tuple[tuple[str, ...], str | None]:
    """(paragraphs, language), preferring precision: no comments, tables or images.

    Precision mode sometimes keeps only a fragment of a long article; when it returns a short
    body, the balanced mode is tried and wins if it finds at least twice as much.
    """
    paragraphs, lang = _trafilatura(html, url, precision=True)
    if words(paragraphs) < short_words:
        balanced, lang2 = _trafilatura(html, url, precision=False)
        if words(balanced) >= 2 * max(words(paragraphs), 1):
            paragraphs, lang = _merged(paragraphs, balanced), lang2 or lang
    if not paragraphs:
        raise ExtractionError("no_body", "no article body found on the page")
    return paragraphs, lang


def _merged(precise: tuple[str, ...], balanced: tuple[str, ...]) -> tuple[str, ...]:
    """The balanced body, with the paragraphs only precision mode kept put back where precision
    had them: what precision keeps is the surest article text (balanced mode drops a lead
    paragraph it sees as a teaser, slate.com2 in the corpus). When the two share no paragraph
    there is no place to put them, and the balanced body stands alone."""
    have = set(balanced)
    out = list(balanced)
    pending: list[str] = []
    last = -1  # where the last paragraph both kept sits in ``out``
    for p in precise:
        if p not in have:
            pending.append(p)
            continue
        at = out.index(p, last + 1) if p in out[last + 1 :] else out.index(p)
        if pending:
            out[at:at] = pending
            at += len(pending)
            pending = []
        last = at
    if pending and last >= 0:
        out[last + 1 : last + 1] = pending
    return tuple(out)


def with_captions(
    body: tuple[str, ...], page: tuple[str, ...], captions: frozenset[str]
) -> tuple[str, ...]:
    """A JSON-LD body with the page's captions and pull quotes put where the page has them
    (after the body paragraph they follow there): articleBody is plain text without the photos,
    and a corrected caption must still show."""
    keys = [furniture_key(p) for p in body]
    if not captions or not any(furniture_key(p) in keys for p in page):
        return body  # no paragraph of the page in the body: no place to put them
    out = list(body)
    at = 0
    for p in page:
        key = furniture_key(p)
        if key in keys:
            at = (keys.index(key, at) if key in keys[at:] else keys.index(key)) + 1
        elif p in captions and p not in out:
            out.insert(at, p)
            keys.insert(at, key)
            at += 1
    return tuple(out)


def same_text(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Rough overlap of two bodies (share of a's words found in b), to check plausibility."""
    wa = normalize_text(" ".join(a)).lower().split()
    wb = set(normalize_text(" ".join(b)).lower().split())
    if not wa:
        return 0.0
    return sum(1 for w in wa if w in wb) / len(wa)
