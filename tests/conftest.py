"""Shared fixtures: a database URL for each backend (serve_asgi and free_port, for real HTTP
servers, come from redline.testing.asgi).

PostgreSQL tests run when REDLINE_TEST_DATABASE_URL is set (CI sets it and also
REDLINE_REQUIRE_POSTGRES=1, which turns a missing server into a failure instead of a skip).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from redline.testing.asgi import free_port, serve_asgi

__all__ = ["free_port", "serve_asgi"]

PG_URL = os.environ.get("REDLINE_TEST_DATABASE_URL", "")
REQUIRE_PG = os.environ.get("REDLINE_REQUIRE_POSTGRES") == "1"


def _pg_schema_url(base: str) -> Iterator[str]:
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    dsn = base.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.OperationalError as exc:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL required but unreachable at {base}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {base}: {exc}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/redline.sqlite3"
        return
    _require_postgres()
    yield from _pg_schema_url(PG_URL)


def _require_postgres() -> None:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("REDLINE_REQUIRE_POSTGRES=1 but REDLINE_TEST_DATABASE_URL is not set")
        pytest.skip(
            "PostgreSQL not configured: set REDLINE_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test"
        )


@pytest.fixture
def store(database_url: str) -> Iterator[Any]:
    from redline.storage import Store

    s = Store.open(database_url)
    yield s
    s.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema on the test PostgreSQL server (for multi-process tests)."""
    _require_postgres()
    yield from _pg_schema_url(PG_URL)


def postgres_cluster(url: str) -> tuple[str, str] | str:
    """(version, name) of the local PostgreSQL cluster serving ``url``, or why it cannot be
    restarted from here (needs pg_ctlcluster and root). Found by port, so a test can restart a
    throwaway cluster rather than the one everyone shares."""
    from sqlalchemy.engine import make_url

    if not shutil.which("pg_ctlcluster") or not shutil.which("pg_lsclusters"):
        return "restarting PostgreSQL needs pg_ctlcluster"
    if os.geteuid() != 0:
        return "restarting PostgreSQL needs root"
    port = str(make_url(url).port or 5432)
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True)
    for line in listing.stdout.splitlines():
        cols = line.split()
        if len(cols) >= 3 and cols[2] == port:
            return cols[0], cols[1]
    return f"no local PostgreSQL cluster listens on port {port}"


def restartable_postgres(url: str) -> tuple[str, str]:
    """The cluster to restart, or a skip (a failure with REDLINE_REQUIRE_PG_RESTART=1)."""
    found = postgres_cluster(url)
    if isinstance(found, str):
        if os.environ.get("REDLINE_REQUIRE_PG_RESTART") == "1":
            pytest.fail(f"REDLINE_REQUIRE_PG_RESTART=1 but {found}")
        pytest.skip(found)
    return found


def restart_postgres(cluster: tuple[str, str]) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "restart"], check=True, timeout=120
    )
