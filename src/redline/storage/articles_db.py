"""Articles: adding and finding them by any URL variant, aliases, renames, merges, listing."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from redline.errors import ArticleNotFound, StorageError
from redline.frontier.urls import canonicalize_url, identity_key
from redline.storage import schema as t
from redline.storage._common import _ARTICLE_COLS, _ARTICLE_FROM, _article, _Base
from redline.storage.records import ArticleRow, MovedMerge
from redline.vocabulary import ArticleStatus, EventKind


def _refuse_if_versioned(conn: Connection, article_id: int, action: str) -> None:
    """Merging and forgetting drop an article row: never one that holds versions."""
    n = conn.execute(
        select(t.articles.c.version_count).where(t.articles.c.id == article_id)
    ).scalar_one_or_none()
    if n:
        raise StorageError(f"refusing to {action} an article that already has versions")


class ArticlesMixin(_Base):
    """``Store``'s articles and the URLs that lead to them."""

    if TYPE_CHECKING:

        def _strip_for(self, url: str) -> tuple[str, ...]:
            """The sources' own tracking parameters for ``url`` (``SourcesMixin``)."""

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
        canon = canonicalize_url(url, self._strip_for(url))
        existing = self.find_article(canon)
        if existing:
            return existing, False
        try:
            with self._tx() as conn:
                article_id = conn.execute(
                    insert(t.articles)
                    .values(
                        source_id=source_id,
                        url=canon,
                        status=ArticleStatus.LIVE,
                        title=title,
                        first_seen=now,
                        next_check=now,
                        version_count=0,
                        check_count=0,
                        missing_count=0,
                    )
                    .returning(t.articles.c.id)
                ).scalar_one()
                conn.execute(
                    insert(t.article_urls).values(
                        key=identity_key(canon), article_id=article_id, url=canon
                    )
                )
                conn.execute(
                    insert(t.events).values(
                        article_id=article_id, at=now, kind=EventKind.FIRST_SEEN, detail=canon
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
            _refuse_if_versioned(conn, duplicate_id, "merge")
            conn.execute(
                update(t.article_urls)
                .where(t.article_urls.c.article_id == duplicate_id)
                .values(article_id=into_id)
            )
            for table in (t.captures, t.warc_records):  # captures and their WARC records move
                conn.execute(
                    update(table)
                    .where(table.c.article_id == duplicate_id)
                    .values(article_id=into_id)
                )
            conn.execute(delete(t.events).where(t.events.c.article_id == duplicate_id))
            conn.execute(delete(t.articles).where(t.articles.c.id == duplicate_id))

    def move_article(self, article_id: int, url: str, now: datetime) -> bool:
        """The story moved to ``url``: it becomes the article's main URL, the old one stays an
        alias, and the move is an event on the timeline. False (nothing changed) when ``url``
        already leads to another article."""
        strip = self._strip_for(url)
        key, canon = identity_key(url, strip), canonicalize_url(url, strip)
        au = t.article_urls
        with self._tx() as conn:
            row = conn.execute(select(au.c.article_id).where(au.c.key == key)).first()
            if row is not None and row.article_id != article_id:
                return False
            if row is None:
                conn.execute(insert(au).values(key=key, article_id=article_id, url=canon))
            old = conn.execute(
                select(t.articles.c.url).where(t.articles.c.id == article_id)
            ).scalar_one()
            if old == canon:
                return True
            conn.execute(update(t.articles).where(t.articles.c.id == article_id).values(url=canon))
            conn.execute(
                insert(t.events).values(
                    article_id=article_id, at=now, kind=EventKind.MOVED, detail=canon
                )
            )
        return True

    def merge_moved(self, plan: MovedMerge, now: datetime) -> None:
        """Fold ``plan.absorbed`` (the record a moved story got at its new URL) into
        ``plan.keep`` in one transaction: its versions follow the kept ones (those in
        ``plan.drop`` are deleted: they repeat what the kept record already holds), the first
        of them gets ``plan.first_change``; captures, events and URLs move over; the kept
        record takes ``plan.url`` as its main URL; the merge is an event on its timeline."""
        a, v, ch = t.articles, t.versions, t.changes
        keep, gone = plan.keep, plan.absorbed
        with self._tx() as conn:
            count = conn.execute(select(a.c.version_count).where(a.c.id == keep)).scalar_one()
            moving = conn.execute(
                select(v.c.id, v.c.title, v.c.captured_at)
                .where(v.c.article_id == gone)
                .order_by(v.c.number)
            ).all()
            dropped = [r.id for r in moving if r.id in plan.drop]
            if dropped:
                conn.execute(delete(ch).where(ch.c.version_id.in_(dropped)))
                conn.execute(delete(v).where(v.c.id.in_(dropped)))
            kept = [r for r in moving if r.id not in plan.drop]
            for k, r in enumerate(kept, start=1):
                conn.execute(
                    update(v).where(v.c.id == r.id).values(article_id=keep, number=count + k)
                )
                conn.execute(update(ch).where(ch.c.version_id == r.id).values(article_id=keep))
            if kept:
                first = kept[0].id
                conn.execute(delete(ch).where(ch.c.version_id == first))
                if plan.first_change is not None:
                    c = plan.first_change
                    conn.execute(
                        insert(ch).values(
                            version_id=first,
                            article_id=keep,
                            created_at=kept[0].captured_at,
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
            for table in (t.captures, t.article_urls):
                conn.execute(
                    update(table).where(table.c.article_id == gone).values(article_id=keep)
                )
            conn.execute(
                update(t.events)
                .where(t.events.c.article_id == gone, t.events.c.kind != EventKind.FIRST_SEEN)
                .values(article_id=keep)
            )
            conn.execute(delete(t.events).where(t.events.c.article_id == gone))
            changed = [
                d
                for d in conn.execute(
                    select(a.c.last_changed).where(a.c.id.in_([keep, gone]))
                ).scalars()
                if d is not None
            ]
            conn.execute(delete(a).where(a.c.id == gone))
            values: dict[str, Any] = {
                "url": plan.url,
                "version_count": count + len(kept),
                "status": "live",
                "missing_count": 0,
                "region_fp": None,
                "etag": None,
                "last_modified": None,
            }
            if kept:
                values["title"] = kept[-1].title
            if changed:
                values["last_changed"] = max(changed)
            conn.execute(update(a).where(a.c.id == keep).values(**values))
            conn.execute(
                insert(t.events).values(
                    article_id=keep,
                    at=now,
                    kind=EventKind.MOVED,
                    detail=f"{plan.url} (merged with the record first seen there)",
                )
            )

    def forget_article(self, article_id: int) -> None:
        """Remove an article that never had a version, with its captures and events (a URL
        that `redline check` added and could not fetch: a typo must not become a story)."""
        with self._tx() as conn:
            _refuse_if_versioned(conn, article_id, "forget")
            for table in (t.captures, t.events, t.article_urls):
                conn.execute(delete(table).where(table.c.article_id == article_id))
            conn.execute(delete(t.articles).where(t.articles.c.id == article_id))

    def list_articles(
        self,
        *,
        source: str | None = None,
        changed: bool = False,
        limit: int = 1000,
        before: tuple[datetime, int] | None = None,
    ) -> list[ArticleRow]:
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
