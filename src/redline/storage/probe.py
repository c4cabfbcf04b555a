"""Has anything been committed since the last look? SQLite answers for free.

``PRAGMA data_version`` on a connection changes whenever *another* connection, in this process
or any other, commits to the database file; it reads the WAL index in shared memory, no page
and no statement plan. A connection of its own that never writes therefore sees every commit.
The web's fast path (web/fastpath.py) keeps a rendered page with the value it saw before
reading the data, and serves it again only while the value is unchanged. PostgreSQL has no
such counter: there the probe answers None and every request takes the ordinary path.
"""

from __future__ import annotations

import sqlite3
import threading

from sqlalchemy.engine import Engine


class DataVersion:
    def __init__(self, engine: Engine) -> None:
        url = engine.url
        self._path = url.database if url.get_backend_name() == "sqlite" else None
        if self._path in ("", ":memory:"):
            self._path = None
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def __call__(self) -> int | None:
        """The current data version, or None when there is none to be had (PostgreSQL, an
        unreadable file): the caller then reads the data itself."""
        if self._path is None:
            return None
        with self._lock:
            try:
                if self._conn is None:
                    self._conn = sqlite3.connect(
                        f"file:{self._path}?mode=ro", uri=True, check_same_thread=False
                    )
                row = self._conn.execute("PRAGMA data_version").fetchone()
            except sqlite3.Error:
                self.close()
                return None
        return int(row[0])

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
