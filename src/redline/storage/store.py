"""The storage layer: the only code that speaks SQL. It knows nothing of the web or the CLI.

One ``Store`` per process wraps an Engine. Every write is one short transaction; a new version
is guarded by a compare-and-set on ``articles.version_count`` plus the unique
``(article_id, number)`` constraint, so two checkers can never write the same version twice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import zstandard
from sqlalchemy import Connection, and_, case, delete, false, func, insert, or_, select, update
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import DBAPIError, IntegrityError

from redline.errors import ArticleNotFound, RedlineError, SourceError, StorageError
from redline.frontier.urls import canonicalize_url, identity_key
from redline.sources.model import SourceConfig
from redline.storage import schema as t
from redline.storage.database import create_db_engine, migrate
from redline.storage.records import (
    ArticleRow,
    CaptureRow,
    ChangeRow,
    CheckRecord,
    EventRow,
    NewChange,
    SourceRow,
    VersionRow,
)

_ZSTD_LEVEL = 6
_SOURCES_CACHE_SECONDS = 5.0  # how stale the sources behind _strip_for may be (another process)
log = logging.getLogger(__name__)


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


def _as_conflict(rec: CheckRecord) -> CheckRecord:
    """The capture of a check whose new version another checker wrote first: kept as history,
    without the version, and without validators or fingerprint (the next check re-extracts)."""
    return replace(
        rec, outcome="conflict", version=None, change=None, region_fp=None, etag=None,
        last_modified=None, last_changed=None, status=None, events=[],
        reason=f"another checker wrote version {(rec.expected_version_count or 0) + 1} first",
    )  # fmt: skip


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class VersionConflict(RedlineError):
    """Another checker wrote a version of this article first; this check's result is dropped."""


def _article(row: Row[Any]) -> ArticleRow:
    m = row._mapping
    return ArticleRow(
        id=m["id"], url=m["url"], source_id=m["source_id"], source=m.get("source_name"),
        status=m["status"], title=m["title"], first_seen=m["first_seen"],
        last_checked=m["last_checked"], last_changed=m["last_changed"], next_check=m["next_check"],
        version_count=m["version_count"], check_count=m["check_count"],
        missing_count=m["missing_count"], etag=m["etag"], last_modified=m["last_modified"],
        region_fp=m["region_fp"], last_error=m["last_error"],
    )  # fmt: skip


def _version(row: Row[Any]) -> VersionRow:
    m = row._mapping
    return VersionRow(**{k: m[k] for k in VersionRow.__dataclass_fields__})


def _source(row: Row[Any]) -> SourceRow:
    m = row._mapping
    return SourceRow(
        id=m["id"], config=SourceConfig.from_dict(json.loads(m["config"])),
        created_at=m["created_at"], next_discovery=m["next_discovery"],
        last_discovery=m["last_discovery"],
    )  # fmt: skip


_ARTICLE_COLS = [*t.articles.c, t.sources.c.name.label("source_name")]
_ARTICLE_FROM = t.articles.outerjoin(t.sources, t.articles.c.source_id == t.sources.c.id)


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._zc = zstandard.ZstdCompressor(level=_ZSTD_LEVEL)
        self._zd = zstandard.ZstdDecompressor()
        self._sources_cache: tuple[float, list[SourceRow]] | None = None

    @classmethod
    def open(cls, url: str, *, run_migrations: bool = True) -> Store:
        engine = create_db_engine(url)
        if run_migrations:
            migrate(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except IntegrityError:
            raise
        except DBAPIError as exc:
            raise _storage_error(exc) from exc

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except DBAPIError as exc:
            raise _storage_error(exc) from exc

    # ---- sources ------------------------------------------------------------------------

    def add_source(self, cfg: SourceConfig, now: datetime) -> SourceRow:
        self._sources_cache = None
        try:
            with self._tx() as conn:
                conn.execute(
                    insert(t.sources).values(
                        name=cfg.name,
                        config=json.dumps(cfg.to_dict()),
                        created_at=now,
                        next_discovery=now,
                    )
                )
        except IntegrityError as exc:
            raise SourceError(
                f"a source named {cfg.name!r} already exists; remove it first or pick another name"
            ) from exc
        return self.get_source(cfg.name)

    def save_source(self, cfg: SourceConfig, now: datetime) -> tuple[SourceRow, bool]:
        """Insert or replace a source's configuration; returns (row, created)."""
        self._sources_cache = None
        with self._tx() as conn:
            existing = conn.execute(
                select(t.sources.c.id).where(t.sources.c.name == cfg.name)
            ).first()
            if existing:
                conn.execute(
                    update(t.sources)
                    .where(t.sources.c.id == existing.id)
                    .values(config=json.dumps(cfg.to_dict()), next_discovery=now)
                )
            else:
                conn.execute(
                    insert(t.sources).values(
                        name=cfg.name,
                        config=json.dumps(cfg.to_dict()),
                        created_at=now,
                        next_discovery=now,
                    )
                )
        return self.get_source(cfg.name), existing is None

    def remove_source(self, name: str) -> int:
        """Remove a source. Its articles and versions are kept (detached); returns their count."""
        self._sources_cache = None
        src = self.get_source(name)
        with self._tx() as conn:
            n = conn.execute(
                update(t.articles).where(t.articles.c.source_id == src.id).values(source_id=None)
            ).rowcount
            conn.execute(delete(t.discovery_state).where(t.discovery_state.c.source_id == src.id))
            conn.execute(delete(t.sources).where(t.sources.c.id == src.id))
        return int(n or 0)

    def get_source(self, name: str) -> SourceRow:
        with self._read() as conn:
            row = conn.execute(select(t.sources).where(t.sources.c.name == name)).first()
        if row is None:
            raise SourceError(f"no source named {name!r}; see `redline source list`")
        return _source(row)

    def list_sources(self) -> list[SourceRow]:
        with self._read() as conn:
            rows = conn.execute(select(t.sources).order_by(t.sources.c.name)).all()
        return [_source(r) for r in rows]

    def due_sources(self, now: datetime, name: str | None = None) -> list[SourceRow]:
        q = select(t.sources).where(
            or_(t.sources.c.next_discovery.is_(None), t.sources.c.next_discovery <= now)
        )
        if name:
            q = q.where(t.sources.c.name == name)
        with self._read() as conn:
            return [_source(r) for r in conn.execute(q.order_by(t.sources.c.id))]

    def claim_sources(
        self, now: datetime, *, worker: str, lease: timedelta, name: str | None = None,
        limit: int = 10, due_before: datetime | None = None,
    ) -> list[SourceRow]:  # fmt: skip
        """Lease up to ``limit`` sources whose discovery is due (by ``due_before``, default
        ``now``) until ``now + lease``, so two workers never poll one feed at once. ``now`` is
        the current time: call again for the next batch, each with a fresh lease."""
        src = t.sources
        due = now if due_before is None else due_before
        cond = [
            or_(src.c.next_discovery.is_(None), src.c.next_discovery <= due),
            or_(src.c.lease_expires.is_(None), src.c.lease_expires < now),
        ]
        if name:
            cond.append(src.c.name == name)
        sub = (
            select(src.c.id)
            .where(*cond)
            .order_by(src.c.next_discovery, src.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        with self._tx() as conn:
            ids = _lease(conn, src, sub, worker, now + lease)
            rows = (
                conn.execute(select(src).where(src.c.id.in_(ids)).order_by(src.c.id)).all()
                if ids
                else []
            )
        return [_source(r) for r in rows]

    def mark_discovered(
        self, source_id: int, now: datetime, next_at: datetime, *, worker: str | None = None
    ) -> bool:
        """Record a finished discovery and release the source. With ``worker``, only while that
        worker still holds the lease (a late worker must not release another one's claim);
        False when it no longer does."""
        src = t.sources
        cond = [src.c.id == source_id]
        if worker is not None:
            cond.append(src.c.lease_owner == worker)
        with self._tx() as conn:
            n = conn.execute(
                update(src)
                .where(*cond)
                .values(
                    last_discovery=now, next_discovery=next_at, lease_owner=None, lease_expires=None
                )
            ).rowcount
        return bool(n)

    def discovery_validators(
        self, source_id: int, url: str, kind: str
    ) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) this source last saw for ``url`` polled as ``kind``."""
        ds = t.discovery_state
        with self._read() as conn:
            row = conn.execute(
                select(ds.c.etag, ds.c.last_modified).where(
                    ds.c.source_id == source_id, ds.c.url == url, ds.c.kind == kind
                )
            ).first()
        return (row.etag, row.last_modified) if row else (None, None)

    def save_discovery_state(
        self, source_id: int, url: str, kind: str, now: datetime, *, etag: str | None,
        last_modified: str | None, error: str | None,
    ) -> None:  # fmt: skip
        """Record one poll. With ``error`` the validators are cleared, so the next poll fetches
        the whole document again instead of a 304 for what was never parsed."""
        ds = t.discovery_state
        values = dict(
            last_fetched=now, last_error=error, etag=None if error else etag,
            last_modified=None if error else last_modified,
        )  # fmt: skip
        key = (ds.c.source_id == source_id, ds.c.url == url, ds.c.kind == kind)
        with self._tx() as conn:
            n = conn.execute(update(ds).where(*key).values(**values)).rowcount
            if not n:
                conn.execute(insert(ds).values(source_id=source_id, url=url, kind=kind, **values))

    def discovery_errors(self) -> list[dict[str, Any]]:
        """Every feed, sitemap or homepage whose last poll failed: source, url, kind, error, at."""
        ds, src = t.discovery_state, t.sources
        q = (
            select(src.c.name.label("source"), ds.c.url, ds.c.kind, ds.c.last_error, ds.c.last_fetched)
            .select_from(ds.join(src, src.c.id == ds.c.source_id))
            .where(ds.c.last_error.is_not(None))
            .order_by(src.c.name, ds.c.url)
        )  # fmt: skip
        with self._read() as conn:
            rows = conn.execute(q).all()
        return [
            {"source": r.source, "url": r.url, "kind": r.kind, "error": r.last_error, "at": r.last_fetched}
            for r in rows
        ]  # fmt: skip

    # ---- articles -----------------------------------------------------------------------

    def _strip_for(self, url: str, source_id: int | None = None) -> tuple[str, ...]:
        """The site's own tracking parameters for ``url``: the ``strip_params`` of the source
        ``source_id`` and of every source on the URL's site. Looked up only for a URL with a query
        string, from a list of sources read at most every few seconds."""
        if "?" not in url:
            return ()
        now = time.monotonic()
        if self._sources_cache is None or now - self._sources_cache[0] > _SOURCES_CACHE_SECONDS:
            self._sources_cache = (now, self.list_sources())
        return tuple(
            p
            for row in self._sources_cache[1]
            if row.config.strip_params and (row.id == source_id or row.config.covers(url))
            for p in row.config.strip_params
        )

    def find_article(self, url: str) -> ArticleRow | None:
        """The article any variant of ``url`` leads to, or None."""
        key = identity_key(url, self._strip_for(url))
        q = (
            select(*_ARTICLE_COLS)
            .select_from(
                _ARTICLE_FROM.join(t.article_urls, t.article_urls.c.article_id == t.articles.c.id)
            )
            .where(t.article_urls.c.key == key)
        )
        with self._read() as conn:
            row = conn.execute(q).first()
        return _article(row) if row else None

    def require_article(self, url: str) -> ArticleRow:
        art = self.find_article(url)
        if art is None:
            raise ArticleNotFound(f"no tracked article for {url}; add it with `redline check URL`")
        return art

    def get_article(self, article_id: int) -> ArticleRow:
        with self._read() as conn:
            row = conn.execute(
                select(*_ARTICLE_COLS)
                .select_from(_ARTICLE_FROM)
                .where(t.articles.c.id == article_id)
            ).first()
        if row is None:
            raise ArticleNotFound(f"no article with id {article_id}")
        return _article(row)

    def add_article(
        self, url: str, source_id: int | None, now: datetime, *, title: str | None = None
    ) -> tuple[ArticleRow, bool]:
        """Track ``url`` (any variant). Returns (article, created); never duplicates."""
        canon = canonicalize_url(url, self._strip_for(url, source_id))
        existing = self.find_article(canon)
        if existing:
            return existing, False
        try:
            with self._tx() as conn:
                article_id = conn.execute(
                    insert(t.articles)
                    .values(
                        source_id=source_id, url=canon, status="live", title=title,
                        first_seen=now, next_check=now, version_count=0, check_count=0,
                        missing_count=0,
                    )
                    .returning(t.articles.c.id)
                ).scalar_one()  # fmt: skip
                conn.execute(
                    insert(t.article_urls).values(
                        key=identity_key(canon), article_id=article_id, url=canon
                    )
                )
                conn.execute(
                    insert(t.events).values(
                        article_id=article_id, at=now, kind="first_seen", detail=canon
                    )
                )
        except IntegrityError:
            # Another process added it between our look-up and insert.
            again = self.find_article(canon)
            if again is None:
                raise
            return again, False
        return self.get_article(article_id), True

    def add_alias(self, article_id: int, url: str) -> bool:
        """Record another URL variant of an article; False when it already leads elsewhere."""
        strip = self._strip_for(url)
        key = identity_key(url, strip)
        with self._tx() as conn:
            row = conn.execute(
                select(t.article_urls.c.article_id).where(t.article_urls.c.key == key)
            ).first()
            if row:
                return bool(row.article_id == article_id)
            conn.execute(
                insert(t.article_urls).values(
                    key=key, article_id=article_id, url=canonicalize_url(url, strip)
                )
            )
        return True

    def rename_article(self, article_id: int, url: str) -> None:
        """Make ``url`` (the page's own canonical URL) the article's main URL; the old one stays an alias."""
        canon = canonicalize_url(url, self._strip_for(url))
        self.add_alias(article_id, canon)
        with self._tx() as conn:
            conn.execute(update(t.articles).where(t.articles.c.id == article_id).values(url=canon))

    def merge_article(self, duplicate_id: int, into_id: int, now: datetime) -> None:
        """Fold an article with no versions into the one it turned out to be (same canonical URL)."""
        with self._tx() as conn:
            n = conn.execute(
                select(t.articles.c.version_count).where(t.articles.c.id == duplicate_id)
            ).scalar_one()
            if n:
                raise StorageError("refusing to merge an article that already has versions")
            conn.execute(
                update(t.article_urls)
                .where(t.article_urls.c.article_id == duplicate_id)
                .values(article_id=into_id)
            )
            conn.execute(
                update(t.captures)
                .where(t.captures.c.article_id == duplicate_id)
                .values(article_id=into_id)
            )
            conn.execute(delete(t.events).where(t.events.c.article_id == duplicate_id))
            conn.execute(delete(t.articles).where(t.articles.c.id == duplicate_id))

    def due_articles(
        self, now: datetime, limit: int, *, source_id: int | None = None, all_live: bool = False,
        after_id: int = 0,
    ) -> list[ArticleRow]:  # fmt: skip
        """Articles to check now, oldest due first; with ``all_live`` every live article (by id)."""
        a = t.articles
        q = select(*_ARTICLE_COLS).select_from(_ARTICLE_FROM)
        if all_live:
            q = q.where(a.c.status == "live", a.c.id > after_id).order_by(a.c.id)
        else:
            q = q.where(
                a.c.status.in_(["live", "deleted", "gone"]), a.c.next_check.is_not(None),
                a.c.next_check <= now,
                or_(a.c.lease_expires.is_(None), a.c.lease_expires < now),
            ).order_by(a.c.next_check)  # fmt: skip
        if source_id is not None:
            q = q.where(a.c.source_id == source_id)
        with self._read() as conn:
            return [_article(r) for r in conn.execute(q.limit(limit))]

    def claim_articles(
        self, now: datetime, limit: int, *, worker: str, lease: timedelta,
        source_id: int | None = None, all_live: bool = False, after_id: int = 0,
        due_before: datetime | None = None,
    ) -> list[ArticleRow]:  # fmt: skip
        """Lease up to ``limit`` articles due by ``due_before`` (default ``now``) to ``worker``
        until ``now + lease``. ``now`` must be the current time, not the start of a long round:
        the lease is measured from the moment of the claim.

        ``FOR UPDATE SKIP LOCKED`` on PostgreSQL lets many workers claim side by side without
        waiting on each other; SQLite serialises writers, so the same statement is safe there.
        A worker that dies simply lets its leases expire; ``record_check`` releases them.
        """
        a = t.articles
        due = now if due_before is None else due_before
        cond = [or_(a.c.lease_expires.is_(None), a.c.lease_expires < now)]
        if all_live:
            cond += [a.c.status == "live", a.c.id > after_id]
            order = a.c.id
        else:
            cond += [
                a.c.status.in_(["live", "deleted", "gone"]),
                a.c.next_check.is_not(None),
                a.c.next_check <= due,
            ]
            if due_before is not None:  # a round: what was checked since it began waits
                cond.append(or_(a.c.last_checked.is_(None), a.c.last_checked < due_before))
            order = a.c.next_check
        if source_id is not None:
            cond.append(a.c.source_id == source_id)
        sub = (
            select(a.c.id)
            .where(*cond)
            .order_by(order)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        with self._tx() as conn:
            ids = _lease(conn, a, sub, worker, now + lease)
            if not ids:
                return []
            rows = conn.execute(
                select(*_ARTICLE_COLS)
                .select_from(_ARTICLE_FROM)
                .where(a.c.id.in_(ids))
                .order_by(order)
            ).all()
        return [_article(r) for r in rows]

    def renew_leases(self, worker: str, ids: Sequence[int], until: datetime) -> int:
        """Extend ``worker``'s leases on ``ids`` (its in-flight articles) to ``until``; an
        article whose lease another worker took meanwhile is left alone. Returns how many."""
        if not ids:
            return 0
        a = t.articles
        with self._tx() as conn:
            n = conn.execute(
                update(a)
                .where(a.c.id.in_(list(ids)), a.c.lease_owner == worker)
                .values(lease_expires=until)
            ).rowcount
        return int(n or 0)

    def release_articles(self, ids: Sequence[int], worker: str) -> None:
        """Give back leases not used (graceful shutdown)."""
        if not ids:
            return
        a = t.articles
        with self._tx() as conn:
            conn.execute(
                update(a)
                .where(a.c.id.in_(list(ids)), a.c.lease_owner == worker)
                .values(lease_owner=None, lease_expires=None)
            )

    def next_due(self, source_id: int | None = None) -> datetime | None:
        a = t.articles
        q = select(func.min(a.c.next_check)).where(a.c.status.in_(["live", "deleted", "gone"]))
        if source_id is not None:
            q = q.where(a.c.source_id == source_id)
        with self._read() as conn:
            return conn.execute(q).scalar()

    def next_discovery(self) -> datetime | None:
        with self._read() as conn:
            return conn.execute(select(func.min(t.sources.c.next_discovery))).scalar()

    def list_articles(
        self, *, source: str | None = None, changed: bool = False, limit: int = 1000,
        before: tuple[datetime, int] | None = None,
    ) -> list[ArticleRow]:  # fmt: skip
        """Newest first by first_seen (or last_changed with ``changed``), keyset-paginated."""
        a = t.articles
        order_col = a.c.last_changed if changed else a.c.first_seen
        q = select(*_ARTICLE_COLS).select_from(_ARTICLE_FROM)
        if source:
            q = q.where(t.sources.c.name == source)
        if changed:
            q = q.where(a.c.version_count > 1)
        if before:
            q = q.where(
                or_(order_col < before[0], and_(order_col == before[0], a.c.id < before[1]))
            )
        q = q.order_by(order_col.desc(), a.c.id.desc()).limit(limit)
        with self._read() as conn:
            return [_article(r) for r in conn.execute(q)]

    def count_articles(self) -> int:
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(t.articles)).scalar_one())

    # ---- checks -------------------------------------------------------------------------

    def _put_blob(self, conn: Connection, raw: bytes) -> str:
        sha = hashlib.sha256(raw).hexdigest()
        if conn.execute(select(t.blobs.c.sha256).where(t.blobs.c.sha256 == sha)).first() is None:
            conn.execute(
                insert(t.blobs).values(sha256=sha, size=len(raw), data=self._zc.compress(raw))
            )
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
        with self.engine.begin() as conn:
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
                        article_id=rec.article_id, number=expected + 1, captured_at=rec.captured_at,
                        title=v.title, byline=v.byline, published=v.published, modified=v.modified,
                        text=v.text, content_hash=v.content_hash, raw_sha256=sha, url=rec.final_url or rec.url,
                        extractor=v.extractor, extractor_version=v.extractor_version,
                    )
                    .returning(t.versions.c.id)
                ).scalar_one()  # fmt: skip
                if rec.change is not None:
                    c = rec.change
                    conn.execute(
                        insert(t.changes).values(
                            version_id=version_id, article_id=rec.article_id, created_at=rec.captured_at,
                            engine_version=c.engine_version, level=c.level, score=c.score,
                            classes=json.dumps(c.classes), summary=c.summary, stealth=c.stealth,
                            headline_changed="headline" in c.classes, data=json.dumps(c.data),
                        )
                    )  # fmt: skip
                # What belongs to the version goes with it, lease or not.
                always["title"] = v.title
                if rec.last_changed is not None:
                    always["last_changed"] = rec.last_changed
            conn.execute(
                insert(t.captures).values(
                    article_id=rec.article_id, captured_at=rec.captured_at, url=rec.url,
                    final_url=rec.final_url, http_status=rec.http_status, duration_ms=rec.duration_ms,
                    bytes=rec.bytes, etag=rec.etag, last_modified=rec.last_modified,
                    outcome=rec.outcome, reason=rec.reason, version_id=version_id, worker=rec.worker,
                )
            )  # fmt: skip
            conn.execute(update(a).where(a.c.id == rec.article_id).values(**always))
            frontier: dict[str, Any] = {
                "last_checked": rec.captured_at, "next_check": rec.next_check,
                "lease_owner": None, "lease_expires": None,
                "last_error": rec.reason if rec.outcome in ("error", "suspect") else None,
            }  # fmt: skip
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
            for kind, detail in rec.events:
                conn.execute(
                    insert(t.events).values(
                        article_id=rec.article_id, at=rec.captured_at, kind=kind, detail=detail
                    )
                )
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
        return {
            r.version_id: ChangeRow(
                version_id=r.version_id, engine_version=r.engine_version, level=r.level,
                score=r.score, classes=json.loads(r.classes), summary=r.summary,
                stealth=bool(r.stealth), data=json.loads(r.data),
            )
            for r in rows
        }  # fmt: skip

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

    def frontier_status(self, now: datetime, overdue_after: timedelta) -> list[dict[str, Any]]:
        """Per source: articles, due now, overdue, leased, never checked again, deleted/gone."""
        a = t.articles
        checkable = a.c.status.in_(["live", "deleted", "gone"])

        def n(cond: Any) -> Any:
            return func.sum(case((cond, 1), else_=0))

        q = (
            select(
                t.sources.c.name.label("source"),
                func.count(a.c.id).label("articles"),
                n(and_(checkable, a.c.next_check <= now)).label("due"),
                n(and_(checkable, a.c.next_check <= now - overdue_after)).label("overdue"),
                n(a.c.lease_expires > now).label("leased"),
                n(a.c.next_check.is_(None)).label("never"),
                n(a.c.status.in_(["deleted", "gone"])).label("deleted"),
                func.min(a.c.next_check).label("next_due"),
            )
            .select_from(_ARTICLE_FROM)
            .group_by(t.sources.c.name)
            .order_by(t.sources.c.name)
        )
        with self._read() as conn:
            return [
                {
                    k: (int(v or 0) if k not in ("source", "next_due") else v)
                    for k, v in r._mapping.items()
                }
                for r in conn.execute(q)
            ]

    def heartbeat(
        self,
        worker: str,
        host: str,
        pid: int,
        started: datetime,
        now: datetime,
        checks: int,
        errors: int,
    ) -> None:
        with self._tx() as conn:
            values = dict(
                host=host, pid=pid, started_at=started, last_seen=now, checks=checks, errors=errors
            )
            if not conn.execute(
                update(t.workers).where(t.workers.c.id == worker).values(**values)
            ).rowcount:
                conn.execute(insert(t.workers).values(id=worker, **values))

    def workers_seen(self, since: datetime) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(
                select(t.workers).where(t.workers.c.last_seen >= since).order_by(t.workers.c.id)
            ).all()
        return [dict(r._mapping) for r in rows]

    # ---- API tokens -----------------------------------------------------------------------

    def create_token(self, name: str, now: datetime) -> str:
        """A new random API token; only its SHA-256 is stored, the token itself is shown once."""
        token = "rl_" + secrets.token_urlsafe(32)
        with self._tx() as conn:
            conn.execute(
                insert(t.api_tokens).values(
                    name=name, token_hash=_token_hash(token), created_at=now
                )
            )
        return token

    def verify_token(self, token: str, now: datetime) -> bool:
        """True for a known token. Tokens carry 256 random bits, so a fast hash is safe; the
        final comparison is constant-time."""
        digest = _token_hash(token)
        with self._tx() as conn:
            row = conn.execute(
                select(t.api_tokens.c.id, t.api_tokens.c.token_hash).where(
                    t.api_tokens.c.token_hash == digest
                )
            ).first()
            if row is None or not hmac.compare_digest(row.token_hash, digest):
                return False
            conn.execute(
                update(t.api_tokens).where(t.api_tokens.c.id == row.id).values(last_used=now)
            )
        return True

    def list_tokens(self) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(
                select(
                    t.api_tokens.c.id,
                    t.api_tokens.c.name,
                    t.api_tokens.c.created_at,
                    t.api_tokens.c.last_used,
                )
            ).all()
        return [dict(r._mapping) for r in rows]

    def revoke_token(self, token_id: int) -> bool:
        with self._tx() as conn:
            return bool(
                conn.execute(delete(t.api_tokens).where(t.api_tokens.c.id == token_id)).rowcount
            )

    def article_ids(self, batch: int = 1000) -> Iterator[Sequence[int]]:
        """Stream all article ids in batches (never all loaded at once)."""
        last = 0
        while True:
            with self._read() as conn:
                ids = (
                    conn.execute(
                        select(t.articles.c.id)
                        .where(t.articles.c.id > last)
                        .order_by(t.articles.c.id)
                        .limit(batch)
                    )
                    .scalars()
                    .all()
                )
            if not ids:
                return
            yield ids
            last = ids[-1]

    def replace_change(self, version_id: int, change: NewChange) -> bool:
        """Store a recomputed change over the one a version has (a newer diff engine's result);
        False when the version has no stored change."""
        with self._tx() as conn:
            return bool(
                conn.execute(
                    update(t.changes).where(t.changes.c.version_id == version_id).values(
                        engine_version=change.engine_version, level=change.level, score=change.score,
                        classes=json.dumps(change.classes), summary=change.summary, stealth=change.stealth,
                        headline_changed="headline" in change.classes, data=json.dumps(change.data),
                    )
                ).rowcount
            )  # fmt: skip


__all__ = ["Store", "VersionConflict"]
