"""Notifications: subscriptions, the delivery outbox (leased like the frontier) and the change
stream.

Outbox rows are written by ``_enqueue`` inside the transaction of the check that made the
version or event they announce, so a change is announced if and only if it was stored. A
deliverer claims rows with a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite serialises
writers), sends them, and marks them delivered or reschedules them; a deliverer killed
mid-send leaves its rows leased until the lease expires, then another sends them again under
the same message id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, case, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from redline.errors import ConfigError
from redline.notify.rules import (
    ItemKind,
    Rule,
    Subscription,
    matches_change,
    matches_removal,
)
from redline.notify.sealing import Unreadable, is_sealed, seal, unseal
from redline.storage import schema as t
from redline.storage._common import _Base, _lease
from redline.storage.records import ChangeRow, DeliveryRow, NotifyItem, StreamItem
from redline.vocabulary import RemovalKind

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
REMOVALS = frozenset(RemovalKind)  # event kinds announced as removals


def _subscription(r: Any, key: str | None) -> Subscription:
    """A stored subscription with its credentials opened (``notify.secret_key``); one this
    process cannot open comes back ``unreadable`` (the deliverer reports it, never guesses)."""
    try:
        destination, secret, unreadable = unseal(r.destination, key), unseal(r.secret, key), None
    except Unreadable as exc:
        destination, secret, unreadable = "", r.secret, str(exc)
    return Subscription(
        id=r.id,
        name=r.name,
        destination=destination or "",
        rule=Rule.from_json(r.rule),
        digest_minutes=r.digest_minutes,
        secret=secret,
        unreadable=unreadable,
    )


def _opened(r: Any, key: str | None) -> tuple[str, str | None]:
    """(destination, None) of a stored row, or ("", why it cannot be opened here)."""
    try:
        return unseal(r.destination, key) or "", None
    except Unreadable as exc:
        return "", str(exc)


def _delivery(r: Any, name: str = "") -> DeliveryRow:
    m = r._mapping
    return DeliveryRow(
        **{k: m[k] for k in DeliveryRow.__dataclass_fields__ if k != "subscription"},
        subscription=name or m.get("subscription_name") or "",
    )


def message_id(subscription_id: int, kind: str, ref_id: int) -> str:
    """The webhook-id of one announcement to one subscription: stable across redeliveries."""
    return f"msg_{subscription_id}_{kind}_{ref_id}"


def enqueue(
    conn: Connection,
    article_id: int,
    at: datetime,
    version_id: int | None,
    change: ChangeRow | None,
    removals: Sequence[tuple[int, str]],
) -> int:
    """Outbox rows for the subscriptions this check's change or removal events concern,
    in the check's own transaction. Costs nothing without a change or removal, and one
    small query when nobody subscribes."""
    announce_change = version_id is not None and change is not None and change.level != "none"
    if not announce_change and not removals:
        return 0
    s = t.subscriptions
    subs = [(r.id, Rule.from_json(r.rule)) for r in conn.execute(select(s.c.id, s.c.rule)).all()]
    if not subs:
        return 0
    art = conn.execute(
        select(t.articles.c.url, t.sources.c.name)
        .select_from(t.articles.outerjoin(t.sources, t.articles.c.source_id == t.sources.c.id))
        .where(t.articles.c.id == article_id)
    ).one()
    rows: list[dict[str, Any]] = []
    for sub_id, rule in subs:
        if (
            announce_change
            and change is not None
            and version_id is not None
            and matches_change(
                rule,
                source=art.name,
                url=art.url,
                level=change.level,
                classes=change.classes,
                stealth=change.stealth,
            )
        ):
            rows.append(
                {
                    "subscription_id": sub_id,
                    "kind": ItemKind.CHANGE,
                    "version_id": version_id,
                    "event_id": None,
                    "message_id": message_id(sub_id, "change", version_id),
                }
            )
        for event_id, kind in removals:
            if matches_removal(rule, source=art.name, url=art.url, kind=kind):
                rows.append(
                    {
                        "subscription_id": sub_id,
                        "kind": ItemKind.REMOVAL,
                        "version_id": None,
                        "event_id": event_id,
                        "message_id": message_id(sub_id, "removal", event_id),
                    }
                )
    if rows:
        conn.execute(
            insert(t.deliveries),
            [
                {
                    **r,
                    "article_id": article_id,
                    "created_at": at,
                    "status": PENDING,
                    "attempts": 0,
                    "next_attempt": at,
                }
                for r in rows
            ],
        )
    return len(rows)


def _changes(conn: Connection, version_ids: Sequence[int]) -> dict[int, Any]:
    """Each version with its change and the previous version's title (keyed by version id)."""
    if not version_ids:
        return {}
    v, c = t.versions, t.changes
    prev = v.alias("prev")
    q = (
        select(
            v.c.id,
            v.c.number,
            v.c.title,
            v.c.captured_at,
            c.c.level,
            c.c.classes,
            c.c.summary,
            c.c.stealth,
            prev.c.title.label("old_title"),
        )
        .select_from(
            v.join(c, c.c.version_id == v.c.id).outerjoin(
                prev, and_(prev.c.article_id == v.c.article_id, prev.c.number == v.c.number - 1)
            )
        )
        .where(v.c.id.in_(list(version_ids)))
    )
    return {r.id: r for r in conn.execute(q)}


class NotifyMixin(_Base):
    """``Store``'s subscriptions, delivery outbox and change stream."""

    notify_key: str | None = None  # notify.secret_key: seals credentials (notify/sealing.py)

    # ---- subscriptions -------------------------------------------------------------------

    def add_subscription(
        self,
        name: str,
        destination: str,
        rule: Rule,
        now: datetime,
        *,
        secret: str | None = None,
        digest_minutes: int | None = None,
    ) -> Subscription:
        try:
            with self._tx() as conn:
                sid = conn.execute(
                    insert(t.subscriptions)
                    .values(
                        name=name,
                        destination=seal(destination, self.notify_key),
                        secret=seal(secret, self.notify_key),
                        rule=rule.to_json(),
                        digest_minutes=digest_minutes,
                        created_at=now,
                    )
                    .returning(t.subscriptions.c.id)
                ).scalar_one()
        except IntegrityError as exc:
            raise ConfigError(f"a subscription named {name!r} already exists") from exc
        return Subscription(sid, name, destination, rule, digest_minutes, secret)

    def subscriptions(self) -> list[Subscription]:
        with self._read() as conn:
            rows = conn.execute(select(t.subscriptions).order_by(t.subscriptions.c.name)).all()
        return [_subscription(r, self.notify_key) for r in rows]

    def subscription(self, name: str) -> Subscription:
        with self._read() as conn:
            row = conn.execute(
                select(t.subscriptions).where(t.subscriptions.c.name == name)
            ).first()
        if row is None:
            raise ConfigError(f"no subscription named {name!r}; see `redline notify list`")
        return _subscription(row, self.notify_key)

    def remove_subscription(self, name: str) -> bool:
        """Delete a subscription and its outbox (pending deliveries are dropped with it)."""
        with self._tx() as conn:
            n = conn.execute(delete(t.subscriptions).where(t.subscriptions.c.name == name)).rowcount
            conn.execute(
                delete(t.deliveries).where(
                    t.deliveries.c.subscription_id.not_in(select(t.subscriptions.c.id))
                )
            )  # SQLite without foreign_keys=ON does not cascade
        return bool(n)

    def subscription_health(self) -> list[dict[str, Any]]:
        """Per subscription: outbox counts, last success and whether it is failing now."""
        s, d = t.subscriptions, t.deliveries
        with self._read() as conn:
            subs = conn.execute(select(s).order_by(s.c.name)).all()
            counts = conn.execute(
                select(d.c.subscription_id, d.c.status, func.count()).group_by(
                    d.c.subscription_id, d.c.status
                )
            ).all()
        by: dict[int, dict[str, int]] = {}
        for sid, status, n in counts:
            by.setdefault(sid, {})[status] = int(n)
        opened = {r.id: _opened(r, self.notify_key) for r in subs}
        return [
            {
                "name": r.name,
                "destination": opened[r.id][0],
                "unreadable": opened[r.id][1],
                "kind": "webhook" if r.secret is not None else "apprise",
                "encrypted": is_sealed(r.destination),
                "rule": json.loads(r.rule),
                "digest_minutes": r.digest_minutes,
                "created_at": r.created_at,
                "last_sent": r.last_sent,
                "failing_since": r.failing_since,
                "retry_at": r.retry_at,
                "last_error": r.last_error,
                "pending": by.get(r.id, {}).get(PENDING, 0),
                "delivered": by.get(r.id, {}).get(DELIVERED, 0),
                "failed": by.get(r.id, {}).get(FAILED, 0),
            }
            for r in subs
        ]

    # ---- the outbox: written with the check ----------------------------------------------

    # ---- the outbox: delivering ----------------------------------------------------------

    def next_delivery_due(self) -> datetime | None:
        """When the earliest pending delivery of a subscription not paused falls due."""
        d, s = t.deliveries, t.subscriptions
        when = case(
            (and_(s.c.retry_at.is_not(None), s.c.retry_at > d.c.next_attempt), s.c.retry_at),
            else_=d.c.next_attempt,
        )
        with self._read() as conn:
            return conn.execute(
                select(func.min(when))
                .select_from(d.join(s, s.c.id == d.c.subscription_id))
                .where(d.c.status == PENDING)
            ).scalar()

    def due_subscriptions(self, now: datetime, exclude: Sequence[int] = ()) -> list[int]:
        """Subscriptions with a delivery due now, not paused by a failure, not in ``exclude``."""
        d, s = t.deliveries, t.subscriptions
        q = (
            select(d.c.subscription_id)
            .join(s, s.c.id == d.c.subscription_id)
            .where(
                d.c.status == PENDING,
                d.c.next_attempt <= now,
                or_(d.c.lease_expires.is_(None), d.c.lease_expires < now),
                or_(s.c.retry_at.is_(None), s.c.retry_at <= now),
            )
            .distinct()
        )
        if exclude:
            q = q.where(d.c.subscription_id.not_in(list(exclude)))
        with self._read() as conn:
            return sorted(conn.execute(q).scalars())

    def claim_deliveries(
        self, now: datetime, subscription_id: int, limit: int, *, worker: str, lease: timedelta
    ) -> list[DeliveryRow]:
        """Lease up to ``limit`` due deliveries of one subscription to ``worker`` until
        ``now + lease``, oldest first; rows another worker holds are skipped, not waited for."""
        d = t.deliveries
        due = (
            select(d.c.id)
            .where(
                d.c.subscription_id == subscription_id,
                d.c.status == PENDING,
                d.c.next_attempt <= now,
                or_(d.c.lease_expires.is_(None), d.c.lease_expires < now),
            )
            .order_by(d.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        with self._tx() as conn:
            ids = _lease(conn, d, due, worker, now + lease)
            if not ids:
                return []
            rows = conn.execute(select(d).where(d.c.id.in_(ids)).order_by(d.c.id)).all()
        return [_delivery(r) for r in rows]

    def renew_deliveries(self, ids: Sequence[int], worker: str, until: datetime) -> int:
        if not ids:
            return 0
        d = t.deliveries
        with self._tx() as conn:
            n = conn.execute(
                update(d)
                .where(d.c.id.in_(list(ids)), d.c.lease_owner == worker)
                .values(lease_expires=until)
            ).rowcount
        return int(n or 0)

    def set_batch(self, ids: Sequence[int], batch: str, worker: str) -> None:
        """Fix which rows one digest message carries before it is sent, so a redelivery under
        the same message id carries exactly the same changes."""
        d = t.deliveries
        with self._tx() as conn:
            conn.execute(
                update(d)
                .where(d.c.id.in_(list(ids)), d.c.lease_owner == worker)
                .values(batch=batch)
            )

    def delivered(
        self, ids: Sequence[int], subscription_id: int, now: datetime, status: int | None
    ) -> None:
        """Mark sent rows delivered (whoever holds them now: they did arrive) and the
        subscription healthy."""
        d, s = t.deliveries, t.subscriptions
        with self._tx() as conn:
            conn.execute(
                update(d)
                .where(d.c.id.in_(list(ids)))
                .values(
                    status=DELIVERED,
                    delivered_at=now,
                    attempts=d.c.attempts + 1,
                    last_status=status,
                    last_error=None,
                    lease_owner=None,
                    lease_expires=None,
                )
            )
            conn.execute(
                update(s)
                .where(s.c.id == subscription_id)
                .values(last_sent=now, failing_since=None, retry_at=None, last_error=None)
            )

    def delivery_failed(
        self,
        attempted: Sequence[int],
        untried: Sequence[int],
        subscription_id: int,
        *,
        worker: str,
        now: datetime,
        error: str,
        status: int | None,
        retry_at: datetime,
        give_up_after: int,
    ) -> None:
        """Reschedule after a failed send: the attempted rows count an attempt (and fail for
        good after ``give_up_after``), the rest of the batch just waits; the subscription is
        paused until ``retry_at`` and marked failing."""
        d, s = t.deliveries, t.subscriptions
        mine = d.c.lease_owner == worker
        with self._tx() as conn:
            if attempted:
                conn.execute(
                    update(d)
                    .where(d.c.id.in_(list(attempted)), mine, d.c.status == PENDING)
                    .values(
                        attempts=d.c.attempts + 1,
                        last_error=error[:500],
                        last_status=status,
                        next_attempt=retry_at,
                        lease_owner=None,
                        lease_expires=None,
                    )
                )
                conn.execute(
                    update(d)
                    .where(d.c.id.in_(list(attempted)), d.c.attempts >= give_up_after)
                    .values(status=FAILED)
                )
            if untried:
                conn.execute(
                    update(d)
                    .where(d.c.id.in_(list(untried)), mine)
                    .values(next_attempt=retry_at, lease_owner=None, lease_expires=None)
                )
            conn.execute(
                update(s)
                .where(s.c.id == subscription_id)
                .values(
                    failing_since=func.coalesce(s.c.failing_since, now),
                    retry_at=retry_at,
                    last_error=error[:500],
                )
            )

    def release_deliveries(self, ids: Sequence[int], worker: str, until: datetime) -> None:
        """Give rows back unsent, due again at ``until`` (a digest window not yet over)."""
        if not ids:
            return
        d = t.deliveries
        with self._tx() as conn:
            conn.execute(
                update(d)
                .where(d.c.id.in_(list(ids)), d.c.lease_owner == worker)
                .values(next_attempt=until, lease_owner=None, lease_expires=None)
            )

    def subscription_last_sent(self, subscription_id: int) -> datetime | None:
        with self._read() as conn:
            return conn.execute(
                select(t.subscriptions.c.last_sent).where(t.subscriptions.c.id == subscription_id)
            ).scalar()

    def delivery_log(self, name: str | None = None, limit: int = 100) -> list[DeliveryRow]:
        d, s = t.deliveries, t.subscriptions
        q = select(d, s.c.name.label("subscription_name")).join(s, s.c.id == d.c.subscription_id)
        if name is not None:
            q = q.where(s.c.name == name)
        with self._read() as conn:
            rows = conn.execute(q.order_by(d.c.id.desc()).limit(limit)).all()
        return [_delivery(r) for r in rows]

    def pending_deliveries(self) -> int:
        with self._read() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(t.deliveries)
                    .where(t.deliveries.c.status == PENDING)
                ).scalar_one()
            )

    def notify_items(self, rows: Sequence[DeliveryRow]) -> dict[int, NotifyItem]:
        """What each delivery announces (keyed by delivery id), read in one go."""
        a, e = t.articles, t.events
        version_ids = [r.version_id for r in rows if r.version_id is not None]
        event_ids = [r.event_id for r in rows if r.event_id is not None]
        article_ids = list({r.article_id for r in rows})
        out: dict[int, NotifyItem] = {}
        with self._read() as conn:
            arts = {
                r.id: r
                for r in conn.execute(
                    select(a.c.id, a.c.url, a.c.title, t.sources.c.name.label("source"))
                    .select_from(a.outerjoin(t.sources, a.c.source_id == t.sources.c.id))
                    .where(a.c.id.in_(article_ids))
                )
            }
            changes = _changes(conn, version_ids)
            events = {}
            if event_ids:
                events = {r.id: r for r in conn.execute(select(e).where(e.c.id.in_(event_ids)))}
        for r in rows:
            art = arts.get(r.article_id)
            if art is None:
                continue
            base = {"article_id": r.article_id, "url": art.url, "source": art.source}
            if r.kind == ItemKind.CHANGE and r.version_id in changes:
                ch = changes[r.version_id]
                out[r.id] = NotifyItem(
                    kind=ItemKind.CHANGE,
                    ref_id=ch.id,
                    at=ch.captured_at,
                    title=ch.title,
                    version_from=ch.number - 1,
                    version_to=ch.number,
                    old_title=ch.old_title,
                    level=ch.level,
                    classes=tuple(json.loads(ch.classes)),
                    summary=ch.summary,
                    stealth=bool(ch.stealth),
                    **base,
                )
            elif r.kind == ItemKind.REMOVAL and r.event_id in events:
                ev = events[r.event_id]
                out[r.id] = NotifyItem(
                    kind=ItemKind.REMOVAL,
                    ref_id=ev.id,
                    at=ev.at,
                    title=art.title,
                    removal=ev.kind,
                    detail=ev.detail,
                    **base,
                )
        return out

    def change_item(self, article_id: int, number: int) -> NotifyItem | None:
        """The change that made version ``number`` of an article, as a message tells it (the
        diff card's data); None without such a version or change."""
        a, v = t.articles, t.versions
        with self._read() as conn:
            vid = conn.execute(
                select(v.c.id).where(v.c.article_id == article_id, v.c.number == number)
            ).scalar()
            art = conn.execute(
                select(a.c.url, t.sources.c.name.label("source"))
                .select_from(a.outerjoin(t.sources, a.c.source_id == t.sources.c.id))
                .where(a.c.id == article_id)
            ).first()
            ch = _changes(conn, [vid]).get(vid) if vid is not None else None
        if art is None or ch is None:
            return None
        return NotifyItem(
            kind=ItemKind.CHANGE,
            ref_id=ch.id,
            at=ch.captured_at,
            article_id=article_id,
            url=art.url,
            title=ch.title,
            source=art.source,
            version_from=ch.number - 1,
            version_to=ch.number,
            old_title=ch.old_title,
            level=ch.level,
            classes=tuple(json.loads(ch.classes)),
            summary=ch.summary,
            stealth=bool(ch.stealth),
        )

    # ---- the change stream ---------------------------------------------------------------

    def stream(self, after: str = "0.0", limit: int = 100) -> list[StreamItem]:
        """Changes and events after ``after`` (an opaque cursor from a previous item, "0.0"
        for the start), in time order, each with the cursor that resumes right after it.

        A reader for notifications and exports. On PostgreSQL an id is taken before its
        transaction commits, so a reader polling while checks commit can see id 11 before 10:
        read up to a few seconds behind ``now`` when that matters.
        """
        try:
            cv, ce = (int(x) for x in after.split("."))
        except ValueError as exc:
            raise ConfigError(f"bad stream cursor {after!r}") from exc
        c, e = t.changes, t.events
        with self._read() as conn:
            ch = conn.execute(
                select(c.c.version_id, c.c.article_id, c.c.created_at)
                .where(c.c.version_id > cv, c.c.level != "none")
                .order_by(c.c.version_id)
                .limit(limit)
            ).all()
            ev = conn.execute(
                select(e.c.id, e.c.article_id, e.c.at, e.c.kind)
                .where(e.c.id > ce)
                .order_by(e.c.id)
                .limit(limit)
            ).all()
        items: list[StreamItem] = []
        i = j = 0
        while len(items) < limit and (i < len(ch) or j < len(ev)):
            take_change = j >= len(ev) or (i < len(ch) and ch[i].created_at <= ev[j].at)
            if take_change:
                cv = ch[i].version_id
                items.append(
                    StreamItem(f"{cv}.{ce}", "change", ch[i].created_at, ch[i].article_id, cv)
                )
                i += 1
            else:
                ce = ev[j].id
                items.append(
                    StreamItem(
                        f"{cv}.{ce}",
                        "event",
                        ev[j].at,
                        ev[j].article_id,
                        event_id=ce,
                        event=ev[j].kind,
                    )
                )
                j += 1
        return items
