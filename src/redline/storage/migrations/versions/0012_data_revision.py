"""a revision counter bumped by triggers when stored history is rewritten in place

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 15:00:00

Web validators (ETags) are built from the newest change, event and source ids, which a new
change or removal moves on. Rewrites in place do not: `redline rediff` storing a newer diff
engine's summaries, `redline reextract` rebuilding a history, a merge moving versions and
events, a canonical URL renaming an article. ``data_revision`` holds one row whose counter
triggers on ``changes``, ``events`` and ``articles.url`` bump in the same transaction as such a
write, so every validator that includes it changes with the data, whatever code path wrote it.
New changes and events (inserts) do not touch it: the crawler's hot path stays as it was.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_BUMP = "UPDATE data_revision SET n = n + 1 WHERE id = 1"

_SQLITE = [
    f"CREATE TRIGGER data_revision_changes_au AFTER UPDATE ON changes BEGIN {_BUMP}; END",
    f"CREATE TRIGGER data_revision_changes_ad AFTER DELETE ON changes BEGIN {_BUMP}; END",
    f"CREATE TRIGGER data_revision_events_au AFTER UPDATE ON events BEGIN {_BUMP}; END",
    f"CREATE TRIGGER data_revision_events_ad AFTER DELETE ON events BEGIN {_BUMP}; END",
    "CREATE TRIGGER data_revision_articles_au AFTER UPDATE OF url ON articles "
    f"WHEN old.url IS NOT new.url BEGIN {_BUMP}; END",
]

_PG = [
    f"""CREATE FUNCTION data_revision_bump() RETURNS trigger AS $$
BEGIN
  {_BUMP};
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    # once per statement: a rewrite of a whole history is one bump, not one per row
    "CREATE TRIGGER data_revision_changes AFTER UPDATE OR DELETE ON changes "
    "FOR EACH STATEMENT EXECUTE FUNCTION data_revision_bump()",
    "CREATE TRIGGER data_revision_events AFTER UPDATE OR DELETE ON events "
    "FOR EACH STATEMENT EXECUTE FUNCTION data_revision_bump()",
    "CREATE TRIGGER data_revision_articles AFTER UPDATE OF url ON articles FOR EACH ROW "
    "WHEN (OLD.url IS DISTINCT FROM NEW.url) EXECUTE FUNCTION data_revision_bump()",
]


def upgrade() -> None:
    op.create_table(
        "data_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_revision")),
    )
    op.execute("INSERT INTO data_revision(id, n) VALUES (1, 0)")
    dialect = op.get_bind().dialect.name
    for stmt in _SQLITE if dialect == "sqlite" else _PG:
        op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trig in ("changes_au", "changes_ad", "events_au", "events_ad", "articles_au"):
            op.execute(f"DROP TRIGGER IF EXISTS data_revision_{trig}")
    else:
        for table in ("changes", "events", "articles"):
            op.execute(f"DROP TRIGGER IF EXISTS data_revision_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS data_revision_bump()")
    op.drop_table("data_revision")
