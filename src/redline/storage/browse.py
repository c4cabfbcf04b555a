"""Read queries for the web pages, the JSON API and the feeds.

Every list is keyset-paginated (``WHERE (time, id) < (:t, :id) ORDER BY time DESC, id DESC``),
never OFFSET: page 10,000 costs what page 1 costs. Each query is backed by an index from
migrations 0001/0002 (see docs/web.md). Rows come back as frozen dataclasses; nothing
SQLAlchemy leaks out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, column, func, literal, literal_column, select, table, tuple_
from sqlalchemy.sql.elements import ColumnElement

from redline.errors import ConfigError
from redline.storage import schema as t
from redline.storage._common import _ARTICLE_COLS, _ARTICLE_FROM, _article
from redline.storage.records import ArticleRow, ChangeRow, SourceRow
from redline.storage.store import Store

T = TypeVar("T")

LEVELS = ("none", "cosmetic", "minor", "substantive", "major")
DELETION_KINDS = ("deleted", "gone")
# Filters with their own partial index (migration 0002); other class names match the JSON list.
SPECIAL_CLASSES = ("headline", "stealth", "deleted")
# Keep in step with migration 0002's ix_versions_fts.
PG_TSVECTOR = "to_tsvector('simple'::regconfig, versions.title || ' ' || versions.\"text\")"
_CORRECTION_LIKE = '%"correction"%'


class BadCursor(ConfigError):
    """A pagination cursor that this server did not hand out."""


# ---- cursors --------------------------------------------------------------------------------

_CURSOR = re.compile(r"^(\d{1,19})([ce])(\d{1,10})$")
_MAX_ID = 2**31 - 1


@dataclass(frozen=True, order=True)
class Cursor:
    """A position in a newest-first stream: (time, rank, id). Changes rank above events that
    happened at the same instant, so one cursor can page through both at once."""

    at: datetime
    rank: int  # 1: change (or any single-kind row), 0: event
    id: int

    def encode(self) -> str:
        micros = int(self.at.timestamp()) * 1_000_000 + self.at.microsecond
        return f"{micros}{'c' if self.rank else 'e'}{self.id}"

    @classmethod
    def decode(cls, raw: str) -> Cursor:
        m = _CURSOR.match(raw)
        if not m or int(m.group(3)) > _MAX_ID:
            raise BadCursor(f"invalid cursor {raw[:40]!r}: use the 'next' value a page returned")
        micros = int(m.group(1))
        try:
            at = datetime.fromtimestamp(micros // 1_000_000, UTC).replace(
                microsecond=micros % 1_000_000
            )
        except (OverflowError, OSError, ValueError) as exc:
            raise BadCursor(f"invalid cursor {raw[:40]!r}: time out of range") from exc
        return cls(at=at, rank=1 if m.group(2) == "c" else 0, id=int(m.group(3)))


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next: Cursor | None


# ---- the stream of changes (front page, feeds) -----------------------------------------------


@dataclass(frozen=True)
class StreamEntry:
    """One line of the front page: a change (a new version) or a deletion event."""

    kind: str  # "change" | "deleted" | "gone"
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
    detail: str | None = None  # for an event


@dataclass(frozen=True)
class StreamFilter:
    source_id: int | None = None
    article_id: int | None = None
    min_level: str = "minor"
    klass: str | None = None  # headline | stealth | deleted | a change class name

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
    """One deletion kind, newest first. One kind per query: with ``kind IN (...)`` the database
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
    """Changes and deletions across sources, newest first, one keyset page."""
    entries: list[StreamEntry] = []
    with store.engine.connect() as conn:
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
                    )
                )
        for kind in DELETION_KINDS if f.wants_events else ():
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


# ---- sources ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceSummary:
    source: SourceRow
    articles: int
    changed: int  # articles with a non-cosmetic change since the given time
    deleted: int  # articles now deleted or gone


def _pairs(rows: Any) -> dict[Any, int]:
    return {r[0]: int(r[1]) for r in rows}


CHANGED_WINDOW = timedelta(hours=24)


def changed_since(now: datetime) -> datetime:
    """Start of 'changed today' in every count (web, API, CLI): the last 24 hours, the same
    for a reader in any time zone."""
    return now - CHANGED_WINDOW


def source_summaries(store: Store, since: datetime) -> list[SourceSummary]:
    """Every source with its counts. Three grouped queries, each on an index."""
    a, c = t.articles, t.changes
    with store.engine.connect() as conn:
        total = _pairs(conn.execute(select(a.c.source_id, func.count()).group_by(a.c.source_id)))
        changed = _pairs(
            conn.execute(
                select(a.c.source_id, func.count(func.distinct(c.c.article_id)))
                .select_from(c.join(a, a.c.id == c.c.article_id))
                .where(c.c.created_at >= since, c.c.level.in_(LEVELS[2:]))
                .group_by(a.c.source_id)
            )
        )
        deleted = _pairs(
            conn.execute(
                select(a.c.source_id, func.count())
                .where(a.c.status.in_(DELETION_KINDS))
                .group_by(a.c.source_id)
            )
        )
    return [
        SourceSummary(
            s, int(total.get(s.id, 0)), int(changed.get(s.id, 0)), int(deleted.get(s.id, 0))
        )
        for s in store.list_sources()
    ]


def find_source(store: Store, name: str) -> SourceRow | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(t.sources.c.name).where(t.sources.c.name == name)).first()
    return store.get_source(name) if row else None


# ---- articles ---------------------------------------------------------------------------------

ARTICLE_ORDERS = ("first_seen", "last_changed")
ARTICLE_STATUSES = ("live", "deleted", "gone", "redirected")


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
    with store.engine.connect() as conn:
        rows = [_article(r) for r in conn.execute(q)]
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = None
    if more and rows:
        last = rows[-1]
        at = last.last_changed if order == "last_changed" else last.first_seen
        nxt = Cursor(at or last.first_seen, 1, last.id)
    return Page(rows, nxt)


def find_article_by_id(store: Store, article_id: int) -> ArticleRow | None:
    with store.engine.connect() as conn:
        row = conn.execute(
            select(*_ARTICLE_COLS).select_from(_ARTICLE_FROM).where(t.articles.c.id == article_id)
        ).first()
    return _article(row) if row else None


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


def version_timeline(store: Store, article_id: int) -> list[VersionMeta]:
    v, c = t.versions, t.changes
    q = (
        select(
            v.c.id,
            v.c.number,
            v.c.captured_at,
            v.c.title,
            v.c.byline,
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
    with store.engine.connect() as conn:
        return [
            VersionMeta(
                id=r.id,
                number=r.number,
                captured_at=r.captured_at,
                title=r.title,
                byline=r.byline,
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
    with store.engine.connect() as conn:
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
    with store.engine.connect() as conn:
        r = conn.execute(select(t.changes).where(t.changes.c.version_id == version_id)).first()
    if r is None:
        return None
    return ChangeRow(
        version_id=r.version_id,
        engine_version=r.engine_version,
        level=r.level,
        score=r.score,
        classes=json.loads(r.classes),
        summary=r.summary,
        stealth=bool(r.stealth),
        data=json.loads(r.data),
    )


# ---- search -----------------------------------------------------------------------------------

_UNIT = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SearchQuery:
    """A user's query: words and "quoted phrases", all of which must match (AND)."""

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()

    @classmethod
    def parse(cls, raw: str) -> SearchQuery:
        words: list[str] = []
        phrases: list[str] = []
        for m in _UNIT.finditer(raw[:500]):
            phrase, word = m.group(1), m.group(2)
            unit = phrase if phrase is not None else word
            if not _WORD.search(unit):
                continue
            (phrases if phrase is not None and len(_WORD.findall(phrase)) > 1 else words).append(
                " ".join(_WORD.findall(unit)) if phrase is not None else unit
            )
        return cls(tuple(words[:20]), tuple(phrases[:10]))

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases)

    @property
    def terms(self) -> list[str]:
        """Every word of the query, for highlighting."""
        return [w for unit in (*self.words, *self.phrases) for w in _WORD.findall(unit)]

    def fts5(self) -> str:
        units = [*self.words, *self.phrases]
        return " ".join('"' + u.replace('"', '""') + '"' for u in units)

    def pg_tsquery(self) -> ColumnElement[Any]:
        parts: list[ColumnElement[Any]] = [
            func.plainto_tsquery(literal_column("'simple'::regconfig"), w) for w in self.words
        ] + [func.phraseto_tsquery(literal_column("'simple'::regconfig"), p) for p in self.phrases]
        expr = parts[0]
        for p in parts[1:]:
            expr = expr.op("&&")(p)
        return expr


@dataclass(frozen=True)
class SearchHit:
    version_id: int
    number: int
    captured_at: datetime
    title: str


@dataclass(frozen=True)
class SearchResult:
    """One article with the versions that matched (newest first) and the newest one's text."""

    article_id: int
    url: str
    source: str | None
    status: str
    version_count: int
    hits: list[SearchHit]
    text: str  # of hits[0], for the snippet


def _search_rows(
    store: Store, q: SearchQuery, source_id: int | None, before: int | None, batch: int
) -> list[Any]:
    v, a = t.versions, t.articles
    cols = [v.c.id, v.c.article_id, v.c.number, v.c.captured_at, v.c.title]
    if store.dialect == "sqlite":
        fts = table("versions_fts", column("rowid"))
        stmt = (
            select(*cols)
            .select_from(fts.join(v, v.c.id == fts.c.rowid))
            .where(literal_column("versions_fts").op("MATCH")(q.fts5()))
        )
        id_col: Any = fts.c.rowid
    else:
        stmt = select(*cols).where(literal_column(PG_TSVECTOR).op("@@")(q.pg_tsquery()))
        id_col = v.c.id
    if source_id is not None:
        stmt = stmt.join(a, a.c.id == v.c.article_id).where(a.c.source_id == source_id)
    if before is not None:
        stmt = stmt.where(id_col < before)
    stmt = stmt.order_by(id_col.desc()).limit(batch)
    with store.engine.connect() as conn:
        return list(conn.execute(stmt))


def search(
    store: Store,
    query: SearchQuery,
    *,
    source_id: int | None = None,
    before: int | None = None,
    limit: int = 20,
) -> tuple[list[SearchResult], int | None]:
    """Articles whose title or text (in any version) match, newest matching version first.

    Walks the full-text index newest-first in batches and groups hits by article, so a
    common word costs a few batches, not a sort of every match. Returns (results, next)
    where ``next`` is the version id to pass as ``before`` for the following page.
    """
    if query.empty:
        return [], None
    grouped: dict[int, list[Any]] = {}
    cursor = before
    batch = max(limit * 4, 50)
    nxt: int | None = None
    done = False
    while not done:
        rows = _search_rows(store, query, source_id, cursor, batch)
        for r in rows:
            if r.article_id not in grouped and len(grouped) >= limit:
                nxt, done = cursor, True
                break
            grouped.setdefault(r.article_id, []).append(r)
            cursor = r.id
        if len(rows) < batch:
            break
    if not grouped:
        return [], None
    return _load_results(store, grouped), nxt


def _load_results(store: Store, grouped: dict[int, list[Any]]) -> list[SearchResult]:
    a, v = t.articles, t.versions
    newest = [hits[0].id for hits in grouped.values()]
    with store.engine.connect() as conn:
        arts = {
            r.id: r
            for r in conn.execute(
                select(a.c.id, a.c.url, a.c.status, a.c.version_count, t.sources.c.name)
                .select_from(a.outerjoin(t.sources, t.sources.c.id == a.c.source_id))
                .where(a.c.id.in_(list(grouped)))
            )
        }
        texts = {
            r.id: r.text for r in conn.execute(select(v.c.id, v.c.text).where(v.c.id.in_(newest)))
        }
    out = []
    for article_id, hits in grouped.items():
        art = arts[article_id]
        out.append(
            SearchResult(
                article_id=article_id,
                url=art.url,
                source=art.name,
                status=art.status,
                version_count=art.version_count,
                hits=[SearchHit(h.id, h.number, h.captured_at, h.title) for h in hits],
                text=texts.get(hits[0].id, ""),
            )
        )
    return out


def snippet(text_: str, terms: Sequence[str], width: int = 240) -> list[tuple[str, bool]]:
    """A window of ``text_`` around the first query term, as (segment, is_match) pairs.

    Pure Python on purpose: the same output on SQLite and PostgreSQL, and the caller escapes
    every segment (no markup is ever built from article text).
    """
    flat = " ".join(text_.split())
    words = sorted({w for w in terms if w}, key=len, reverse=True)
    if not words:
        return [(flat[:width] + ("…" if len(flat) > width else ""), False)]
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    first = pattern.search(flat)
    start = 0 if first is None else max(0, first.start() - width // 3)
    if start:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < first.start() else start  # type: ignore[union-attr]
    window = flat[start : start + width]
    out: list[tuple[str, bool]] = [("…", False)] if start else []
    pos = 0
    for m in pattern.finditer(window):
        if m.start() > pos:
            out.append((window[pos : m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(window):
        out.append((window[pos:], False))
    if start + width < len(flat):
        out.append(("…", False))
    return out


__all__ = [
    "ARTICLE_ORDERS",
    "ARTICLE_STATUSES",
    "DELETION_KINDS",
    "LEVELS",
    "SPECIAL_CLASSES",
    "BadCursor",
    "Cursor",
    "Page",
    "SearchHit",
    "SearchQuery",
    "SearchResult",
    "SourceSummary",
    "StreamEntry",
    "StreamFilter",
    "VersionMeta",
    "change_of_version",
    "find_article_by_id",
    "find_source",
    "list_articles",
    "recent_changes",
    "search",
    "snippet",
    "source_summaries",
    "version_timeline",
]
