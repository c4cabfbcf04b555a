"""the standfirst (dek under the headline) of each version

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 18:00:00

Adds ``versions.standfirst``, nullable: the sentence under the headline, a field of its own
like the title (docs/extraction.md). Versions stored before this keep NULL, and their
standfirst, if the page had one, as their first body paragraph; the checker and ``redline
reextract`` see them as today's extractor would (furniture/compare.py), so the first capture
after the upgrade is no new version. The content hash covers the standfirst only when there is
one, so every stored hash stays valid.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, never a batch rebuild: on SQLite rebuilding ``versions`` drops the old
    # table, and ON DELETE CASCADE would take every change and WARC link with it (as in 0006).
    op.add_column("versions", sa.Column("standfirst", sa.Text()))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN on both backends (SQLite 3.35+), for the same reason
    op.execute("ALTER TABLE versions DROP COLUMN standfirst")
