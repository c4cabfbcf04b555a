"""``redline verify``: recompute every stored digest and report what no longer matches.

Checked: the SHA-256 of each version's raw page (its blob key), and of each WARC record the
WARC-Payload-Digest and WARC-Block-Digest written in its head (and the payload digest column).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from redline.archive.warc import RecordType
from redline.storage import ArchiveFilter, Store, StoredRecord


@dataclass(frozen=True)
class Mismatch:
    what: str  # "raw page" or "WARC record"
    ref: str  # the blob sha256 or the record id
    detail: str


def _digest(spec: str, data: bytes) -> bool:
    """Whether ``data`` matches a WARC digest like ``sha1:BASE32`` (base32, hex or base64)."""
    algo, _, value = spec.partition(":")
    try:
        raw = hashlib.new(algo.lower().replace("-", ""), data).digest()
    except ValueError:
        return False
    return value in (
        base64.b32encode(raw).decode(),
        raw.hex(),
        base64.b64encode(raw).decode(),
    )


def _headers(head: bytes) -> tuple[dict[str, str], bytes]:
    """The WARC headers of a record head, and the rest (the HTTP header block)."""
    warc, _, http = head.partition(b"\r\n\r\n")
    out: dict[str, str] = {}
    for line in warc.decode("utf-8", "replace").split("\r\n")[1:]:
        k, _, v = line.partition(":")
        out[k.strip().lower()] = v.strip()
    return out, http


def check_record(r: StoredRecord) -> list[str]:
    """What is wrong with one stored record (empty when its digests all match)."""
    problems = []
    headers, http = _headers(r.head)
    block = http + r.payload
    if "warc-block-digest" in headers and not _digest(headers["warc-block-digest"], block):
        problems.append("WARC-Block-Digest does not match the record")
    if r.record_type == RecordType.RESPONSE:
        stated = headers.get("warc-payload-digest")
        if stated is None or not _digest(stated, r.payload):
            problems.append("WARC-Payload-Digest does not match the payload")
        if r.payload_digest and stated != r.payload_digest:
            problems.append("stored payload digest differs from the record's")
        if r.payload_sha256 and hashlib.sha256(r.payload).hexdigest() != r.payload_sha256:
            problems.append("payload SHA-256 does not match its key")
    if headers.get("content-length") != str(len(block)):
        problems.append("Content-Length does not match the record")
    return problems


def verify(
    store: Store, f: ArchiveFilter, progress: Callable[[int], None] | None = None
) -> Iterator[Mismatch]:
    """Every mismatch among the raw pages and WARC records the filter covers."""
    seen: set[str] = set()
    for b in store.iter_version_blobs(f):
        if b.sha256 not in seen:
            if hashlib.sha256(b.data).hexdigest() != b.sha256:
                yield Mismatch("raw page", b.sha256, f"SHA-256 differs (version id {b.version_id})")
            seen.add(b.sha256)
        if progress is not None:
            progress(1)
    for r in store.iter_warc_records(f):
        for p in check_record(r):
            yield Mismatch("WARC record", r.record_id, p)
        if progress is not None:
            progress(1)
