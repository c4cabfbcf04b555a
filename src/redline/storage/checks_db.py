"""Checks: recording one (capture, version, change, events, frontier), blobs and history."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, false, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError

from redline.errors import ArticleNotFound, RedlineError, StorageError
from redline.storage import schema as t
from redline.storage._common import _change, _put_change, _storage_error, _version
from redline.storage.archive_db import lock_payloads, put_warc
from redline.storage.furniture_db import FurnitureMixin
from redline.storage.notify_db import REMOVALS, enqueue
from redline.storage.records import (
    CaptureRow,
    ChangeRow,
    CheckRecord,
    EventRow,
    HistoryRewrite,
    VersionRow,
)
from redline.vocabulary import Outcome

_ZSTD_LEVEL = 6
log = logging.getLogger(__name__)


class VersionConflict(RedlineError):
    """Another checker wrote a version of this article first; this check's result is dropped."""


def _as_conflict(rec: CheckRecord) -> CheckRecord:
    """The capture of a check whose new version another checker wrote first: kept as history,
    without the version, and without validators or fingerprint (the next check re-extracts)."""
    return replace(
        rec,
        outcome=Outcome.CONFLICT,
        version=None,
        change=None,
        region_fp=None,
        etag=None,
        last_modified=None,
        last_changed=None,
        status=None,
        events=[],
        # what it learned about the article's first version is the other checker's to write;
        # how often rules fired is still true
        furniture=(
            replace(rec.furniture, first_blocks=(), rotating=(), slots=())
            if rec.furniture
            else None
        ),
        reason=f"another checker wrote version {(rec.expected_version_count or 0) + 1} first",
    )


class ChecksMixin(FurnitureMixin):
    """``Store``'s checks and the history they leave: versions, changes, events, captures."""

    def _put_blob(self, conn: Connection, raw: bytes) -> str:
        """Store ``raw`` once per SHA-256. Insert-or-ignore, not look-then-insert: two checkers
        storing the same page at the same moment both succeed (the loser's insert is a no-op),
        where a look-then-insert would fail one of them on the unique key."""
        sha = hashlib.sha256(raw).hexdigest()
        if conn.execute(select(t.blobs.c.sha256).where(t.blobs.c.sha256 == sha)).first() is None:
            values = dict(sha256=sha, size=len(raw), data=self._zc.compress(raw))
            dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            conn.execute(dialect_insert(t.blobs).values(**values).on_conflict_do_nothing())
        return sha

    def record_check(self, rec: CheckRecord) -> int | None:
        """Write one check (capture, maybe a version and its change, events, frontier update).

        The capture is always written: captures are never lost. The frontier fields (next check,
        lease, validators, status, error) are written only while ``rec.worker`` holds the
        article's lease, or when nobody holds it and no later check was recorded: a worker whose
        lease expired mid-check and was taken over must not overwrite what the new holder owns.

        Returns the new version id, if any. Raises VersionConflict when another checker created
        the next version first; this check's capture is recorded then too (outcome 'conflict').
        """
        try:
            version_id, conflict = self._write_check(rec)
        except IntegrityError as exc:
            if rec.version is None:
                raise StorageError(f"could not record check: {exc.orig}") from exc
            # The unique (article_id, number) caught a race the compare-and-set let through.
            version_id, conflict = None, True
            try:
                self._write_check(_as_conflict(rec))
            except DBAPIError as again:
                raise _storage_error(again) from again
        except DBAPIError as exc:
            raise _storage_error(exc) from exc
        if conflict:
            raise VersionConflict(f"article {rec.article_id} already has a newer version")
        return version_id

    def _write_check(self, rec: CheckRecord) -> tuple[int | None, bool]:
        """One transaction; (version id, whether the version lost its compare-and-set)."""
        a = t.articles
        conflict = False
        version_id: int | None = None
        learned = False
        with self.engine.begin() as conn:
            lock_payloads(conn, rec.warc)  # first: revisit or response is decided in put_warc
            always: dict[str, Any] = {"check_count": a.c.check_count + 1}
            if rec.version is not None:
                expected = rec.expected_version_count or 0
                cas = conn.execute(
                    update(a)
                    .where(a.c.id == rec.article_id, a.c.version_count == expected)
                    .values(version_count=expected + 1)
                )
                if cas.rowcount != 1:
                    conflict = True
                    rec = _as_conflict(rec)
            if rec.version is not None:
                v = rec.version
                sha = self._put_blob(conn, v.raw_html) if v.raw_html is not None else None
                version_id = conn.execute(
                    insert(t.versions)
                    .values(
                        article_id=rec.article_id,
                        number=expected + 1,
                        captured_at=rec.captured_at,
                        title=v.title,
                        byline=v.byline,
                        standfirst=v.standfirst,
                        lead_caption=v.lead_caption,
                        published=v.published,
                        modified=v.modified,
                        text=v.text,
                        content_hash=v.content_hash,
                        raw_sha256=sha,
                        url=rec.final_url or rec.url,
                        extractor=v.extractor,
                        extractor_version=v.extractor_version,
                    )
                    .returning(t.versions.c.id)
                ).scalar_one()
                if rec.change is not None:
                    _put_change(conn, rec.article_id, version_id, rec.captured_at, rec.change)
                # What belongs to the version goes with it, lease or not.
                always["title"] = v.title
                if rec.last_changed is not None:
                    always["last_changed"] = rec.last_changed
            capture_id = conn.execute(
                insert(t.captures)
                .values(
                    article_id=rec.article_id,
                    captured_at=rec.captured_at,
                    url=rec.url,
                    final_url=rec.final_url,
                    http_status=rec.http_status,
                    duration_ms=rec.duration_ms,
                    bytes=rec.bytes,
                    etag=rec.etag,
                    last_modified=rec.last_modified,
                    outcome=rec.outcome,
                    reason=rec.reason,
                    version_id=version_id,
                    worker=rec.worker,
                )
                .returning(t.captures.c.id)
            ).scalar_one()
            if rec.warc:  # the capture's WARC records, in its transaction (docs/archive.md)
                put_warc(
                    conn,
                    rec.warc,
                    put_blob=self._put_blob,
                    compress=self._zc.compress,
                    article_id=rec.article_id,
                    capture_id=capture_id,
                    version_id=version_id,
                )
            conn.execute(update(a).where(a.c.id == rec.article_id).values(**always))
            frontier: dict[str, Any] = {
                "last_checked": rec.captured_at,
                "next_check": rec.next_check,
                "lease_owner": None,
                "lease_expires": None,
                "last_error": rec.reason
                if rec.outcome in (Outcome.ERROR, Outcome.SUSPECT)
                else None,
            }
            if rec.region_fp is not None:
                frontier["region_fp"] = rec.region_fp
            if rec.etag is not None or rec.last_modified is not None:
                frontier["etag"] = rec.etag
                frontier["last_modified"] = rec.last_modified
            if rec.status is not None:
                frontier["status"] = rec.status
            if rec.missing_count is not None:
                frontier["missing_count"] = rec.missing_count
            holds = or_(
                a.c.lease_owner == rec.worker if rec.worker is not None else false(),
                and_(
                    a.c.lease_owner.is_(None),
                    or_(a.c.last_checked.is_(None), a.c.last_checked <= rec.captured_at),
                ),
            )
            owned = conn.execute(
                update(a).where(a.c.id == rec.article_id, holds).values(**frontier)
            ).rowcount
            if not owned:
                log.info(
                    "article %s: lease lost to another worker; capture kept, frontier left alone",
                    rec.article_id,
                )
            removals: list[tuple[int, str]] = []
            for kind, detail in rec.events:
                event_id = conn.execute(
                    insert(t.events)
                    .values(article_id=rec.article_id, at=rec.captured_at, kind=kind, detail=detail)
                    .returning(t.events.c.id)
                ).scalar_one()
                if kind in REMOVALS:
                    removals.append((event_id, kind))
            if rec.furniture is not None and not rec.furniture.empty:
                learned = self._write_furniture(conn, rec.furniture, rec.captured_at)
            # Notifications: outbox rows in this same transaction (notify_db.enqueue).
            enqueue(conn, rec.article_id, rec.captured_at, version_id, rec.change, removals)
        if learned and rec.furniture is not None:
            self._furniture_changed(rec.furniture.source_id)
        return version_id, conflict

    # ---- reading history ----------------------------------------------------------------

    def versions(self, article_id: int) -> list[VersionRow]:
        with self._read() as conn:
            rows = conn.execute(
                select(t.versions)
                .where(t.versions.c.article_id == article_id)
                .order_by(t.versions.c.number)
            ).all()
        return [_version(r) for r in rows]

    def version(self, article_id: int, number: int) -> VersionRow:
        with self._read() as conn:
            row = conn.execute(
                select(t.versions).where(
                    t.versions.c.article_id == article_id, t.versions.c.number == number
                )
            ).first()
        if row is None:
            raise ArticleNotFound(f"article has no version {number}")
        return _version(row)

    def version_span(self, article_id: int) -> tuple[int, int] | None:
        """(lowest, highest) version number held: the lowest is below 1 once a backfill added
        versions from a web archive (docs/archive.md)."""
        v = t.versions
        with self._read() as conn:
            row = conn.execute(
                select(func.min(v.c.number), func.max(v.c.number)).where(
                    v.c.article_id == article_id
                )
            ).first()
        return (int(row[0]), int(row[1])) if row is not None and row[0] is not None else None

    def latest_version(self, article_id: int) -> VersionRow | None:
        with self._read() as conn:
            row = conn.execute(
                select(t.versions)
                .where(t.versions.c.article_id == article_id)
                .order_by(t.versions.c.number.desc())
                .limit(1)
            ).first()
        return _version(row) if row else None

    def changes(self, article_id: int) -> dict[int, ChangeRow]:
        """The stored change of each version (keyed by version id)."""
        with self._read() as conn:
            rows = conn.execute(select(t.changes).where(t.changes.c.article_id == article_id)).all()
        return {r.version_id: _change(r) for r in rows}

    def events(self, article_id: int) -> list[EventRow]:
        with self._read() as conn:
            rows = conn.execute(
                select(t.events)
                .where(t.events.c.article_id == article_id)
                .order_by(t.events.c.at, t.events.c.id)
            ).all()
        return [
            EventRow(article_id=r.article_id, at=r.at, kind=r.kind, detail=r.detail) for r in rows
        ]

    def captures(self, article_id: int, limit: int = 100) -> list[CaptureRow]:
        with self._read() as conn:
            rows = conn.execute(
                select(t.captures)
                .where(t.captures.c.article_id == article_id)
                .order_by(t.captures.c.captured_at.desc(), t.captures.c.id.desc())
                .limit(limit)
            ).all()
        return [
            CaptureRow(**{k: r._mapping[k] for k in CaptureRow.__dataclass_fields__}) for r in rows
        ]

    def raw_html(self, sha256: str) -> bytes:
        with self._read() as conn:
            data = conn.execute(select(t.blobs.c.data).where(t.blobs.c.sha256 == sha256)).scalar()
        if data is None:
            raise ArticleNotFound(f"no stored page {sha256}")
        return self._zd.decompress(data)

    def capture_counts(self, since: datetime) -> dict[str, int]:
        with self._read() as conn:
            rows = conn.execute(
                select(t.captures.c.outcome, func.count())
                .where(t.captures.c.captured_at >= since)
                .group_by(t.captures.c.outcome)
            ).all()
        return {r[0]: int(r[1]) for r in rows}

    def replace_change(self, version_id: int, change: ChangeRow) -> bool:
        """Store a recomputed change over the one a version has (a newer diff engine's result);
        False when the version has no stored change."""
        with self._tx() as conn:
            return bool(
                conn.execute(
                    update(t.changes)
                    .where(t.changes.c.version_id == version_id)
                    .values(
                        engine_version=change.engine_version,
                        level=change.level,
                        score=change.score,
                        classes=json.dumps(change.classes),
                        summary=change.summary,
                        stealth=change.stealth,
                        headline_changed="headline" in change.classes,
                        data=json.dumps(change.data),
                    )
                ).rowcount
            )

    def rewrite_history(self, rw: HistoryRewrite) -> None:
        """Apply a rebuilt history: collapsed versions go (their captures stay, as ``unchanged``
        with the reason), kept ones are renumbered 1..n with their new content and changes.
        Raises VersionConflict when a check wrote a version of the article meanwhile."""
        a, v, c = t.articles, t.versions, t.captures
        with self._tx() as conn:
            cas = conn.execute(
                update(a)
                .where(a.c.id == rw.article_id, a.c.version_count == rw.expected_version_count)
                .values(version_count=len(rw.kept))
            )
            if cas.rowcount != 1:
                raise VersionConflict(f"article {rw.article_id} changed while it was re-extracted")
            conn.execute(delete(t.changes).where(t.changes.c.article_id == rw.article_id))
            for version_id, reason in rw.collapsed:
                conn.execute(
                    update(c)
                    .where(c.c.version_id == version_id)
                    .values(
                        outcome=Outcome.UNCHANGED, reason=f"reextract: {reason}", version_id=None
                    )
                )
                conn.execute(delete(v).where(v.c.id == version_id))
            for k in sorted(rw.kept, key=lambda k: k.number):
                row = conn.execute(select(v.c.captured_at).where(v.c.id == k.version_id)).one()
                conn.execute(
                    update(v)
                    .where(v.c.id == k.version_id)
                    .values(
                        number=k.number,
                        title=k.title,
                        byline=k.byline,
                        standfirst=k.standfirst,
                        lead_caption=k.lead_caption,
                        text=k.text,
                        content_hash=k.content_hash,
                        extractor=k.extractor,
                        extractor_version=k.extractor_version,
                    )
                )
                if k.change is not None:
                    _put_change(conn, rw.article_id, k.version_id, row.captured_at, k.change)
            if rw.kept:
                last = max(rw.kept, key=lambda k: k.number)
                conn.execute(update(a).where(a.c.id == rw.article_id).values(title=last.title))
