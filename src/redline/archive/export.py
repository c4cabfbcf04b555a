"""Streaming WARC and WACZ 1.1 exports of the stored records.

Records are read in id-ordered batches and written as they come, so memory stays flat whatever
the size of the export: the .warc.gz is the concatenation of one gzip member per record; the WACZ
CDXJ index is sorted on disk (sorted runs merged with heapq), never in memory.
"""

from __future__ import annotations

import hashlib
import heapq
import io
import json
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import surt
from warcio.warcwriter import BufferWARCWriter

from redline import __version__
from redline.archive.warc import RecordType, gzip_member
from redline.storage import ArchiveFilter, Store, StoredRecord

WACZ_VERSION = "1.1.1"
_RUN = 50_000  # CDXJ lines sorted in memory at a time before they go to a run file
Progress = Callable[[int], None]  # called with the number of records just written


@dataclass
class ExportStats:
    records: int = 0
    captures: int = 0  # response and revisit records (the pages)
    bytes: int = 0


def _warcinfo() -> bytes:
    w = BufferWARCWriter(gzip=True, warc_version="1.1")
    info = {"software": f"Redline/{__version__}", "format": "WARC File Format 1.1"}
    w.write_record(w.create_warcinfo_record("data.warc.gz", info))
    return w.get_contents()


def _ts(d: datetime) -> str:
    return d.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def _cdxj(r: StoredRecord, offset: int, length: int, filename: str) -> str:
    try:
        key = surt.surt(r.target_uri)
    except Exception:  # a URL surt cannot parse is still indexed by itself
        key = r.target_uri
    fields = {
        "url": r.target_uri,
        "mime": "warc/revisit"
        if r.record_type == RecordType.REVISIT
        else (r.content_type or "unk").split(";")[0].strip(),
        "status": str(r.http_status or ""),
        "digest": r.payload_digest or "",
        "length": str(length),
        "offset": str(offset),
        "filename": filename,
    }
    return f"{key} {_ts(r.warc_date)} {json.dumps(fields, ensure_ascii=False)}\n"


def write_warc(
    store: Store,
    f: ArchiveFilter,
    out: IO[bytes],
    progress: Progress | None = None,
    on_page: Callable[[StoredRecord, int, int], None] | None = None,
) -> ExportStats:
    """Write every record the filter covers to ``out`` as one .warc.gz; ``on_page`` gets each
    response/revisit record with its offset and length (for the CDXJ index and pages.jsonl)."""
    stats = ExportStats()
    head = _warcinfo()
    out.write(head)
    offset = len(head)
    for r in store.iter_warc_records(f):
        member = gzip_member((r.head, r.payload))
        out.write(member)
        if r.record_type != RecordType.REQUEST:
            stats.captures += 1
            if on_page is not None:
                on_page(r, offset, len(member))
        offset += len(member)
        stats.records += 1
        if progress is not None:
            progress(1)
    stats.bytes = offset
    return stats


def write_warc_file(
    store: Store, f: ArchiveFilter, out_path: Path, progress: Progress | None = None
) -> ExportStats:
    """``write_warc`` to a file, written as ``NAME.part`` and renamed when complete (like the
    WACZ), so an interrupted export never leaves a truncated file under the asked name."""
    part = out_path.with_name(out_path.name + ".part")
    with part.open("wb") as fh:
        stats = write_warc(store, f, fh, progress)
    part.replace(out_path)
    return stats


class _SortedLines:
    """Lines sorted on disk: runs of ``_RUN`` lines sorted in memory, merged on reading."""

    def __init__(self, tmp: Path) -> None:
        self.tmp, self.buf, self.runs = tmp, list[str](), list[Path]()

    def add(self, line: str) -> None:
        self.buf.append(line)
        if len(self.buf) >= _RUN:
            self._flush()

    def _flush(self) -> None:
        path = self.tmp / f"run{len(self.runs)}.cdxj"
        path.write_text("".join(sorted(self.buf)), encoding="utf-8")
        self.runs.append(path)
        self.buf = []

    def __iter__(self) -> Iterator[str]:
        self._flush()
        with ExitStack() as stack:
            files = [stack.enter_context(p.open(encoding="utf-8")) for p in self.runs]
            yield from heapq.merge(*files)


def _copy_hashed(src: IO[bytes], dst: IO[bytes]) -> tuple[str, int]:
    h, n = hashlib.sha256(), 0
    while chunk := src.read(1 << 20):
        h.update(chunk)
        dst.write(chunk)
        n += len(chunk)
    return "sha256:" + h.hexdigest(), n


def write_wacz(
    store: Store,
    f: ArchiveFilter,
    out_path: Path,
    progress: Progress | None = None,
    title: str = "Redline export",
) -> ExportStats:
    """A WACZ 1.1 package: archive/data.warc.gz, indexes/index.cdx, pages/pages.jsonl,
    datapackage.json (SHA-256 of each file) and datapackage-digest.json."""
    with tempfile.TemporaryDirectory(prefix="redline-wacz-") as tmpdir:
        tmp = Path(tmpdir)
        index = _SortedLines(tmp)
        pages_path = tmp / "pages.jsonl"
        warc_path = tmp / "data.warc.gz"
        with pages_path.open("w", encoding="utf-8") as pages, warc_path.open("wb") as warc:
            pages.write(
                json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}) + "\n"
            )

            def on_page(r: StoredRecord, offset: int, length: int) -> None:
                index.add(_cdxj(r, offset, length, "data.warc.gz"))
                if r.http_status is not None and 200 <= r.http_status < 300:
                    page = {
                        "id": uuid.uuid5(uuid.NAMESPACE_URL, r.record_id).hex,
                        "url": r.target_uri,
                        "ts": r.warc_date.astimezone(UTC).isoformat(),
                    }
                    pages.write(json.dumps(page, ensure_ascii=False) + "\n")

            stats = write_warc(store, f, warc, progress, on_page)
        resources = []
        tmp_zip = out_path.with_name(out_path.name + ".part")
        with zipfile.ZipFile(tmp_zip, "w", allowZip64=True) as zf:
            with (
                warc_path.open("rb") as src,
                zf.open(
                    zipfile.ZipInfo("archive/data.warc.gz", _now_tuple()), "w", force_zip64=True
                ) as dst,
            ):
                digest, size = _copy_hashed(src, dst)
            resources.append(("data.warc.gz", "archive/data.warc.gz", digest, size))
            info = zipfile.ZipInfo("indexes/index.cdx", _now_tuple())
            info.compress_type = zipfile.ZIP_DEFLATED
            h, n = hashlib.sha256(), 0
            with zf.open(info, "w", force_zip64=True) as dst:
                for line in index:
                    b = line.encode("utf-8")
                    h.update(b)
                    n += len(b)
                    dst.write(b)
            resources.append(("index.cdx", "indexes/index.cdx", "sha256:" + h.hexdigest(), n))
            info = zipfile.ZipInfo("pages/pages.jsonl", _now_tuple())
            info.compress_type = zipfile.ZIP_DEFLATED
            with pages_path.open("rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                digest, size = _copy_hashed(src, dst)
            resources.append(("pages.jsonl", "pages/pages.jsonl", digest, size))
            package = {
                "profile": "data-package",
                "wacz_version": WACZ_VERSION,
                "title": title,
                "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "software": f"Redline/{__version__}",
                "resources": [
                    {"name": name, "path": path, "hash": digest, "bytes": size}
                    for name, path, digest, size in resources
                ],
            }
            data = json.dumps(package, indent=2).encode("utf-8")
            zf.writestr(_info("datapackage.json"), data)
            digest_doc = {
                "path": "datapackage.json",
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            }
            zf.writestr(_info("datapackage-digest.json"), json.dumps(digest_doc, indent=2))
        tmp_zip.replace(out_path)  # same directory: an atomic rename
    return stats


def _now_tuple() -> tuple[int, int, int, int, int, int]:
    n = datetime.now(UTC)
    return (n.year, n.month, n.day, n.hour, n.minute, n.second)


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, _now_tuple())
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def one_version_warc(records: list[StoredRecord]) -> bytes:
    """A .warc.gz of a version's record(s) (web download)."""
    buf = io.BytesIO()
    buf.write(_warcinfo())
    for r in records:
        buf.write(gzip_member((r.head, r.payload)))
    return buf.getvalue()
