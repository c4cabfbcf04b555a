"""The stream of changes and removals (front page, feeds, /api/v1/changes), newest first.

Keyset-paginated on (time, rank, id), never OFFSET: page 10,000 costs what page 1 costs. Each
query walks an index from migrations 0001/0002 (see docs/web.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, literal, literal_column, select, tuple_
from sqlalchemy.sql.elements import ColumnElement

from redline.storage import schema as t
from redline.storage.browse.cursor import LEVELS, Cursor, Page
from redline.storage.store import Store
from redline.vocabulary import RemovalKind

# Filters with their own partial index (migration 0002); other class names match the JSON list.
# "deleted" selects every removal (deleted, gone, redirected), as the front page's "Removals".
SPECIAL_CLASSES = ("headline", "stealth", "deleted")
_CORRECTION_LIKE = '%"correction"%'
REMOVAL_KINDS = frozenset(k.value for k in RemovalKind)


@dataclass(frozen=True)
class StreamEntry:
    """One line of the front page: a change (a new version) or a removal event."""

    kind: str  # "change" or a RemovalKind
    at: datetime
    article_id: int
    article_url: str
    article_status: str
    source: str | None
    title: str | None  # the headline (of this version, for a change)
    cursor: Cursor
    number: int | None = None  # version number, for a change
    old_title: str | None = None  # the previous headline, when it changed
    level: str | None = None
    score: float | None = None
    classes: list[str] = field(default_factory=list)
    summary: str | None = None
    stealth: bool = False
    headline_changed: bool = False
    detail: str | None = None  # for an event: why, or where a redirect led
    # the standfirst before and after, when it changed (class 'standfirst')
    old_standfirst: str | None = None
    standfirst: str | None = None
    # the lead photo's caption before and after, when it changed (class 'lead_caption')
    old_lead_caption: str | None = None
    lead_caption: str | None = None

    @property
    def removal(self) -> RemovalKind | None:
        return RemovalKind(self.kind) if self.kind in REMOVAL_KINDS else None


@dataclass(frozen=True)
class StreamFilter:
    source_id: int | None = None
    article_id: int | None = None
    min_level: str = "minor"
    klass: str | None = None  # headline | stealth | deleted (any removal) | a change class name

    @property
    def levels(self) -> list[str]:
        return list(LEVELS[LEVELS.index(self.min_level) :])

    @property
    def wants_changes(self) -> bool:
        return self.klass != "deleted"

    @property
    def wants_events(self) -> bool:
        return self.klass in (None, "deleted")


def _class_condition(klass: str) -> ColumnElement[bool]:
    c = t.changes.c
    if klass == "headline":
        return c.headline_changed == True  # noqa: E712  (matches the partial index on SQLite)
    if klass == "stealth":
        return c.stealth == True  # noqa: E712
    if klass == "correction":
        # A literal, not a bound parameter: SQLite matches partial indexes on the SQL text.
        return c.classes.like(literal_column(f"'{_CORRECTION_LIKE}'"))
    return c.classes.like(f'%"{klass}"%')


def _scan_in_time_order(conn: Any, source_id: int, limit: int) -> bool:
    """Which plan serves one source's changes faster.

    Walking all changes newest-first and keeping the source's reads about limit/share rows;
    starting from the source's articles reads (and sorts) all of its changes, about
    share x changes. The planner cannot know the share, so this picks: a large source walks
    the time index, a small one starts from its articles.
    """
    a = t.articles
    total = conn.execute(select(func.count()).select_from(a)).scalar_one() or 1
    mine = conn.execute(select(func.count()).where(a.c.source_id == source_id)).scalar_one()
    share = mine / total
    return share > 0 and limit / share < share * total * 4  # ~4 changes per article


def _standfirsts(r: Any) -> dict[str, str | None]:
    if '"standfirst"' not in (r.classes or ""):
        return {}
    return {"old_standfirst": r.old_standfirst, "standfirst": r.standfirst}


def _lead_captions(r: Any) -> dict[str, str | None]:
    if '"lead_caption"' not in (r.classes or ""):
        return {}
    return {"old_lead_caption": r.old_lead_caption, "lead_caption": r.lead_caption}


def _changes_query(
    f: StreamFilter,
    before: Cursor | None,
    limit: int,
    *,
    time_order: bool = False,
    sqlite: bool = True,
) -> Any:
    c, v, a = t.changes, t.versions, t.articles
    prev = t.versions.alias("prev")
    q = (
        select(
            c.c.version_id,
            c.c.article_id,
            c.c.created_at,
            c.c.level,
            c.c.score,
            c.c.classes,
            c.c.summary,
            c.c.stealth,
            c.c.headline_changed,
            v.c.number,
            v.c.title,
            prev.c.title.label("old_title"),
            v.c.standfirst,
            prev.c.standfirst.label("old_standfirst"),
            v.c.lead_caption,
            prev.c.lead_caption.label("old_lead_caption"),
            a.c.url,
            a.c.status,
            t.sources.c.name.label("source"),
        )
        .select_from(
            c.join(v, v.c.id == c.c.version_id)
            .join(a, a.c.id == c.c.article_id)
            .outerjoin(t.sources, t.sources.c.id == a.c.source_id)
            .outerjoin(
                prev, and_(prev.c.article_id == c.c.article_id, prev.c.number == v.c.number - 1)
            )
        )
        # On SQLite ``level || ''`` keeps the planner off ix_changes_level_created: walking the
        # (created_at, version_id) index newest-first and filtering reads ~limit rows, where
        # the level index would fetch and sort every change of those levels.
        .where((c.c.level + literal("") if sqlite else c.c.level).in_(f.levels))
    )
    if f.source_id is not None:
        # ``+ 0`` hides the source index from the planner, forcing the time-ordered walk.
        col = a.c.source_id + 0 if time_order else a.c.source_id
        q = q.where(col == f.source_id)
    if f.article_id is not None:
        q = q.where(c.c.article_id == f.article_id)
    if f.klass is not None:
        q = q.where(_class_condition(f.klass))
    if before is not None:
        if before.rank == 1:
            q = q.where(tuple_(c.c.created_at, c.c.version_id) < (before.at, before.id))
        else:
            q = q.where(c.c.created_at < before.at)
    return q.order_by(c.c.created_at.desc(), c.c.version_id.desc()).limit(limit)


def _events_query(f: StreamFilter, before: Cursor | None, limit: int, kind: str) -> Any:
    """One removal kind, newest first. One kind per query: with ``kind IN (...)`` the database
    must sort every matching event before the LIMIT (64 ms at 4,000 deletions); with equality it
    walks ix_events_kind_at_id backwards and stops after ``limit`` rows."""
    e, a = t.events, t.articles
    q = (
        select(
            e.c.id,
            e.c.article_id,
            e.c.at,
            e.c.kind,
            e.c.detail,
            a.c.url,
            a.c.status,
            a.c.title,
            t.sources.c.name.label("source"),
        )
        .select_from(
            e.join(a, a.c.id == e.c.article_id).outerjoin(
                t.sources, t.sources.c.id == a.c.source_id
            )
        )
        .where(e.c.kind == kind, a.c.version_count > 0)  # a URL that never loaded is no story
    )
    if f.source_id is not None:
        q = q.where(a.c.source_id == f.source_id)
    if f.article_id is not None:
        q = q.where(e.c.article_id == f.article_id)
    if before is not None:
        if before.rank == 0:
            q = q.where(tuple_(e.c.at, e.c.id) < (before.at, before.id))
        else:
            q = q.where(e.c.at <= before.at)
    return q.order_by(e.c.at.desc(), e.c.id.desc()).limit(limit)


def recent_changes(
    store: Store, f: StreamFilter, *, before: Cursor | None = None, limit: int = 50
) -> Page[StreamEntry]:
    """Changes and removals across sources, newest first, one keyset page."""
    entries: list[StreamEntry] = []
    with store._read() as conn:
        if f.wants_changes:
            # PostgreSQL's planner gets both choices right from its statistics; SQLite (no
            # ANALYZE statistics) needs the hints.
            sqlite = store.dialect == "sqlite"
            time_order = (
                sqlite and f.source_id is not None and _scan_in_time_order(conn, f.source_id, limit)
            )
            q = _changes_query(f, before, limit + 1, time_order=time_order, sqlite=sqlite)
            for r in conn.execute(q):
                entries.append(
                    StreamEntry(
                        kind="change",
                        at=r.created_at,
                        article_id=r.article_id,
                        article_url=r.url,
                        article_status=r.status,
                        source=r.source,
                        title=r.title,
                        cursor=Cursor(r.created_at, 1, r.version_id),
                        number=r.number,
                        old_title=r.old_title if r.headline_changed else None,
                        level=r.level,
                        score=r.score,
                        classes=json.loads(r.classes),
                        summary=r.summary,
                        stealth=bool(r.stealth),
                        headline_changed=bool(r.headline_changed),
                        **_standfirsts(r),
                        **_lead_captions(r),
                    )
                )
        for kind in RemovalKind if f.wants_events else ():
            for r in conn.execute(_events_query(f, before, limit + 1, kind)):
                entries.append(
                    StreamEntry(
                        kind=r.kind,
                        at=r.at,
                        article_id=r.article_id,
                        article_url=r.url,
                        article_status=r.status,
                        source=r.source,
                        title=r.title,
                        cursor=Cursor(r.at, 0, r.id),
                        detail=r.detail,
                    )
                )
    entries.sort(key=lambda x: x.cursor, reverse=True)
    more = len(entries) > limit
    entries = entries[:limit]
    return Page(entries, entries[-1].cursor if more and entries else None)


@dataclass(frozen=True)
class StreamState:
    """What every stream page is built from, summed up cheaply: it changes whenever a change,
    an event or a source is added, or stored history is rewritten in place (``revision``, kept
    by triggers: rediff, re-extraction, merges), so it serves as an HTTP validator."""

    last_change: int
    last_event: int
    sources: int
    last_source: int
    revision: int
    updated: datetime | None

    @property
    def token(self) -> str:
        return (
            f"{self.last_change}.{self.last_event}.{self.sources}.{self.last_source}"
            f".{self.revision}"
        )


def stream_state(store: Store) -> StreamState:
    """One statement of primary-key and index look-ups (max of an indexed column), whatever the
    size of the database."""
    c, e, s = t.changes, t.events, t.sources
    last_event = select(func.max(e.c.id)).scalar_subquery()
    q = select(
        select(func.max(c.c.version_id)).scalar_subquery(),
        last_event,
        select(func.count()).select_from(s).scalar_subquery(),
        select(func.max(s.c.id)).scalar_subquery(),
        select(func.max(c.c.created_at)).scalar_subquery(),
        select(e.c.at).where(e.c.id == last_event).scalar_subquery(),
        _revision(),
    )
    with store._read() as conn:
        r = conn.execute(q).one()
    times = [x for x in (r[4], r[5]) if x is not None]
    n = [int(x or 0) for x in (*r[:4], r[6])]
    return StreamState(n[0], n[1], n[2], n[3], n[4], max(times) if times else None)


def _revision() -> Any:
    return select(t.data_revision.c.n).where(t.data_revision.c.id == 1).scalar_subquery()


def data_revision(store: Store) -> int:
    """The counter bumped whenever stored history is rewritten in place (migration 0012)."""
    with store._read() as conn:
        return int(conn.execute(select(_revision())).scalar() or 0)
