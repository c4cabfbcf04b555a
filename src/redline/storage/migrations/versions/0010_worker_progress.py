"""workers record their progress, not only that they are alive

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:00:00

A worker stuck in a slow discovery went on heartbeating, so `redline status` called it healthy.
``last_check`` is when it last completed a check, ``last_progress`` when it last completed a
check or found nothing due: a worker whose ``last_progress`` is older than a lease period is
stuck.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import redline.storage.schema

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workers") as batch:
        batch.add_column(
            sa.Column(
                "last_check", redline.storage.schema.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch.add_column(
            sa.Column(
                "last_progress", redline.storage.schema.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("workers") as batch:
        batch.drop_column("last_progress")
        batch.drop_column("last_check")
