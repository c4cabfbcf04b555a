"""Engine creation and migrations: the only place that knows which database is behind a URL."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from redline.errors import StorageError

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")


def default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'redline.sqlite3').resolve()}"


def normalize_url(url: str) -> str:
    """Accept the URLs users write and pick the driver Redline ships (psycopg 3)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets readers (the web app) run beside the one writer; the busy timeout makes a
    # brief write lock a short wait rather than a 'database is locked' failure.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def create_db_engine(url: str) -> Engine:
    """An Engine for the URL, with per-backend settings. Does not connect yet."""
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(
            f"invalid database URL {url!r}: use sqlite:///PATH or postgresql://USER@HOST/DB"
        ) from exc
    kwargs: dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        # one connection per concurrent request of the web's thread pool, kept open: overflow
        # connections are closed on return, and reopening (with the pragmas) costs more than
        # the queries the web makes
        kwargs.update(pool_size=20, max_overflow=20)
    elif parsed.get_backend_name() == "postgresql":
        # no pre-ping: it costs a round trip per checkout; a connection broken by a server restart
        # fails once, SQLAlchemy invalidates the pool, and the caller (the worker loop) retries.
        kwargs.update(pool_size=5, max_overflow=10)
        kwargs["connect_args"] = {"connect_timeout": 10}
    else:
        raise StorageError(
            f"unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL"
        )
    try:
        engine = create_engine(parsed, **kwargs)
    except (SQLAlchemyError, ImportError) as exc:
        raise StorageError(f"cannot use database URL {url!r}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def limit_idle_transactions(engine: Engine, seconds: float) -> None:
    """Have PostgreSQL end any session of this engine that sits inside a transaction for longer
    than ``seconds`` without sending a statement.

    A worker that is stopped (SIGSTOP, a paused VM, a debugger) between two statements of a
    write keeps its row locks: other workers skip the article it holds (SKIP LOCKED) and wait on
    the page it was inserting, however long ago its lease ran out. The server's timeout frees
    them; the stopped worker's transaction is rolled back and, when it resumes, that one write
    fails like any lost connection. Workers' transactions take milliseconds, so any limit well
    above that is safe; migrations (long, client-side work) run before this applies. SQLite has
    no such setting (one host, one writer). ``seconds`` ≤ 0 sets nothing (PostgreSQL's own
    meaning of 0: no limit), never a limit of a millisecond that would end every write."""
    if engine.dialect.name != "postgresql" or seconds <= 0:
        return
    ms = max(1, round(seconds * 1000))

    def _set(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute(f"SET idle_in_transaction_session_timeout = {ms}")
        cur.close()
        dbapi_conn.commit()

    event.listen(engine, "connect", _set)
    engine.dispose()  # connections opened before (by the migration) reconnect with the limit


# Objects made by raw SQL in migrations (full-text search, dialect-specific partial indexes)
# that the metadata does not describe: autogenerate must not propose dropping them.
MIGRATION_ONLY = (
    "versions_fts",
    "ix_versions_fts",
    "ix_changes_headline",
    "ix_changes_stealth",
    "ix_changes_correction",
)


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    return not (reflected and name is not None and name.startswith(MIGRATION_ONLY))


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent, safe to run on every start)."""
    from alembic import command

    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except DBAPIError as exc:  # unreachable server, refused login, a file that is not SQLite
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StorageError(
            f"cannot connect to the database at {engine.url.render_as_string(hide_password=True)}: "
            f"{reason}; check --database-url / REDLINE_DATABASE_URL"
        ) from exc
    try:
        _restamp_renumbered(engine)
        command.upgrade(_alembic_config(engine), "head")
    except SQLAlchemyError as exc:
        raise StorageError(f"database migration failed: {exc}") from exc


def _restamp_renumbered(engine: Engine) -> None:
    """The data revision counter was first released as revision '0014' (revising 0011), then
    renumbered '0012'; '0014' is the lead caption now. A database stamped '0014' without
    ``versions.standfirst`` (0013) is one of those: it is at '0012', and is stamped so, or
    alembic would take it for the head and skip 0013 and 0014 (every check would then fail on
    the missing columns)."""
    if current_revision(engine) != "0014":
        return
    with engine.begin() as conn:
        if "standfirst" not in {c["name"] for c in inspect(conn).get_columns("versions")}:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0012'")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


__all__ = [
    "NullPool",
    "create_db_engine",
    "current_revision",
    "default_database_url",
    "limit_idle_transactions",
    "migrate",
]
