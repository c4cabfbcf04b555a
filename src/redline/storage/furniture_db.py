"""What Redline learned about each source's furniture: counts and rules (``furniture_rules``)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from redline.furniture.policy import Block, RuleKind
from redline.storage import schema as t
from redline.storage._common import _Base
from redline.storage.records import FurnitureRuleRow, FurnitureUpdate


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class FurnitureMixin(_Base):
    """``Store``'s learned furniture rules. Written with a check (``record_check``), read by the
    checker (through a cache in ``redline.crawl.learned``), ``redline source show`` and the web."""

    _furniture_gen: dict[int, int]  # per source: bumped when this process changes its rules

    def furniture_generation(self, source_id: int) -> int:
        """Changes whenever this process adds or activates a rule of the source (other
        processes' rules are picked up by the cache's refresh interval)."""
        return self._furniture_gen.get(source_id, 0)

    def _upsert(
        self,
        conn: Connection,
        source_id: int,
        kind: RuleKind,
        block: Block,
        now: datetime,
        *,
        articles: int = 0,
        fired: int = 0,
    ) -> int:
        """Insert or bump one rule row; its ``articles`` count afterwards."""
        fr = t.furniture_rules
        ins: Any = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(fr)
        values = {
            "source_id": source_id,
            "kind": str(kind),
            "key_hash": _hash(block.key),
            "key": block.key,
            "sample": block.sample,
            "articles": articles,
            "fired": fired,
            "first_seen": now,
            "last_seen": now,
            "last_fired": now if fired else None,
        }
        bump: dict[str, Any] = {
            "articles": fr.c.articles + articles,
            "fired": fr.c.fired + fired,
            "last_seen": now,
        }
        if fired:
            bump["last_fired"] = now
        stmt = (
            ins.values(**values)
            .on_conflict_do_update(index_elements=["source_id", "kind", "key_hash"], set_=bump)
            .returning(fr.c.articles)
        )
        return int(conn.execute(stmt).scalar_one())

    def _write_furniture(self, conn: Connection, upd: FurnitureUpdate, now: datetime) -> bool:
        """Apply what one check learned; True when the source's active rules changed."""
        changed = False
        for block in upd.first_blocks:
            n = self._upsert(conn, upd.source_id, RuleKind.TEXT, block, now, articles=1)
            changed |= n == upd.min_articles
        for block in upd.rotating:
            n = self._upsert(conn, upd.source_id, RuleKind.ROTATING, block, now, articles=1)
            changed |= n == 1
        for block in upd.slots:
            n = self._upsert(conn, upd.source_id, RuleKind.SLOT, block, now, articles=1)
            changed |= n == upd.min_articles
        self._count_fired(conn, upd.source_id, upd.fired, now)
        return changed

    def _count_fired(
        self,
        conn: Connection,
        source_id: int,
        fired: tuple[tuple[RuleKind, Block, int], ...],
        now: datetime,
    ) -> None:
        fr = t.furniture_rules
        for kind, block, times in sorted(fired, key=lambda f: (f[0], f[1].key)):  # lock order
            if kind is RuleKind.TEASER:
                self._upsert(conn, source_id, kind, block, now, fired=times)
            else:
                conn.execute(
                    update(fr)
                    .where(
                        fr.c.source_id == source_id,
                        fr.c.kind == str(kind),
                        fr.c.key_hash == _hash(block.key),
                    )
                    .values(fired=fr.c.fired + times, last_fired=now)
                )

    def count_fired(
        self, source_id: int, fired: tuple[tuple[RuleKind, Block, int], ...], now: datetime
    ) -> None:
        """Add a worker's tally of fired rules outside any check (when it stops or flushes)."""
        if fired:
            with self._tx() as conn:
                self._count_fired(conn, source_id, fired, now)

    def _furniture_changed(self, source_id: int) -> None:
        self._furniture_gen[source_id] = self._furniture_gen.get(source_id, 0) + 1

    def active_furniture(
        self, source_id: int, min_articles: int
    ) -> list[tuple[RuleKind, str, int]]:
        """(kind, key, articles) of the rules extraction may apply: rotating blocks, and text
        blocks and template slots seen in at least ``min_articles`` articles (captures, for a
        slot)."""
        fr = t.furniture_rules
        with self._read() as conn:
            rows = conn.execute(
                select(fr.c.kind, fr.c.key, fr.c.articles).where(
                    fr.c.source_id == source_id,
                    or_(
                        fr.c.kind == str(RuleKind.ROTATING),
                        fr.c.kind.in_([str(RuleKind.TEXT), str(RuleKind.SLOT)])
                        & (fr.c.articles >= min_articles),
                    ),
                )
            ).all()
        return [(RuleKind(r.kind), r.key, int(r.articles)) for r in rows]

    def source_titles(self, source_id: int) -> list[str]:
        """Every headline the source's articles have had (teasers are matched against them:
        a page may still link another story under the headline it had when it was cached)."""
        a, v = t.articles, t.versions
        current = select(a.c.title.label("title")).where(
            a.c.source_id == source_id, a.c.title.is_not(None)
        )
        earlier = (
            select(v.c.title.label("title"))
            .select_from(v.join(a, a.c.id == v.c.article_id))
            .where(a.c.source_id == source_id)
        )
        with self._read() as conn:
            return list(conn.execute(current.union(earlier)).scalars())

    def furniture_rules(self, source_id: int, min_articles: int) -> list[FurnitureRuleRow]:
        """Every rule of a source worth showing (template candidates seen in fewer than
        ``min_articles`` articles are not rules yet), most fired first."""
        fr = t.furniture_rules
        with self._read() as conn:
            rows = conn.execute(
                select(fr)
                .where(
                    fr.c.source_id == source_id,
                    or_(
                        fr.c.kind.not_in([str(RuleKind.TEXT), str(RuleKind.SLOT)]),
                        fr.c.articles >= min_articles,
                    ),
                )
                .order_by(fr.c.fired.desc(), fr.c.kind, fr.c.key)
            ).all()
        return [
            FurnitureRuleRow(
                kind=RuleKind(r.kind),
                key=r.key,
                sample=r.sample,
                articles=r.articles,
                fired=r.fired,
                first_seen=r.first_seen,
                last_seen=r.last_seen,
                last_fired=r.last_fired,
            )
            for r in rows
        ]
