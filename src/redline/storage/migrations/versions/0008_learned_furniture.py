"""learned furniture per source

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:00:00

One table, ``furniture_rules``: per source, the block texts its template repeats (counted over
the first versions of its articles), the teasers of its other articles and the blocks seen
rotating between fetches, with how often each rule fired. See storage/schema.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from redline.storage.schema import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "furniture_rules",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("sample", sa.Text(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("fired", sa.Integer(), nullable=False),
        sa.Column("first_seen", UTCDateTime(), nullable=False),
        sa.Column("last_seen", UTCDateTime(), nullable=False),
        sa.Column("last_fired", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name="fk_furniture_rules_source_id_sources",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", "kind", "key_hash", name="pk_furniture_rules"),
    )
    op.create_index(
        "ix_furniture_rules_active", "furniture_rules", ["source_id", "kind", "articles"]
    )


def downgrade() -> None:
    op.drop_index("ix_furniture_rules_active", table_name="furniture_rules")
    op.drop_table("furniture_rules")
