"""notifications: subscriptions and the delivery outbox

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from redline.storage.schema import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("destination", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text()),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("digest_minutes", sa.Integer()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_sent", UTCDateTime()),
        sa.Column("failing_since", UTCDateTime()),
        sa.Column("retry_at", UTCDateTime()),
        sa.Column("last_error", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_subscriptions"),
        sa.UniqueConstraint("name", name="uq_subscriptions_name"),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(96), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer()),
        sa.Column("event_id", sa.Integer()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("last_status", sa.Integer()),
        sa.Column("batch", sa.String(96)),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_expires", UTCDateTime()),
        sa.Column("delivered_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.UniqueConstraint("message_id", name="uq_deliveries_message_id"),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name="fk_deliveries_subscription_id_subscriptions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_deliveries_article_id_articles",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt"])
    op.create_index("ix_deliveries_subscription", "deliveries", ["subscription_id", "status", "id"])


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("subscriptions")
