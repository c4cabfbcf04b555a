"""Sources: their configuration, discovery leases and per-feed discovery state."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, false, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from redline.errors import SourceError
from redline.sources.model import SourceConfig
from redline.storage import schema as t
from redline.storage._common import _Base, _lease, _source
from redline.storage.records import SourceRow

_SOURCES_CACHE_SECONDS = 5.0  # how stale the sources behind _strip_for may be (another process)


def _new_source(cfg: SourceConfig, now: datetime) -> Any:
    """The INSERT of a new source, discovered at once."""
    return insert(t.sources).values(
        name=cfg.name, config=json.dumps(cfg.to_dict()), created_at=now, next_discovery=now
    )


class SourcesMixin(_Base):
    """``Store``'s sources and their discovery."""

    # (time read, rows) behind _strip_for; cleared by every change of a source.
    _sources_cache: tuple[float, list[SourceRow]] | None

    def add_source(self, cfg: SourceConfig, now: datetime) -> SourceRow:
        self._sources_cache = None
        try:
            with self._tx() as conn:
                conn.execute(_new_source(cfg, now))
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
                conn.execute(_new_source(cfg, now))
        return self.get_source(cfg.name), existing is None

    def update_source(self, cfg: SourceConfig, now: datetime) -> SourceRow:
        """Replace an existing source's configuration (``source edit``); discovered again now."""
        self._sources_cache = None
        with self._tx() as conn:
            n = conn.execute(
                update(t.sources)
                .where(t.sources.c.name == cfg.name)
                .values(config=json.dumps(cfg.to_dict()), next_discovery=now)
            ).rowcount
        if not n:
            raise SourceError(f"no source named {cfg.name!r}; see `redline source list`")
        return self.get_source(cfg.name)

    def set_paused(self, name: str, paused: bool, now: datetime) -> SourceRow:
        """Pause or resume a source. Resuming makes its discovery due at once."""
        self._sources_cache = None
        values: dict[str, Any] = {"paused": paused}
        if not paused:
            values["next_discovery"] = now
        with self._tx() as conn:
            n = conn.execute(
                update(t.sources).where(t.sources.c.name == name).values(**values)
            ).rowcount
        if not n:
            raise SourceError(f"no source named {name!r}; see `redline source list`")
        return self.get_source(name)

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
            or_(t.sources.c.next_discovery.is_(None), t.sources.c.next_discovery <= now),
            t.sources.c.paused.is_(false()),
        )
        if name:
            q = q.where(t.sources.c.name == name)
        with self._read() as conn:
            return [_source(r) for r in conn.execute(q.order_by(t.sources.c.id))]

    def claim_sources(
        self,
        now: datetime,
        *,
        worker: str,
        lease: timedelta,
        name: str | None = None,
        limit: int = 10,
        due_before: datetime | None = None,
    ) -> list[SourceRow]:
        """Lease up to ``limit`` sources whose discovery is due (by ``due_before``, default
        ``now``) until ``now + lease``, so two workers never poll one feed at once. ``now`` is
        the current time: call again for the next batch, each with a fresh lease."""
        src = t.sources
        due = now if due_before is None else due_before
        cond = [
            or_(src.c.next_discovery.is_(None), src.c.next_discovery <= due),
            or_(src.c.lease_expires.is_(None), src.c.lease_expires < now),
            src.c.paused.is_(false()),
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
        else:  # a forced round (`crawl --once`) holds no lease: leave a worker's claim alone
            cond.append(or_(src.c.lease_owner.is_(None), src.c.lease_expires < now))
        with self._tx() as conn:
            n = conn.execute(
                update(src)
                .where(*cond)
                .values(
                    last_discovery=now, next_discovery=next_at, lease_owner=None, lease_expires=None
                )
            ).rowcount
        return bool(n)

    def renew_source_leases(self, worker: str, ids: Sequence[int], until: datetime) -> int:
        """Extend ``worker``'s leases on the sources it is discovering, so a long discovery is
        never re-claimed by another worker halfway through. Returns how many."""
        if not ids:
            return 0
        src = t.sources
        with self._tx() as conn:
            n = conn.execute(
                update(src)
                .where(src.c.id.in_(list(ids)), src.c.lease_owner == worker)
                .values(lease_expires=until)
            ).rowcount
        return int(n or 0)

    def release_sources(self, ids: Sequence[int], worker: str) -> None:
        """Give back sources whose discovery was interrupted (shutdown): due again at once."""
        if not ids:
            return
        src = t.sources
        with self._tx() as conn:
            conn.execute(
                update(src)
                .where(src.c.id.in_(list(ids)), src.c.lease_owner == worker)
                .values(lease_owner=None, lease_expires=None)
            )

    def next_discovery(self) -> datetime | None:
        with self._read() as conn:
            return conn.execute(
                select(func.min(t.sources.c.next_discovery)).where(t.sources.c.paused.is_(false()))
            ).scalar()

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
        self,
        source_id: int,
        url: str,
        kind: str,
        now: datetime,
        *,
        etag: str | None,
        last_modified: str | None,
        error: str | None,
    ) -> None:
        """Record one poll. With ``error`` the validators are cleared, so the next poll fetches
        the whole document again instead of a 304 for what was never parsed."""
        ds = t.discovery_state
        values = dict(
            last_fetched=now,
            last_error=error,
            etag=None if error else etag,
            last_modified=None if error else last_modified,
        )
        key = (ds.c.source_id == source_id, ds.c.url == url, ds.c.kind == kind)
        with self._tx() as conn:
            n = conn.execute(update(ds).where(*key).values(**values)).rowcount
            if not n:
                conn.execute(insert(ds).values(source_id=source_id, url=url, kind=kind, **values))

    def discovery_errors(self) -> list[dict[str, Any]]:
        """Every feed, sitemap or homepage whose last poll failed: source, url, kind, error, at."""
        ds, src = t.discovery_state, t.sources
        q = (
            select(
                src.c.name.label("source"), ds.c.url, ds.c.kind, ds.c.last_error, ds.c.last_fetched
            )
            .select_from(ds.join(src, src.c.id == ds.c.source_id))
            .where(ds.c.last_error.is_not(None))
            .order_by(src.c.name, ds.c.url)
        )
        with self._read() as conn:
            rows = conn.execute(q).all()
        return [
            {
                "source": r.source,
                "url": r.url,
                "kind": r.kind,
                "error": r.last_error,
                "at": r.last_fetched,
            }
            for r in rows
        ]

    def _strip_for(self, url: str) -> tuple[str, ...]:
        """The site's own tracking parameters for ``url``: the ``strip_params`` of every source
        on the URL's site (the same answer whichever path asks: adding, finding, aliasing). Looked up only for a URL with a query
        string, from a list of sources read at most every few seconds."""
        if "?" not in url:
            return ()
        now = time.monotonic()
        if self._sources_cache is None or now - self._sources_cache[0] > _SOURCES_CACHE_SECONDS:
            self._sources_cache = (now, self.list_sources())
        return tuple(
            p
            for row in self._sources_cache[1]
            if row.config.strip_params and row.config.covers(url)
            for p in row.config.strip_params
        )
