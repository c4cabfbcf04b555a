"""notify.secret_key: webhook secrets and destinations are stored sealed, used in clear by a
process that has the key, and never guessed at by one that has not; on both backends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from redline.notify.deliver import Deliverer
from redline.notify.sealing import PREFIX, Unreadable, seal, unseal
from redline.notify.shapes import subscription_json
from redline.notify.subscribe import SubscriptionSpec, subscribe
from redline.settings import NotifySettings
from redline.storage import Store
from redline.storage.schema import subscriptions
from redline.testing.receiver import Receiver
from tests.notify.helpers import article, edit, source

KEY = "a-long-random-key-for-tests-0123456789abcdef"
PASSWORD = "pa55word-of-the-chat"
FAST = NotifySettings(poll_every=0.05, backoff=30, timeout=2.0)


def stored(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(subscriptions.c.destination, subscriptions.c.secret)).all()
    return [v for r in rows for v in r if v is not None]


def deliver(store: Store) -> None:
    asyncio.run(Deliverer(store, FAST).deliver_pending(10))


def test_seal_and_unseal() -> None:
    sealed = seal("whsec_abc", KEY)
    assert sealed and sealed.startswith(PREFIX) and "whsec_abc" not in sealed
    assert seal("whsec_abc", KEY) != sealed  # a fresh nonce each time
    assert unseal(sealed, KEY) == "whsec_abc"
    assert seal("x", None) == "x" and unseal("x", KEY) == "x" and unseal(None, KEY) is None
    with pytest.raises(Unreadable, match=r"no notify\.secret_key"):
        unseal(sealed, None)
    with pytest.raises(Unreadable, match=r"another notify\.secret_key"):
        unseal(sealed, KEY + "x")


def test_credentials_are_stored_sealed_and_used_in_clear(store: Store) -> None:
    store.notify_key = KEY
    a = article(store, "https://daily.example/news/a.html", source(store))
    with Receiver() as rx:
        _, secret = subscribe(store, SubscriptionSpec("hook", rx.url), datetime.now(UTC))
        assert secret is not None
        rx.secret = secret
        subscribe(
            store,
            SubscriptionSpec("chat", f"json://editor:{PASSWORD}@127.0.0.1:9/x"),
            datetime.now(UTC),
        )
        raw = stored(store)
        assert len(raw) == 3 and all(v.startswith(PREFIX) for v in raw)
        assert not any(x in v for v in raw for x in (secret, rx.url, PASSWORD, "127.0.0.1"))
        assert store.subscription("hook").destination == rx.url
        assert store.subscription("hook").secret == secret
        edit(store, a, 1)
        deliver(store)
        assert len(rx.received) == 1 and rx.received[0].verified and rx.rejected == 0
    shown = {r["name"]: subscription_json(r) for r in store.subscription_health()}
    assert shown["hook"]["encrypted"] and shown["hook"]["destination"] == rx.url
    assert shown["chat"]["destination"] == "json://editor:****@127.0.0.1:9/x"


def test_a_process_without_the_key_reports_it_and_sends_nothing(
    store: Store, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    store.notify_key = KEY
    a = article(store, "https://daily.example/news/a.html", source(store))
    with Receiver() as rx:
        subscribe(store, SubscriptionSpec("hook", rx.url), datetime.now(UTC))
        edit(store, a, 1)
        for key, why in ((None, "no notify.secret_key"), (KEY + "x", "another notify.secret_key")):
            other = Store.open(database_url)
            other.notify_key = key
            try:
                (row,) = [subscription_json(r) for r in other.subscription_health()]
                assert row["kind"] == "webhook" and row["encrypted"]
                assert row["destination"].startswith("(encrypted: ") and why in row["destination"]
                caplog.clear()
                deliver(other)
                (row,) = other.subscription_health()
                # A configuration error here, not a failure of the destination: nothing
                # claimed, counted or paused.
                assert row["failing_since"] is None and row["last_error"] is None
                assert row["retry_at"] is None and row["pending"] == 1
                (err,) = [r for r in caplog.records if r.levelname == "ERROR"]
                assert "configuration error" in err.getMessage() and why in err.getMessage()
                assert "\n" not in err.getMessage()
            finally:
                other.close()
        assert rx.requests == 0
        assert [r.attempts for r in store.delivery_log()] == [0]


def test_a_deliverer_without_the_key_leaves_the_deliveries_to_one_with_it(
    store: Store, database_url: str
) -> None:
    """Two deliverers on one database, one of them without the key: the one with it delivers
    everything; the other neither counts attempts nor pauses the subscription."""
    store.notify_key = KEY
    a = article(store, "https://daily.example/news/a.html", source(store))
    keyless = Store.open(database_url)
    keyless.notify_key = None
    strict = NotifySettings(poll_every=0.05, backoff=30, timeout=2.0, max_attempts=1)
    try:
        with Receiver() as rx:
            _, rx.secret = subscribe(store, SubscriptionSpec("hook", rx.url), datetime.now(UTC))
            for n in range(1, 6):
                edit(store, a, n)
            without = Deliverer(keyless, strict, worker="without-key")
            with_key = Deliverer(store, strict, worker="with-key")

            async def both() -> None:
                await without.deliver_pending(5)  # first, so it would take the rows if it could
                stop = asyncio.Event()
                tasks = [asyncio.create_task(d.run(stop)) for d in (without, with_key)]
                for _ in range(200):
                    if len(rx.received) >= 5:
                        break
                    await asyncio.sleep(0.05)
                stop.set()
                await asyncio.gather(*tasks)

            asyncio.run(both())
            assert len(rx.received) == 5 and all(m.verified for m in rx.received)
        assert without.summary.sent == without.summary.failed == 0
        assert with_key.summary.sent == 5 and with_key.summary.failed == 0
        log = store.delivery_log()
        assert [r.status for r in log] == ["delivered"] * 5
        assert {r.attempts for r in log} == {1} and not any(r.last_error for r in log)
    finally:
        keyless.close()


def test_values_stored_before_the_key_stay_readable(store: Store) -> None:
    subscribe(store, SubscriptionSpec("old", "http://127.0.0.1:9/hook"), datetime.now(UTC))
    store.notify_key = KEY
    subscribe(store, SubscriptionSpec("new", "http://127.0.0.1:9/hook"), datetime.now(UTC))
    subs = {s.name: s for s in store.subscriptions()}
    assert subs["old"].destination == subs["new"].destination == "http://127.0.0.1:9/hook"
    assert not subs["old"].unreadable and not subs["new"].unreadable
    assert sum(v.startswith(PREFIX) for v in stored(store)) == 2  # the new one's two values
