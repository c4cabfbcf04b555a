"""WARC records and provenance: writing a capture's records, reading them back in batches for
exports and verification, and inserting versions backfilled from a web archive.

A record is stored as its head (WARC headers + HTTP headers, zstd) in ``warc_records`` and its
payload once per SHA-256 in ``blobs`` (where the raw page of a version already lives), so
recording a capture costs about one compressed head per record. See docs/archive.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, insert, select, text, update

from redline.errors import ArticleNotFound, StorageError
from redline.storage import schema as t
from redline.storage._common import _Base, _put_change
from redline.storage.records import (
    ArchiveVersion,
    ChangeRow,
    FurnitureUpdate,
    HeldPayload,
    WarcRecordData,
)

_BATCH = 200  # records read per query: bounds memory by the batch, not by the export


@dataclass(frozen=True)
class StoredRecord:
    """A WARC record read back: ``head + payload + CRLF CRLF`` is the record, byte for byte."""

    id: int
    article_id: int
    version_id: int | None
    record_id: str
    record_type: str
    target_uri: str
    warc_date: datetime
    http_status: int | None
    content_type: str | None
    payload_digest: str | None
    payload_sha256: str | None
    head: bytes
    payload: bytes


@dataclass(frozen=True)
class Provenance:
    """Where one version comes from (``serialize.provenance_json`` shapes it)."""

    kind: str  # capture | archive
    captured_at: datetime
    status: int | None
    final_url: str | None
    sha256: str | None
    warc_record_id: str | None
    warc_date: datetime | None = None  # the record's WARC-Date: a replay tool's timestamp
    memento_url: str | None = None
    memento_datetime: datetime | None = None


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    data: bytes  # decompressed
    version_id: int


@dataclass(frozen=True)
class ArchiveFilter:
    """Which records an export or a verification covers (all when empty)."""

    article_id: int | None = None
    source_id: int | None = None
    since: datetime | None = None


_PAYLOAD_LOCKS = 7013  # advisory lock namespace of payload digests (PostgreSQL)


def lock_payloads(conn: Connection, records: Sequence[WarcRecordData]) -> None:
    """Serialise the writers of one payload: the first statement of a transaction that will
    write response records. On PostgreSQL a transaction-scoped advisory lock per payload digest
    (sorted, so two writers never wait on each other crosswise); a second writer of the same
    payload waits for the first to commit and then sees its response (READ COMMITTED reads
    afresh per statement). SQLite has one writer at a time, and ``held_payload`` runs after the
    transaction's first write, so it needs nothing here."""
    if conn.dialect.name != "postgresql":
        return
    for digest in sorted({r.payload_digest for r in records if r.revisit and r.payload_digest}):
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:ns, hashtext(:d))"),
            {"ns": _PAYLOAD_LOCKS, "d": digest},
        )


def held_payload(conn: Connection, payload_digest: str) -> HeldPayload | None:
    """The response record already holding this payload, if any (what a revisit refers to)."""
    w = t.warc_records
    row = conn.execute(
        select(w.c.record_id, w.c.target_uri, w.c.warc_date)
        .where(w.c.payload_digest == payload_digest, w.c.record_type == "response")
        .order_by(w.c.id)
        .limit(1)
    ).first()
    return HeldPayload(row.record_id, row.target_uri, row.warc_date) if row else None


def put_warc(
    conn: Connection,
    records: Sequence[WarcRecordData],
    *,
    put_blob: Callable[[Connection, bytes], str],
    compress: Callable[[bytes], bytes],
    article_id: int,
    capture_id: int | None,
    version_id: int | None,
) -> None:
    """Insert a capture's records in the caller's transaction (the capture's own, which took
    ``lock_payloads`` first and has written before this). A response whose payload is already
    held is written as its revisit record instead: decided here, in the writing transaction."""
    for r in records:
        if r.revisit is not None and r.payload_digest:
            original = held_payload(conn, r.payload_digest)
            if original is not None:
                r = r.revisit(original)
        sha = put_blob(conn, r.payload) if r.payload is not None else None
        conn.execute(
            insert(t.warc_records).values(
                article_id=article_id,
                capture_id=capture_id,
                version_id=version_id,
                record_id=r.record_id,
                record_type=r.record_type,
                target_uri=r.target_uri,
                warc_date=r.warc_date,
                http_status=r.http_status,
                content_type=r.content_type,
                payload_digest=r.payload_digest,
                payload_sha256=sha,
                head=compress(r.head),
            )
        )


class ArchiveMixin(_Base):
    """``Store``'s WARC records, provenance and backfilled versions."""

    if TYPE_CHECKING:

        def _put_blob(self, conn: Connection, raw: bytes) -> str:
            """Store a raw page once per SHA-256 (``ChecksMixin``)."""

    def count_warc_records(self, f: ArchiveFilter) -> int:
        w = t.warc_records
        q = _records_in(select(func.count()).select_from(w), f)
        with self._read() as conn:
            return int(conn.execute(q).scalar_one())

    def _keyset(
        self,
        query: Callable[[int], Any],
        id_col: Any,
        sha_of: Callable[[Any], str | None],
        batch: int,
    ) -> Iterator[tuple[list[Any], dict[str, bytes]]]:
        """Rows of ``query(after)`` in id order, ``batch`` at a time (keyset pagination, a short
        read per batch), each batch with the compressed blobs its rows name."""
        after = 0
        while True:
            with self._read() as conn:
                rows = list(conn.execute(query(after).order_by(id_col).limit(batch)).all())
                blobs = _blobs(conn, {s for r in rows if (s := sha_of(r))})
            if not rows:
                return
            yield rows, blobs
            after = rows[-1].id

    def iter_warc_records(self, f: ArchiveFilter, batch: int = _BATCH) -> Iterator[StoredRecord]:
        """Every record the filter covers, in id order, read ``batch`` at a time."""
        w = t.warc_records
        for rows, blobs in self._keyset(
            lambda after: _records_in(select(w).where(w.c.id > after), f),
            w.c.id,
            lambda r: r.payload_sha256,
            batch,
        ):
            for r in rows:
                yield self._stored(r, blobs)

    def _stored(self, r: Any, blobs: dict[str, bytes]) -> StoredRecord:
        payload = b""
        if r.payload_sha256:
            if r.payload_sha256 not in blobs:
                raise StorageError(f"WARC record {r.record_id} lost its payload {r.payload_sha256}")
            payload = self._zd.decompress(blobs[r.payload_sha256])
        return StoredRecord(
            id=r.id,
            article_id=r.article_id,
            version_id=r.version_id,
            record_id=r.record_id,
            record_type=r.record_type,
            target_uri=r.target_uri,
            warc_date=r.warc_date,
            http_status=r.http_status,
            content_type=r.content_type,
            payload_digest=r.payload_digest,
            payload_sha256=r.payload_sha256,
            head=self._zd.decompress(r.head),
            payload=payload,
        )

    def version_records(self, version_id: int) -> list[StoredRecord]:
        """The response (or revisit) record of a version's capture, and the response a revisit
        refers to (first), so the download replays on its own."""
        w = t.warc_records
        with self._read() as conn:
            rows: list[Any] = conn.execute(
                select(w)
                .where(w.c.version_id == version_id, w.c.record_type.in_(("response", "revisit")))
                .order_by(w.c.id.desc())
                .limit(1)
            ).all()  # type: ignore[assignment]
            if rows and rows[0].record_type == "revisit":
                original = conn.execute(
                    select(w)
                    .where(
                        w.c.payload_digest == rows[0].payload_digest, w.c.record_type == "response"
                    )
                    .order_by(w.c.id)
                    .limit(1)
                ).all()
                rows = [*original, *rows]
            blobs = _blobs(conn, {r.payload_sha256 for r in rows if r.payload_sha256})
        return [self._stored(r, blobs) for r in rows]

    def iter_version_blobs(self, f: ArchiveFilter, batch: int = _BATCH) -> Iterator[StoredBlob]:
        """The raw page of every version the filter covers (for ``redline verify``)."""
        v = t.versions
        for rows, blobs in self._keyset(
            lambda after: _in_scope(
                select(v.c.id, v.c.raw_sha256).where(v.c.id > after, v.c.raw_sha256.is_not(None)),
                v.c.article_id,
                f,
            ),
            v.c.id,
            lambda r: r.raw_sha256,
            batch,
        ):
            for r in rows:
                data = blobs.get(r.raw_sha256)
                raw = self._zd.decompress(data) if data is not None else b""
                yield StoredBlob(sha256=r.raw_sha256, data=raw, version_id=r.id)

    def provenance(self, article_id: int) -> dict[int, Provenance]:
        """Where each version of an article comes from, keyed by version id."""
        v, c, w = t.versions, t.captures, t.warc_records
        with self._read() as conn:
            versions = conn.execute(
                select(
                    v.c.id,
                    v.c.captured_at,
                    v.c.url,
                    v.c.raw_sha256,
                    v.c.origin,
                    v.c.memento_url,
                    v.c.memento_datetime,
                ).where(v.c.article_id == article_id)
            ).all()
            caps = {
                r.version_id: r
                for r in conn.execute(
                    select(c.c.version_id, c.c.http_status, c.c.final_url, c.c.url).where(
                        c.c.article_id == article_id, c.c.version_id.is_not(None)
                    )
                ).all()
            }
            recs: dict[int, Any] = {}
            for r in conn.execute(
                select(
                    w.c.version_id, w.c.record_id, w.c.http_status, w.c.target_uri, w.c.warc_date
                )
                .where(
                    w.c.article_id == article_id,
                    w.c.version_id.is_not(None),
                    w.c.record_type.in_(("response", "revisit")),
                )
                .order_by(w.c.id)
            ).all():
                recs[r.version_id] = r  # the last one: the final hop
        out: dict[int, Provenance] = {}
        for vr in versions:
            cap, rec = caps.get(vr.id), recs.get(vr.id)
            archive = vr.origin == "archive"
            out[vr.id] = Provenance(
                kind="archive" if archive else "capture",
                captured_at=vr.captured_at,
                status=cap.http_status if cap else (rec.http_status if rec else None),
                final_url=(cap.final_url or cap.url) if cap else vr.url,
                sha256=vr.raw_sha256,
                warc_record_id=rec.record_id if rec else None,
                warc_date=rec.warc_date if rec else None,
                memento_url=vr.memento_url if archive else None,
                memento_datetime=vr.memento_datetime if archive else None,
            )
        return out

    def insert_archive_versions(
        self,
        article_id: int,
        items: Sequence[ArchiveVersion],
        successor: ChangeRow | None,
        *,
        expected_first: int | None,
        furniture: FurnitureUpdate | None = None,
        now: datetime | None = None,
    ) -> list[int]:
        """Insert backfilled versions (oldest first) before the earliest version held, numbered
        down from it (0, -1, ... before version 1): numbers of versions already held never
        change. ``successor`` is the change of that earliest version against the newest item.
        ``furniture``: what the archive's copies taught about the source (blocks seen rotating
        between them), learned at ``now`` like a check's.

        One transaction, and a compare-and-set: the earliest version held must still be number
        ``expected_first`` (None: no version), the one the caller planned against; otherwise
        (another backfill, or a first check, wrote meanwhile) nothing is written."""
        learn = furniture if furniture is not None and not furniture.empty else None
        if not items and learn is None:
            return []
        ids: list[int] = []
        with self._tx() as conn:
            if items:
                ids = self._insert_before_first(conn, article_id, items, successor, expected_first)
            changed = learn is not None and self._write_furniture(
                conn, learn, now or datetime.now(UTC)
            )
        if changed and learn is not None:
            self._furniture_changed(learn.source_id)
        return ids

    def _insert_before_first(
        self,
        conn: Connection,
        article_id: int,
        items: Sequence[ArchiveVersion],
        successor: ChangeRow | None,
        expected_first: int | None,
    ) -> list[int]:
        """The versions of ``insert_archive_versions``, in its transaction; their ids."""
        v = t.versions
        ids: list[int] = []
        lock_payloads(conn, [r for item in items for r in item.warc])
        # the first write: takes the article's row (PostgreSQL) or the write lock (SQLite),
        # so the earliest version read next cannot change before this commits
        conn.execute(
            update(t.articles)
            .where(t.articles.c.id == article_id)
            .values(version_count=t.articles.c.version_count)
        )
        first = conn.execute(
            select(v.c.id, v.c.number, v.c.captured_at)
            .where(v.c.article_id == article_id)
            .order_by(v.c.number)
            .limit(1)
        ).first()
        if (first.number if first is not None else None) != expected_first:
            raise StorageError(
                "the article's history changed while backfilling it: run backfill again"
            )
        if first is not None and items[-1].memento_datetime >= first.captured_at:
            raise StorageError("backfilled versions must be older than every version held")
        top = first.number if first is not None else 1
        for i, item in enumerate(items):
            nv = item.version
            number = top - len(items) + i
            sha = self._put_blob(conn, nv.raw_html) if nv.raw_html is not None else None
            vid = conn.execute(
                insert(v)
                .values(
                    article_id=article_id,
                    number=number,
                    captured_at=item.memento_datetime,
                    title=nv.title,
                    byline=nv.byline,
                    standfirst=nv.standfirst,
                    lead_caption=nv.lead_caption,
                    published=nv.published,
                    modified=nv.modified,
                    text=nv.text,
                    content_hash=nv.content_hash,
                    raw_sha256=sha,
                    url=item.final_url,
                    extractor=nv.extractor,
                    extractor_version=nv.extractor_version,
                    origin="archive",
                    memento_url=item.memento_url,
                    memento_datetime=item.memento_datetime,
                )
                .returning(v.c.id)
            ).scalar_one()
            ids.append(vid)
            if item.change is not None:
                _put_change(conn, article_id, vid, item.memento_datetime, item.change)
            put_warc(
                conn,
                item.warc,
                put_blob=self._put_blob,
                compress=self._zc.compress,
                article_id=article_id,
                capture_id=None,
                version_id=vid,
            )
        if first is not None and successor is not None:
            conn.execute(delete(t.changes).where(t.changes.c.version_id == first.id))
            _put_change(conn, article_id, first.id, first.captured_at, successor)
        return ids

    def memento_times(self, article_id: int) -> set[datetime]:
        """When each backfilled version of an article was archived (what a backfill holds)."""
        v = t.versions
        with self._read() as conn:
            return set(
                conn.execute(
                    select(v.c.memento_datetime).where(
                        v.c.article_id == article_id, v.c.origin == "archive"
                    )
                ).scalars()
            )

    def earliest_version(self, article_id: int) -> tuple[int, datetime, str] | None:
        """(number, captured_at, content_hash) of the earliest version held, if any."""
        v = t.versions
        with self._read() as conn:
            row = conn.execute(
                select(v.c.number, v.c.captured_at, v.c.content_hash)
                .where(v.c.article_id == article_id)
                .order_by(v.c.number)
                .limit(1)
            ).first()
        return (row.number, row.captured_at, row.content_hash) if row else None

    def article_variants(self, article_id: int) -> list[str]:
        """Every URL known to lead to the article (its canonical URL first)."""
        with self._read() as conn:
            url = conn.execute(
                select(t.articles.c.url).where(t.articles.c.id == article_id)
            ).scalar_one_or_none()
            if url is None:
                raise ArticleNotFound(f"no article {article_id}")
            more = conn.execute(
                select(t.article_urls.c.url).where(t.article_urls.c.article_id == article_id)
            ).scalars()
            return list(dict.fromkeys([url, *more]))


def _in_scope(q: Any, article_col: Any, f: ArchiveFilter) -> Any:
    """``q`` narrowed to the filter's article or source (``article_col`` names the article)."""
    if f.article_id is not None:
        q = q.where(article_col == f.article_id)
    if f.source_id is not None:
        q = q.where(
            article_col.in_(select(t.articles.c.id).where(t.articles.c.source_id == f.source_id))
        )
    return q


def _records_in(q: Any, f: ArchiveFilter) -> Any:
    """``q`` over ``warc_records`` narrowed to what the filter covers."""
    q = _in_scope(q, t.warc_records.c.article_id, f)
    return q.where(t.warc_records.c.warc_date >= f.since) if f.since is not None else q


def _blobs(conn: Connection, shas: set[str]) -> dict[str, bytes]:
    """The compressed blobs of these SHA-256s (one query)."""
    if not shas:
        return {}
    b = t.blobs
    return {
        r.sha256: r.data
        for r in conn.execute(select(b.c.sha256, b.c.data).where(b.c.sha256.in_(shas)))
    }
