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


def test_0005_gives_stored_identity_keys_their_port(database_url: str) -> None:
    """A database from before 0005 keyed ``127.0.0.1:56031/...`` as ``127.0.0.1/...``; after
    the upgrade the stored key is the one ``identity_key`` computes, so look-ups still work."""
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import insert, select

    from redline.frontier.urls import identity_key
    from redline.storage.database import _alembic_config, create_db_engine
    from redline.storage.schema import article_urls, articles

    engine = create_db_engine(database_url)
    command.upgrade(_alembic_config(engine), "0004")
    rows = {
        "http://127.0.0.1:56031/news/a.html": "127.0.0.1/news/a.html",
        "https://www.example.com/news/b.html": "example.com/news/b.html",
        "http://[::1]:8080/c?id=1": "::1/c?id=1",
    }
    with engine.begin() as conn:
        for i, (url, old_key) in enumerate(rows.items(), 1):
            conn.execute(
                insert(articles).values(
                    id=i, url=url, status="live", first_seen=datetime.now(UTC), version_count=0,
                    check_count=0, missing_count=0,
                )
            )  # fmt: skip
            conn.execute(insert(article_urls).values(key=old_key, article_id=i, url=url))
    engine.dispose()
    store = Store.open(database_url)  # migrates to head
    try:
        with store.engine.connect() as conn:
            keys = dict(conn.execute(select(article_urls.c.url, article_urls.c.key)).all())
        assert keys == {url: identity_key(url) for url in rows}
        assert keys["http://127.0.0.1:56031/news/a.html"] == "127.0.0.1:56031/news/a.html"
        found = store.find_article("http://127.0.0.1:56031/news/a.html?utm_source=x")
        assert found is not None and found.id == 1
        assert store.find_article("http://127.0.0.1:32785/news/a.html") is None
    finally:
        store.close()
