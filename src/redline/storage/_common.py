"""What the parts of ``Store`` share: their base class, row converters and the lease helper."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

import zstandard
from sqlalchemy import Connection, insert, update
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import DBAPIError

from redline.errors import StorageError
from redline.sources.model import SourceConfig
from redline.storage import schema as t
from redline.storage.records import ArticleRow, ChangeRow, FurnitureUpdate, SourceRow, VersionRow


class _Base:
    """What every part of ``Store`` relies on; ``Store`` provides it."""

    engine: Engine

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[Connection]:
            """One write transaction; a database error other than an IntegrityError becomes a
            StorageError."""

        def _read(self) -> AbstractContextManager[Connection]:
            """A connection for reading; a database error becomes a StorageError."""

        @property
        def _zc(self) -> zstandard.ZstdCompressor:
            """This thread's compressor of raw pages (zstd objects are not thread-safe)."""

        @property
        def _zd(self) -> zstandard.ZstdDecompressor:
            """This thread's decompressor of raw pages."""

        def _write_furniture(self, conn: Connection, upd: FurnitureUpdate, now: datetime) -> bool:
            """Apply what a check (or a backfill) learned of a source's furniture, in ``conn``'s
            transaction; True when the source's active rules changed (furniture_db)."""

        def _furniture_changed(self, source_id: int) -> None:
            """Note that the source's active rules changed (after the transaction commits)."""


def _lease(conn: Connection, table: Any, due: Any, worker: str, until: datetime) -> list[int]:
    """Mark the rows selected by ``due`` (FOR UPDATE SKIP LOCKED) as leased; their ids."""
    return list(
        conn.execute(
            update(table)
            .where(table.c.id.in_(due.scalar_subquery()))
            .values(lease_owner=worker, lease_expires=until)
            .returning(table.c.id)
        ).scalars()
    )


def _storage_error(exc: DBAPIError) -> StorageError:
    first = (str(exc.orig or exc).strip().splitlines() or ["unknown"])[0]
    return StorageError(f"database error: {first}")


def _article(row: Row[Any]) -> ArticleRow:
    m = row._mapping
    return ArticleRow(
        id=m["id"],
        url=m["url"],
        source_id=m["source_id"],
        source=m.get("source_name"),
        status=m["status"],
        title=m["title"],
        first_seen=m["first_seen"],
        last_checked=m["last_checked"],
        last_changed=m["last_changed"],
        next_check=m["next_check"],
        version_count=m["version_count"],
        check_count=m["check_count"],
        missing_count=m["missing_count"],
        etag=m["etag"],
        last_modified=m["last_modified"],
        region_fp=m["region_fp"],
        last_error=m["last_error"],
    )


def _version(row: Row[Any]) -> VersionRow:
    m = row._mapping
    return VersionRow(**{k: m[k] for k in VersionRow.__dataclass_fields__})


def _change(row: Row[Any]) -> ChangeRow:
    m = row._mapping
    return ChangeRow(
        version_id=m["version_id"],
        engine_version=m["engine_version"],
        level=m["level"],
        score=m["score"],
        classes=json.loads(m["classes"]),
        summary=m["summary"],
        stealth=bool(m["stealth"]),
        data=json.loads(m["data"]),
    )


def _source(row: Row[Any]) -> SourceRow:
    m = row._mapping
    return SourceRow(
        id=m["id"],
        config=SourceConfig.from_dict(json.loads(m["config"])),
        created_at=m["created_at"],
        next_discovery=m["next_discovery"],
        last_discovery=m["last_discovery"],
        paused=bool(m.get("paused", False)),
    )


# An article row with its source's name: select(*_ARTICLE_COLS).select_from(_ARTICLE_FROM).
_ARTICLE_COLS = [*t.articles.c, t.sources.c.name.label("source_name")]
_ARTICLE_FROM = t.articles.outerjoin(t.sources, t.articles.c.source_id == t.sources.c.id)


def _put_change(
    conn: Connection, article_id: int, version_id: int, at: datetime, c: ChangeRow
) -> None:
    """Insert the stored change that made a version (checks, rewrites and backfills)."""
    conn.execute(
        insert(t.changes).values(
            version_id=version_id,
            article_id=article_id,
            created_at=at,
            engine_version=c.engine_version,
            level=c.level,
            score=c.score,
            classes=json.dumps(c.classes),
            summary=c.summary,
            stealth=c.stealth,
            headline_changed="headline" in c.classes,
            data=json.dumps(c.data),
        )
    )
