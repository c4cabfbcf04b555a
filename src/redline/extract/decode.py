"""Bytes to text: the header's charset, then the page's own <meta charset>, then detection.

Binary data served as text/html is refused here (ExtractionError 'binary') rather than being
turned into a page of mojibake.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from redline.errors import ExtractionError

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_CT = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def looks_binary(body: bytes) -> bool:
    """NUL bytes or many control characters in the first 4 KB: not an HTML page."""
    head = body[:4096]
    if not head:
        return False
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls / len(head) > 0.05


def _as_western(body: bytes) -> str | None:
    """Windows-1252 (what browsers use for 'latin-1') when it reads as a Western language.

    The commonest lie on the web is a Western page declared as UTF-8, and statistical detection
    guesses a Central European code page for short French, Spanish or German texts ('Café'
    becomes 'Cafť'). In Western text most words with an accented letter also hold plain ASCII
    letters ('café', 'grève'); other 8-bit scripts read as 1252 give words made only of
    accented letters ('Ïðèâåò'), which sends them on to detection.
    """
    try:
        text = body.decode("cp1252")
    except UnicodeDecodeError:
        return None
    accented = [w for w in _WORD.findall(text) if any(ord(c) > 127 for c in w)]
    if not accented:
        return text
    mixed = sum(1 for w in accented if any(c.isascii() for c in w))
    return text if mixed / len(accented) >= 0.6 else None


def decode_html(body: bytes, content_type: str | None = None) -> str:
    if not body.strip():
        raise ExtractionError("empty", "the page is empty")
    if looks_binary(body):
        raise ExtractionError("binary", "the page is binary data, not HTML")
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace")
    declared = []
    if content_type:
        m = _CT.search(content_type)
        declared.append(_codec(m.group(1)) if m else None)
    m2 = _META.search(body[:4096])
    declared.append(_codec(m2.group(1).decode("ascii", "ignore")) if m2 else None)
    for enc in declared:
        if enc is None:
            continue
        try:
            return body.decode(enc)
        except UnicodeDecodeError:
            continue  # the declaration lies; try the next clue
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    western = _as_western(body)
    if western is not None:
        return western
    best = from_bytes(body[:200_000]).best()
    if best is not None and best.encoding:
        return body.decode(best.encoding, errors="replace")
    first = next((e for e in declared if e), "utf-8")
    return body.decode(first, errors="replace")
