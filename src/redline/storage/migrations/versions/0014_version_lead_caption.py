"""the caption of each version's lead image (the photo above the story)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 19:00:00

Adds ``versions.lead_caption``, nullable: the caption of the photo above the story, a field of
its own like the standfirst (docs/extraction.md). Versions stored before this keep NULL; the
checker and ``redline reextract`` read the latest version's stored page again with today's
extractor before deciding (``read_alike``), so the first capture after the upgrade is no new
version. The content hash covers the lead caption only when there is one, so every stored hash
stays valid.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, never a batch rebuild: on SQLite rebuilding ``versions`` drops the old
    # table, and ON DELETE CASCADE would take every change and WARC link with it (as in 0006).
    op.add_column("versions", sa.Column("lead_caption", sa.Text()))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN on both backends (SQLite 3.35+), for the same reason
    op.execute("ALTER TABLE versions DROP COLUMN lead_caption")
