"""Full-text search over titles and texts: FTS5 on SQLite, a GIN tsvector index on PostgreSQL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import column, func, literal_column, select, table
from sqlalchemy.sql.elements import ColumnElement

from redline.storage import schema as t
from redline.storage.store import Store

# Keep in step with migration 0002's ix_versions_fts.
PG_TSVECTOR = "to_tsvector('simple'::regconfig, versions.title || ' ' || versions.\"text\")"

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
    with store._read() as conn:
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
    with store._read() as conn:
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
