"""The migrations build exactly the schema that schema.py describes, on both backends."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from redline.storage import Store
from redline.storage.database import include_object
from redline.storage.schema import metadata


def test_migrations_match_the_metadata(store: Store) -> None:
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": include_object})
        assert compare_metadata(ctx, metadata) == []
