"""discovery state keyed by (source, url, kind)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 09:00:00

``discovery_state`` was keyed by URL alone, so two sources polling one URL (a feed of one that
is a sitemap of another, or the same feed with other include patterns) shared one set of
validators: the second source sent the first one's ETag, got a 304 and never saw its articles.
The table is rebuilt with the key ``(source_id, url, kind)``. Its rows are only a cache (ETag,
Last-Modified, last error), so they are dropped rather than guessed at: the next discovery of
each source fetches its feeds in full once and records fresh validators.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import redline.storage.schema

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _common() -> list[sa.Column[object]]:
    return [
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("last_fetched", redline.storage.schema.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
    ]


def _source_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["source_id"],
        ["sources.id"],
        name=op.f("fk_discovery_state_source_id_sources"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.drop_table("discovery_state")
    op.create_table(
        "discovery_state",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        *_common(),
        _source_fk(),
        sa.PrimaryKeyConstraint("source_id", "url", "kind", name=op.f("pk_discovery_state")),
    )


def downgrade() -> None:
    op.drop_table("discovery_state")
    op.create_table(
        "discovery_state",
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        *_common(),
        _source_fk(),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_discovery_state")),
    )
