"""Refuse hostile XML before any parser expands it: entity declarations (billion laughs,
quadratic blow-up) and external entities (XXE). Feeds and sitemaps never need either.

The screen is a parser, not a byte search: expat reads the prolog in whatever encoding the
document is in (UTF-16 included) and handlers refuse any entity declaration, wherever in the
prolog it comes (after a long comment too), as defusedxml does. Entities can only be declared
before the root element, so the screen stops there. The same streaming pass can also find where
a feed's Nth entry starts, so a huge feed is cut before the real parser sees it.
"""

from __future__ import annotations

import codecs
import gzip
import io
import re
import zlib
from collections.abc import Collection
from typing import NamedTuple
from xml.parsers import expat

from redline.errors import DiscoveryError
from redline.settings import DiscoverySettings

MAX_XML_BYTES = DiscoverySettings.max_xml_bytes  # the sitemap protocol's limit, uncompressed
_CHUNK = 64 * 1024
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DECLARED_TEXT = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])[A-Za-z0-9._-]+(["'])""")
_ENTITY = re.compile(r"<!\s*ENTITY", re.IGNORECASE)


class _Refused(Exception):
    pass


class _Stop(Exception):
    pass


def _refuse(*_args: object) -> None:
    raise _Refused


def _refuse_ref(*_args: object) -> int:
    raise _Refused


def _codec(body: bytes) -> str:
    """The Python codec of a document, from its BOM or declaration (UTF-8 by default)."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return name
    if body.startswith(b"<\x00"):
        return "utf-16-le"
    if body.startswith(b"\x00<"):
        return "utf-16-be"
    m = _DECLARED.match(body.lstrip()[:200])
    if m:
        try:
            return codecs.lookup(m.group(1).decode("ascii")).name
        except LookupError:
            pass
    return "utf-8"


def looks_like_xml(body: bytes) -> bool:
    """Starts with markup, in UTF-8 or UTF-16 (with or without a byte-order mark)."""
    return (
        _codec(body).startswith("utf-16") or body.removeprefix(codecs.BOM_UTF8).lstrip()[:1] == b"<"
    )


class _Scan:
    """One expat pass: refuses entity declarations; with ``entries``, notes where the
    ``limit + 1``-th entry element starts and which elements are open around it."""

    def __init__(self, entries: Collection[str] = (), limit: int = 0) -> None:
        self.entries, self.limit = entries, limit
        self.count = 0
        self.cut: int | None = None
        self.open: list[str] = []
        self.root_seen = False
        p = self.parser = expat.ParserCreate()
        p.EntityDeclHandler = _refuse  # general and parameter entities, internal or external
        p.UnparsedEntityDeclHandler = _refuse
        p.ExternalEntityRefHandler = _refuse_ref
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end

    def _start(self, name: str, _attrs: object) -> None:
        self.root_seen = True
        if not self.entries:
            raise _Stop  # the prolog is over: no declaration can follow
        local = name.rsplit(":", 1)[-1].lower()
        if local in self.entries and len(self.open) <= 2:
            self.count += 1
            if self.count > self.limit:
                self.cut = self.parser.CurrentByteIndex
                raise _Stop
        self.open.append(name)

    def _end(self, _name: str) -> None:
        if self.open:
            self.open.pop()

    def run(self, body: bytes) -> bool:
        """Feed ``body``; False when expat could not read it (not well-formed, unknown encoding)."""
        try:
            for i in range(0, len(body), _CHUNK):
                self.parser.Parse(body[i : i + _CHUNK], False)
            self.parser.Parse(b"", True)
        except _Stop:
            return True
        except (expat.ExpatError, ValueError):  # ValueError: a multi-byte encoding
            return False
        return True


def _refused(what: str) -> DiscoveryError:
    return DiscoveryError(f"{what} declares XML entities or external references; refused")


class Screened(NamedTuple):
    body: bytes
    """What to parse: the document, cut or transcoded to UTF-8 when needed."""
    capped: bool = False
    """More than ``limit`` entries: ``body`` stops before the next one."""


def screen(body: bytes, what: str, *, entries: Collection[str] = (), limit: int = 0) -> Screened:
    """Raise DiscoveryError when the document declares entities, in any encoding.

    Returns what to parse: with ``entries`` (local element names, e.g. ``{"item", "entry"}``)
    and ``limit``, a document with more than ``limit`` of them is cut before the next one with
    its open elements closed (well-formed, in its own encoding); a document in an encoding
    expat does not know is given as UTF-8.
    """
    scan = _Scan(entries, limit)
    try:
        ok = scan.run(body)
    except _Refused:
        raise _refused(what) from None
    if not ok and not scan.root_seen:
        # expat could not read the prolog: an encoding it does not know (Shift_JIS, GB18030...)
        # is read as text and screened again as UTF-8; broken XML is searched as text, so no
        # parser after us meets a declaration either way.
        codec = _codec(body)
        text = body.decode(codec, errors="replace")
        if _ENTITY.search(text):
            raise _refused(what)
        if codec not in ("utf-8", "utf-8-sig") and not codec.startswith("utf-16"):
            utf8 = _DECLARED_TEXT.sub(r"\1utf-8\2", text, count=1).encode("utf-8")
            return screen(utf8, what, entries=entries, limit=limit)
    if scan.cut is None:
        return Screened(body)
    return Screened(_cut(body, scan.cut, scan.open), capped=True)


def _cut(body: bytes, offset: int, still_open: list[str]) -> bytes:
    """``body`` up to ``offset``, with the elements open there closed, in its own encoding."""
    codec = _codec(body)
    closing = "".join(f"</{name}>" for name in reversed(still_open))
    if codec.startswith("utf-16"):
        le = codec == "utf-16-le" or body.startswith(codecs.BOM_UTF16_LE)
        return body[:offset] + closing.encode("utf-16-le" if le else "utf-16-be")
    return body[:offset] + closing.encode("ascii")


def gunzip_capped(body: bytes, what: str, limit: int = MAX_XML_BYTES) -> bytes:
    """Inflate a gzip body chunk by chunk, refusing to go past ``limit`` (gzip bombs)."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = io.BytesIO()
    src = io.BytesIO(body)
    try:
        while chunk := src.read(65536):
            out.write(d.decompress(chunk, limit + 1 - out.tell()))
            while d.unconsumed_tail and out.tell() <= limit:
                out.write(d.decompress(d.unconsumed_tail, limit + 1 - out.tell()))
            if out.tell() > limit:
                raise DiscoveryError(f"{what} inflates to more than {limit:,} bytes; refused")
    except (zlib.error, gzip.BadGzipFile, EOFError) as exc:
        raise DiscoveryError(f"{what} is not valid gzip: {exc}") from exc
    return out.getvalue()
