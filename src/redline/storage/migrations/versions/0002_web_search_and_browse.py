"""full-text search over versions and indexes for the web's browse queries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 23:50:00

SQLite: an FTS5 table ``versions_fts`` (external content = ``versions``) kept in sync by
triggers, so the crawler's plain INSERT into ``versions`` is all it takes to make text
searchable. PostgreSQL: a GIN index on ``to_tsvector('simple', title || ' ' || text)``; the
query in ``storage/browse.py`` repeats that exact expression so the planner can use it.

Both use a language-neutral tokenizer (no stemming): Redline tracks outlets in many languages,
and the same query should find the same articles on either backend.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Keep in step with redline.storage.browse.PG_TSVECTOR.
PG_TSVECTOR = "to_tsvector('simple'::regconfig, title || ' ' || \"text\")"

_SQLITE_FTS = [
    "CREATE VIRTUAL TABLE versions_fts USING fts5("
    "title, text, content='versions', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER versions_fts_ai AFTER INSERT ON versions BEGIN "
    "INSERT INTO versions_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER versions_fts_ad AFTER DELETE ON versions BEGIN "
    "INSERT INTO versions_fts(versions_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER versions_fts_au AFTER UPDATE OF title, text ON versions BEGIN "
    "INSERT INTO versions_fts(versions_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO versions_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "INSERT INTO versions_fts(versions_fts) VALUES ('rebuild')",
]

# (name, table, columns, partial-index condition or None)
_INDEXES: list[tuple[str, str, list[str], str | None]] = [
    # store.changes(article_id) and the article page read an article's changes.
    ("ix_changes_article", "changes", ["article_id", "version_id"], None),
    # Front page keyset order: (created_at, version_id) descending.
    ("ix_changes_created_version", "changes", ["created_at", "version_id"], None),
    # Front page class filters: small partial indexes, so a rare class never scans all changes.
    ("ix_changes_headline", "changes", ["created_at", "version_id"], "headline_changed"),
    ("ix_changes_stealth", "changes", ["created_at", "version_id"], "stealth"),
    (
        "ix_changes_correction",
        "changes",
        ["created_at", "version_id"],
        "classes LIKE '%\"correction\"%'",
    ),
    # Article lists ordered by first_seen, globally and per source.
    ("ix_articles_first_seen", "articles", ["first_seen", "id"], None),
    ("ix_articles_source_first_seen", "articles", ["source_id", "first_seen", "id"], None),
    # Deletions stream: events of one kind, newest first.
    ("ix_events_kind_at_id", "events", ["kind", "at", "id"], None),
]


def _where(dialect: str, cond: str | None) -> dict[str, object]:
    if cond is None:
        return {}
    if dialect == "sqlite":
        # SQLite stores booleans as 0/1 and SQLAlchemy compares them with "= 1"; the partial
        # index condition has to be written the same way for the planner to match it.
        cond = {"headline_changed": "headline_changed = 1", "stealth": "stealth = 1"}.get(
            cond, cond
        )
        return {"sqlite_where": sa.text(cond)}
    return {"postgresql_where": sa.text(cond)}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, table, cols, cond in _INDEXES:
        op.create_index(name, table, cols, **_where(dialect, cond))  # type: ignore[arg-type]
    if dialect == "sqlite":
        for stmt in _SQLITE_FTS:
            op.execute(stmt)
    elif dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_versions_fts ON versions USING GIN ({PG_TSVECTOR})")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trig in ("versions_fts_ai", "versions_fts_ad", "versions_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trig}")
        op.execute("DROP TABLE IF EXISTS versions_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_versions_fts")
    for name, table, _cols, _cond in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
