"""The storage layer: the only code that speaks SQL. It knows nothing of the web or the CLI.

One ``Store`` per process wraps an Engine. Every write is one short transaction; a new version
is guarded by a compare-and-set on ``articles.version_count`` plus the unique
``(article_id, number)`` constraint, so two checkers can never write the same version twice.

``Store`` is composed of one mixin per concern (see docs/architecture.md): ``sources_db``,
``articles_db``, ``frontier_db``, ``checks_db``, ``furniture_db``, ``tokens_db``, ``archive_db`` and ``notify_db``; this module holds the
Engine, its transactions and the SQL dialect.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import zstandard
from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from redline.storage._common import _storage_error
from redline.storage.archive_db import ArchiveMixin
from redline.storage.articles_db import ArticlesMixin
from redline.storage.checks_db import _ZSTD_LEVEL, ChecksMixin, VersionConflict
from redline.storage.database import create_db_engine, limit_idle_transactions, migrate
from redline.storage.frontier_db import FrontierMixin
from redline.storage.furniture_db import FurnitureMixin
from redline.storage.notify_db import NotifyMixin
from redline.storage.probe import DataVersion
from redline.storage.sources_db import SourcesMixin
from redline.storage.tokens_db import TokensMixin


class Store(
    SourcesMixin,
    ArticlesMixin,
    FrontierMixin,
    ChecksMixin,
    FurnitureMixin,
    TokensMixin,
    ArchiveMixin,
    NotifyMixin,
):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._codecs = threading.local()
        self._sources_cache = None
        self._furniture_gen = {}
        self.data_version = DataVersion(engine)  # SQLite: has anything been committed since?

    @classmethod
    def open(cls, url: str, *, run_migrations: bool = True) -> Store:
        engine = create_db_engine(url)
        if run_migrations:
            migrate(engine)
        return cls(engine)

    def limit_idle_transactions(self, timeout: timedelta) -> None:
        """Workers: PostgreSQL ends a session left idle inside a transaction this long."""
        limit_idle_transactions(self.engine, timeout.total_seconds())

    def close(self) -> None:
        self.data_version.close()
        self.engine.dispose()

    # A zstd (de)compressor used by two threads at once returns corrupt data or corrupts the
    # heap (python-zstandard's instances are not thread-safe), and a Store is shared by the
    # checker's worker threads and the web app's thread pool: one pair per thread.
    @property
    def _zc(self) -> zstandard.ZstdCompressor:
        zc = getattr(self._codecs, "zc", None)
        if zc is None:
            zc = self._codecs.zc = zstandard.ZstdCompressor(level=_ZSTD_LEVEL)
        return zc

    @property
    def _zd(self) -> zstandard.ZstdDecompressor:
        zd = getattr(self._codecs, "zd", None)
        if zd is None:
            zd = self._codecs.zd = zstandard.ZstdDecompressor()
        return zd

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except IntegrityError:
            raise
        except DBAPIError as exc:
            raise _storage_error(exc) from exc

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except DBAPIError as exc:
            raise _storage_error(exc) from exc


__all__ = ["Store", "VersionConflict"]
