"""Alembic environment: runs migrations on the Engine Redline hands over (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from redline.storage.database import include_object
from redline.storage.schema import metadata

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # `alembic` command line: build from the URL option
    from redline.storage.database import create_db_engine

    engine = create_db_engine(config.get_main_option("sqlalchemy.url") or "")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    context.run_migrations()
