"""A worker stopped in the middle of a write must not hold its rows for as long as it is stopped.

The session of the stopped worker is played by a connection that locks an article row the way a
write does and then sends nothing more: PostgreSQL, told by ``limit_idle_transactions``, ends
that session and another worker can claim the article again once its lease is out."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from redline.storage import Store
from redline.storage.schema import articles

pytestmark = pytest.mark.postgres
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def pg(postgres_url: str) -> Iterator[tuple[Store, Store]]:
    stalled, other = Store.open(postgres_url), Store.open(postgres_url, run_migrations=False)
    yield stalled, other
    stalled.close()
    other.close()


def _claim_after_the_lease(store: Store) -> list[int]:
    later = NOW + timedelta(minutes=10)
    claimed = store.claim_articles(later, 5, worker="w2", lease=timedelta(minutes=1))
    return [a.id for a in claimed]


@pytest.mark.parametrize("limited", [True, False])
def test_a_transaction_left_idle_frees_its_rows_when_limited(
    pg: tuple[Store, Store], limited: bool
) -> None:
    stalled, other = pg
    art, _ = stalled.add_article("https://news.example/story", None, NOW)
    if limited:
        stalled.limit_idle_transactions(timedelta(seconds=1))
    conn = stalled.engine.connect()
    try:
        conn.begin()
        conn.execute(  # a write in progress: the article row is locked
            update(articles).where(articles.c.id == art.id).values(lease_owner="w1")
        )
        time.sleep(2.5)  # the worker is stopped here
        claimed = _claim_after_the_lease(other)
        if not limited:
            assert claimed == []  # skipped for as long as the stopped worker holds it
            return
        assert claimed == [art.id]
        with pytest.raises(DBAPIError, match="idle-in-transaction timeout"):
            conn.execute(select(articles.c.id))  # the stopped worker's write is gone
        assert conn.invalidated  # a lost connection to the pool: the next checkout reconnects
    finally:
        conn.close()


def test_crawling_commands_set_the_limit_from_the_settings(postgres_url: str) -> None:
    """`crawl`, `run` and `worker` open the store through ``Env.crawling_store``, which sets
    ``crawl.idle_transaction_timeout`` (here from the environment) on every new session."""
    from redline.cli.env import Env
    from redline.settings import load_settings

    environ = {
        "REDLINE_DATABASE_URL": postgres_url,
        "REDLINE_CRAWL__IDLE_TRANSACTION_TIMEOUT": "7",
    }
    env = Env(load_settings(None, {}, environ))
    try:
        store = env.crawling_store()
        with store.engine.connect() as conn:
            shown = conn.exec_driver_sql("SHOW idle_in_transaction_session_timeout").scalar()
        assert shown == "7s"
    finally:
        env.close()


def test_a_timeout_of_zero_sets_no_limit(postgres_url: str) -> None:
    """0 is PostgreSQL's 'no limit', never a limit of a millisecond ending every write."""
    store = Store.open(postgres_url)
    try:
        store.limit_idle_transactions(timedelta(0))
        with store.engine.connect() as conn:
            shown = conn.exec_driver_sql("SHOW idle_in_transaction_session_timeout").scalar()
        assert shown == "0"
    finally:
        store.close()
