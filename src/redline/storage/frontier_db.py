"""The frontier: due articles, their leases (claim, renew, release), status and heartbeats."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, false, func, insert, or_, select, true, update

from redline.storage import schema as t
from redline.storage._common import _ARTICLE_COLS, _ARTICLE_FROM, _article, _Base, _lease
from redline.storage.records import ArticleRow


def _not_paused() -> Any:
    """Articles of a paused source wait (articles with no source are always checked)."""
    a = t.articles
    paused = select(t.sources.c.id).where(t.sources.c.paused.is_(true()))
    return or_(a.c.source_id.is_(None), a.c.source_id.not_in(paused))


class FrontierMixin(_Base):
    """``Store``'s frontier: which articles are due and who is checking them."""

    def due_articles(
        self,
        now: datetime,
        limit: int,
        *,
        source_id: int | None = None,
        all_live: bool = False,
        after_id: int = 0,
    ) -> list[ArticleRow]:
        """Articles to check now, oldest due first; with ``all_live`` every live article (by id)."""
        a = t.articles
        q = select(*_ARTICLE_COLS).select_from(_ARTICLE_FROM)
        if all_live:
            q = q.where(a.c.status == "live", a.c.id > after_id).order_by(a.c.id)
        else:
            q = q.where(
                a.c.status.in_(["live", "deleted", "gone"]),
                a.c.next_check.is_not(None),
                a.c.next_check <= now,
                or_(a.c.lease_expires.is_(None), a.c.lease_expires < now),
                _not_paused(),
            ).order_by(a.c.next_check)
        if source_id is not None:
            q = q.where(a.c.source_id == source_id)
        with self._read() as conn:
            return [_article(r) for r in conn.execute(q.limit(limit))]

    def claim_articles(
        self,
        now: datetime,
        limit: int,
        *,
        worker: str,
        lease: timedelta,
        source_id: int | None = None,
        all_live: bool = False,
        after_id: int = 0,
        due_before: datetime | None = None,
    ) -> list[ArticleRow]:
        """Lease up to ``limit`` articles due by ``due_before`` (default ``now``) to ``worker``
        until ``now + lease``. ``now`` must be the current time, not the start of a long round:
        the lease is measured from the moment of the claim.

        ``FOR UPDATE SKIP LOCKED`` on PostgreSQL lets many workers claim side by side without
        waiting on each other; SQLite serialises writers, so the same statement is safe there.
        A worker that dies simply lets its leases expire; ``record_check`` releases them.
        """
        a = t.articles
        due = now if due_before is None else due_before
        cond = [or_(a.c.lease_expires.is_(None), a.c.lease_expires < now), _not_paused()]
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
        q = select(func.min(a.c.next_check)).where(
            a.c.status.in_(["live", "deleted", "gone"]), _not_paused()
        )
        if source_id is not None:
            q = q.where(a.c.source_id == source_id)
        with self._read() as conn:
            return conn.execute(q).scalar()

    def frontier_status(self, now: datetime, overdue_after: timedelta) -> list[dict[str, Any]]:
        """Per source: articles, due now, overdue, leased, never checked again, deleted/gone."""
        a = t.articles
        checkable = a.c.status.in_(["live", "deleted", "gone"])

        def n(cond: Any) -> Any:
            return func.sum(case((cond, 1), else_=0))

        q = (
            select(
                t.sources.c.name.label("source"),
                func.coalesce(t.sources.c.paused, false()).label("paused"),
                func.count(a.c.id).label("articles"),
                n(and_(checkable, a.c.next_check <= now)).label("due"),
                n(and_(checkable, a.c.next_check <= now - overdue_after)).label("overdue"),
                n(a.c.lease_expires > now).label("leased"),
                n(a.c.next_check.is_(None)).label("never"),
                n(a.c.status.in_(["deleted", "gone"])).label("deleted"),
                func.min(a.c.next_check).label("next_due"),
            )
            .select_from(_ARTICLE_FROM)
            .group_by(t.sources.c.name, t.sources.c.paused)
            .order_by(t.sources.c.name)
        )
        with self._read() as conn:
            return [
                {
                    k: (
                        bool(v)
                        if k == "paused"
                        else int(v or 0)
                        if k not in ("source", "next_due")
                        else v
                    )
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
        last_check: datetime | None = None,
        last_progress: datetime | None = None,
    ) -> None:
        """Say the worker is alive, and how far it got: ``last_check`` (its last completed
        check) and ``last_progress`` (last check, or last time nothing was due), so `redline
        status` tells a stuck worker from a healthy one."""
        with self._tx() as conn:
            values = dict(
                host=host,
                pid=pid,
                started_at=started,
                last_seen=now,
                checks=checks,
                errors=errors,
                last_check=last_check,
                last_progress=last_progress,
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
