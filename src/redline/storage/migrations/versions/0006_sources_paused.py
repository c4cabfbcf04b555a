"""sources can be paused

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 12:00:00

``redline source pause NAME`` (and the web/API equivalents) stop a source's discovery and the
checks of its articles without removing it; ``resume`` starts them again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, never a batch rebuild: on SQLite rebuilding ``sources`` drops the old
    # table, and ON DELETE SET NULL would detach every article from its source.
    op.add_column(
        "sources", sa.Column("paused", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("paused")
