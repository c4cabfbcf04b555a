"""Refuse hostile XML before any parser expands it: entity definitions (billion laughs,
quadratic blow-up) and external entities (XXE). Feeds and sitemaps never need either."""

from __future__ import annotations

import gzip
import io
import zlib

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring

from redline.errors import DiscoveryError
from redline.settings import DiscoverySettings

MAX_XML_BYTES = DiscoverySettings.max_xml_bytes  # the sitemap protocol's limit, uncompressed


def screen(body: bytes, what: str) -> None:
    """Raise DiscoveryError when the document declares entities or external references."""
    head = body[:65536]
    if b"<!ENTITY" not in head and b"<!entity" not in head and b"SYSTEM" not in head:
        return
    try:
        defused_fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise DiscoveryError(
            f"{what} declares XML entities or external references ({type(exc).__name__}); refused"
        ) from exc
    except Exception:
        return  # not well-formed: the real parser decides what it can read


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
