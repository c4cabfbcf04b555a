"""A database that breaks under a running server: every read answers 503, never 500.

Real databases on both backends: a SQLite file whose pages are overwritten (corrupted), and a
PostgreSQL server that is no longer reachable (the app's engine points at a closed port).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from tests.web.conftest import _client
from tests.web.sample import populate

from redline.storage import Store, create_db_engine
from redline.testing.asgi import free_port


def _broken(database_url: str) -> tuple[Store, dict[str, int]]:
    """A populated database made unusable; the store the app reads it through."""
    store = Store.open(database_url)
    s = populate(store)
    ids = {"minister": s.minister}
    store.close()
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        data = bytearray(path.read_bytes())
        data[: len(data)] = b"\xa5" * len(data)  # every page overwritten, header included
        path.write_bytes(bytes(data))
        for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            extra.unlink(missing_ok=True)
        return Store(create_db_engine(database_url)), ids
    gone = url.set(port=free_port())  # nothing listens there
    return Store(create_db_engine(gone.render_as_string(hide_password=False))), ids


PATHS = [
    "/",
    "/?class=deleted",
    "/articles/{minister}",
    "/articles/{minister}/diff/1/2",
    "/articles",
    "/sources",
    "/search?q=budget",
    "/feeds/changes.atom",
    "/feeds/articles/{minister}.atom",
    "/api/v1/changes",
    "/api/v1/articles",
    "/api/v1/articles/{minister}",
    "/api/v1/articles/{minister}/diff",
    "/api/v1/sources",
    "/api/v1/search?q=budget",
]


def test_an_unusable_database_answers_503_everywhere(database_url: str) -> None:
    store, ids = _broken(database_url)
    client = _client(store)
    try:
        got = {p: client.get(p.format(**ids)).status_code for p in PATHS}
    finally:
        store.close()
    assert got == dict.fromkeys(PATHS, 503)


@pytest.mark.parametrize("path", ["/api/v1/changes", "/articles/{minister}"])
def test_503_says_the_database_failed(database_url: str, path: str) -> None:
    store, ids = _broken(database_url)
    try:
        r = _client(store).get(path.format(**ids))
    finally:
        store.close()
    assert r.status_code == 503
    assert "database error" in r.text and "Traceback" not in r.text
