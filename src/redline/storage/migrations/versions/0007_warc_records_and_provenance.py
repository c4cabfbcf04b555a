"""WARC records of captures and version provenance

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:00:00

Adds ``warc_records`` (one row per WARC record: its head, zstd-compressed; its payload is the
raw page in ``blobs``) and, on ``versions``, where a version comes from: ``origin`` (NULL for
Redline's own captures, 'archive' for versions backfilled from a web archive), ``memento_url``
and ``memento_datetime``. Versions stored before this have no WARC records, and say so.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from redline.storage.schema import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("versions") as b:
        b.add_column(sa.Column("origin", sa.String(16)))
        b.add_column(sa.Column("memento_url", sa.Text()))
        b.add_column(sa.Column("memento_datetime", UTCDateTime()))
    op.create_table(
        "warc_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey(
                "articles.id", ondelete="CASCADE", name="fk_warc_records_article_id_articles"
            ),
            nullable=False,
        ),
        sa.Column(
            "capture_id",
            sa.BigInteger(),
            sa.ForeignKey(
                "captures.id", ondelete="SET NULL", name="fk_warc_records_capture_id_captures"
            ),
        ),
        sa.Column(
            "version_id",
            sa.Integer(),
            sa.ForeignKey(
                "versions.id", ondelete="SET NULL", name="fk_warc_records_version_id_versions"
            ),
        ),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("record_type", sa.String(16), nullable=False),
        sa.Column("target_uri", sa.Text(), nullable=False),
        sa.Column("warc_date", UTCDateTime(), nullable=False),
        sa.Column("http_status", sa.Integer()),
        sa.Column("content_type", sa.Text()),
        sa.Column("payload_digest", sa.String(64)),
        sa.Column(
            "payload_sha256",
            sa.String(64),
            sa.ForeignKey("blobs.sha256", name="fk_warc_records_payload_sha256_blobs"),
        ),
        sa.Column("head", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_warc_records"),
        sa.UniqueConstraint("record_id", name="uq_warc_records_record_id"),
    )
    op.create_index("ix_warc_records_article", "warc_records", ["article_id", "id"])
    op.create_index("ix_warc_records_version", "warc_records", ["version_id"])
    op.create_index("ix_warc_records_digest", "warc_records", ["payload_digest"])


def downgrade() -> None:
    op.drop_table("warc_records")
    with op.batch_alter_table("versions") as b:
        b.drop_column("memento_datetime")
        b.drop_column("memento_url")
        b.drop_column("origin")
