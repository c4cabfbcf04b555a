"""Sources with their counts, article lists and one article's timeline, for pages and the API."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, tuple_

from redline.storage import schema as t
from redline.storage._common import _ARTICLE_COLS, _ARTICLE_FROM, _article, _change, _source
from redline.storage.browse.cursor import LEVELS, Cursor, Page
from redline.storage.records import ArticleRow, ChangeRow, SourceRow
from redline.storage.store import Store
from redline.vocabulary import ArticleStatus

ARTICLE_ORDERS = ("first_seen", "last_changed")
ARTICLE_STATUSES = tuple(ArticleStatus)


# ---- sources ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceSummary:
    source: SourceRow
    articles: int
    changed: int  # articles with a non-cosmetic change since the given time
    deleted: int  # articles now removed (deleted, gone or redirected)


def _pairs(rows: Any) -> dict[Any, int]:
    return {r[0]: int(r[1]) for r in rows}


def source_summaries(store: Store, since: datetime) -> list[SourceSummary]:
    """Every source with its counts: the per-source counters (kept by triggers, migration
    0011) and the changes since ``since`` (a walk of the time index over that window only)."""
    a, c, st = t.articles, t.changes, t.source_stats
    with store._read() as conn:
        counters = {
            r.source_id: (int(r.articles), int(r.removed))
            for r in conn.execute(select(st.c.source_id, st.c.articles, st.c.removed))
        }
        changed = _pairs(
            conn.execute(
                select(a.c.source_id, func.count(func.distinct(c.c.article_id)))
                .select_from(c.join(a, a.c.id == c.c.article_id))
                .where(c.c.created_at >= since, c.c.level.in_(LEVELS[2:]))
                .group_by(a.c.source_id)
            )
        )
    return [
        SourceSummary(
            s,
            counters.get(s.id, (0, 0))[0],
            int(changed.get(s.id, 0)),
            counters.get(s.id, (0, 0))[1],
        )
        for s in store.list_sources()
    ]


def find_source(store: Store, name: str) -> SourceRow | None:
    """The source called ``name``, or None (one indexed look-up)."""
    with store._read() as conn:
        row = conn.execute(select(t.sources).where(t.sources.c.name == name)).first()
    return _source(row) if row else None


# ---- articles ---------------------------------------------------------------------------------


def list_articles(
    store: Store,
    *,
    source_id: int | None = None,
    status: str | None = None,
    changed: bool = False,
    order: str = "first_seen",
    before: Cursor | None = None,
    limit: int = 50,
) -> Page[ArticleRow]:
    """Articles newest first by ``order``, keyset-paginated on (time, id)."""
    a = t.articles
    col = a.c.last_changed if order == "last_changed" else a.c.first_seen
    q = select(*_ARTICLE_COLS).select_from(_ARTICLE_FROM)
    if order == "last_changed":
        q = q.where(col.is_not(None))
    if source_id is not None:
        q = q.where(a.c.source_id == source_id)
    if status is not None:
        q = q.where(a.c.status == status)
    if changed:
        q = q.where(a.c.version_count > 1)
    if before is not None:
        q = q.where(tuple_(col, a.c.id) < (before.at, before.id))
    q = q.order_by(col.desc(), a.c.id.desc()).limit(limit + 1)
    with store._read() as conn:
        rows = [_article(r) for r in conn.execute(q)]
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = None
    if more and rows:
        last = rows[-1]
        at = last.last_changed if order == "last_changed" else last.first_seen
        nxt = Cursor(at or last.first_seen, 1, last.id)
    return Page(rows, nxt)


def articles_state(store: Store) -> tuple[int, ...]:
    """Newest (article, version, event, capture) ids, four primary-key look-ups: they change
    whenever an article list can change (a new article, version, removal or check)."""
    q = select(
        *(
            select(func.max(table.c.id)).scalar_subquery()
            for table in (t.articles, t.versions, t.events, t.captures)
        )
    )
    with store._read() as conn:
        r = conn.execute(q).one()
    return tuple(int(x or 0) for x in r)


# ---- one article's history -------------------------------------------------------------------


@dataclass(frozen=True)
class VersionMeta:
    """A version without its text, with its stored change (if any): one line of a timeline."""

    id: int
    number: int
    captured_at: datetime
    title: str
    byline: str | None
    url: str | None
    chars: int
    level: str | None = None
    score: float | None = None
    classes: list[str] = field(default_factory=list)
    summary: str | None = None
    stealth: bool = False
    standfirst: str | None = None
    lead_caption: str | None = None


def version_timeline(store: Store, article_id: int) -> list[VersionMeta]:
    v, c = t.versions, t.changes
    q = (
        select(
            v.c.id,
            v.c.number,
            v.c.captured_at,
            v.c.title,
            v.c.byline,
            v.c.standfirst,
            v.c.lead_caption,
            v.c.url,
            func.length(v.c.text).label("chars"),
            c.c.level,
            c.c.score,
            c.c.classes,
            c.c.summary,
            c.c.stealth,
        )
        .select_from(v.outerjoin(c, c.c.version_id == v.c.id))
        .where(v.c.article_id == article_id)
        .order_by(v.c.number)
    )
    with store._read() as conn:
        return [
            VersionMeta(
                id=r.id,
                number=r.number,
                captured_at=r.captured_at,
                title=r.title,
                byline=r.byline,
                standfirst=r.standfirst,
                lead_caption=r.lead_caption,
                url=r.url,
                chars=int(r.chars or 0),
                level=r.level,
                score=r.score,
                classes=json.loads(r.classes) if r.classes else [],
                summary=r.summary,
                stealth=bool(r.stealth),
            )
            for r in conn.execute(q)
        ]


def articles_with_stale_changes(
    store: Store, engine_version: str, after: int = 0, limit: int = 500
) -> list[int]:
    """Ids (ascending, after ``after``) of articles holding a change that another diff engine
    version stored: the work list of ``redline rediff``, read in pages so it stays small."""
    c = t.changes
    with store._read() as conn:
        rows = conn.execute(
            select(c.c.article_id)
            .where(c.c.engine_version != engine_version, c.c.article_id > after)
            .group_by(c.c.article_id)
            .order_by(c.c.article_id)
            .limit(limit)
        )
        return [int(r[0]) for r in rows]


def change_of_version(store: Store, version_id: int) -> ChangeRow | None:
    """The stored change that made this version (primary-key look-up)."""
    with store._read() as conn:
        r = conn.execute(select(t.changes).where(t.changes.c.version_id == version_id)).first()
    return _change(r) if r is not None else None
