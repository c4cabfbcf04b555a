"""Fixtures for the web tests: one populated database per backend, shared by a module."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import PG_URL, REQUIRE_PG, _pg_schema_url
from tests.web.sample import CLOCK, Sample, populate

from redline.storage import Store
from redline.web import create_app

with warnings.catch_warnings():  # starlette's notice about httpx, raised once on import
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

FILLERS = 55


@dataclass
class Web:
    store: Store
    sample: Sample
    client: Any  # fastapi.testclient.TestClient

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)


def _client(store: Store) -> Any:
    return TestClient(
        create_app(store, clock=lambda: CLOCK),
        follow_redirects=False,
        raise_server_exceptions=False,
    )


def _url(backend: str, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp}/redline.sqlite3"
        return
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("REDLINE_REQUIRE_POSTGRES=1 but REDLINE_TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL not configured: set REDLINE_TEST_DATABASE_URL")
    yield from _pg_schema_url(PG_URL)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def web(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """A populated database (read-only for the tests that use it) and a client for it."""
    for url in _url(request.param, tmp_path_factory.mktemp("web")):
        store = Store.open(url)
        try:
            yield Web(store, populate(store, fillers=FILLERS), _client(store))
        finally:
            store.close()


@pytest.fixture
def fresh(store: Store) -> Web:
    """A small populated database of its own, for tests that write."""
    return Web(store, populate(store), _client(store))
