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
                    id=i,
                    url=url,
                    status="live",
                    first_seen=datetime.now(UTC),
                    version_count=0,
                    check_count=0,
                    missing_count=0,
                )
            )
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


def test_upgrading_a_database_from_before_0006_keeps_every_article_s_source(
    database_url: str,
) -> None:
    """Adding a column to ``sources`` must not rebuild the table on SQLite: dropping the old
    table would set every ``articles.source_id`` to NULL (ON DELETE SET NULL)."""
    import json
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import MetaData, Table, func, insert, select

    from redline.storage.database import _alembic_config, create_db_engine

    engine = create_db_engine(database_url)
    command.upgrade(_alembic_config(engine), "0005")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        old = MetaData()
        sources = Table("sources", old, autoload_with=conn)
        articles = Table("articles", old, autoload_with=conn)
        config = json.dumps({"name": "daily", "homepage": "https://daily.example/"})
        row = insert(sources).values(name="daily", config=config, created_at=now)
        src = conn.execute(row).inserted_primary_key[0]
        for i in range(3):
            conn.execute(
                insert(articles).values(
                    url=f"https://daily.example/a{i}",
                    source_id=src,
                    status="live",
                    first_seen=now,
                    version_count=0,
                    check_count=0,
                    missing_count=0,
                )
            )
    engine.dispose()
    store = Store.open(database_url)  # migrates to head
    try:
        with store.engine.connect() as conn:
            from redline.storage.schema import articles as new_articles

            linked = conn.execute(
                select(func.count()).where(new_articles.c.source_id == src)
            ).scalar_one()
        assert linked == 3
        assert store.get_source("daily").config.name == "daily"
    finally:
        store.close()


def test_0013_adds_the_standfirst_and_keeps_versions_changes_and_hashes(
    database_url: str,
) -> None:
    """Versions stored before 0013 keep their rows, changes and content hashes; their
    standfirst is NULL, and the hash a capture of the same content computes is still theirs."""
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import MetaData, Table, func, insert, select

    from redline.storage.database import _alembic_config, create_db_engine
    from redline.versions.policy import content_hash

    engine = create_db_engine(database_url)
    command.upgrade(_alembic_config(engine), "0012")
    now = datetime.now(UTC)
    body = ("The dek, as the old extractor kept it.", "The first paragraph of the story.")
    stored_hash = content_hash("Headline", None, body)
    with engine.begin() as conn:
        old = MetaData()
        articles = Table("articles", old, autoload_with=conn)
        versions = Table("versions", old, autoload_with=conn)
        changes = Table("changes", old, autoload_with=conn)
        assert "standfirst" not in versions.c
        art = conn.execute(
            insert(articles).values(
                url="https://daily.example/a",
                status="live",
                first_seen=now,
                version_count=2,
                check_count=2,
                missing_count=0,
            )
        ).inserted_primary_key[0]
        for n in (1, 2):
            vid = conn.execute(
                insert(versions).values(
                    article_id=art,
                    number=n,
                    captured_at=now,
                    title="Headline",
                    text="\n\n".join(body),
                    content_hash=stored_hash,
                    extractor="trafilatura",
                    extractor_version="0",
                )
            ).inserted_primary_key[0]
        conn.execute(
            insert(changes).values(
                version_id=vid,
                article_id=art,
                created_at=now,
                engine_version="1",
                level="minor",
                score=0.1,
                classes="[]",
                summary="x",
                stealth=False,
                headline_changed=False,
                data="{}",
            )
        )
    engine.dispose()
    store = Store.open(database_url)  # migrates to head
    try:
        from redline.storage.schema import changes as new_changes

        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(new_changes)).scalar_one() == 1
        v = store.version(art, 1)
        assert v.standfirst is None and v.paragraphs == body
        assert v.content_hash == content_hash(v.title, v.byline, v.paragraphs, v.standfirst)
    finally:
        store.close()


def test_0014_adds_the_lead_caption_and_keeps_versions_and_hashes(database_url: str) -> None:
    """Versions stored before 0014 keep their rows and content hashes; their lead caption is
    NULL, and the hash a capture of the same content computes is still theirs."""
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import MetaData, Table, insert

    from redline.storage.database import _alembic_config, create_db_engine
    from redline.versions.policy import content_hash

    engine = create_db_engine(database_url)
    command.upgrade(_alembic_config(engine), "0013")
    now = datetime.now(UTC)
    body = ("The first paragraph of the story.", "The second paragraph of the story.")
    stored_hash = content_hash("Headline", None, body, "The dek")
    with engine.begin() as conn:
        old = MetaData()
        articles = Table("articles", old, autoload_with=conn)
        versions = Table("versions", old, autoload_with=conn)
        assert "lead_caption" not in versions.c
        art = conn.execute(
            insert(articles).values(
                url="https://daily.example/b",
                status="live",
                first_seen=now,
                version_count=1,
                check_count=1,
                missing_count=0,
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(versions).values(
                article_id=art,
                number=1,
                captured_at=now,
                title="Headline",
                standfirst="The dek",
                text="\n\n".join(body),
                content_hash=stored_hash,
                extractor="trafilatura",
                extractor_version="0",
            )
        )
    engine.dispose()
    store = Store.open(database_url)  # migrates to head
    try:
        v = store.version(art, 1)
        assert v.lead_caption is None and v.standfirst == "The dek"
        assert v.content_hash == content_hash(
            v.title, v.byline, v.paragraphs, v.standfirst, v.lead_caption
        )
        assert content_hash(v.title, v.byline, v.paragraphs, v.standfirst, "A caption") != (
            v.content_hash
        )
    finally:
        store.close()


def test_a_database_stamped_with_the_data_revision_s_first_number_upgrades(
    database_url: str,
) -> None:
    """The data revision counter was released as '0014' (revising 0011) before it was renumbered
    '0012'. A database made then is stamped '0014' with neither the standfirst nor the lead
    caption column; opening it must add both, keeping its rows."""
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import MetaData, Table, insert

    from redline.storage.database import _alembic_config, create_db_engine, current_revision

    engine = create_db_engine(database_url)
    command.upgrade(_alembic_config(engine), "0012")
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0014'")
        articles = Table("articles", MetaData(), autoload_with=conn)
        art = conn.execute(
            insert(articles).values(
                url="https://daily.example/c",
                status="live",
                first_seen=datetime.now(UTC),
                version_count=0,
                check_count=0,
                missing_count=0,
            )
        ).inserted_primary_key[0]
    engine.dispose()
    store = Store.open(database_url)
    try:
        with store.engine.connect() as conn:
            columns = {c.name for c in Table("versions", MetaData(), autoload_with=conn).c}
        assert {"standfirst", "lead_caption"} <= columns
        assert current_revision(store.engine) == "0014"
        assert store.get_article(art).url == "https://daily.example/c"
    finally:
        store.close()
