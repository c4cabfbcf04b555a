"""Delivering for real: a signed webhook to a loopback receiver that verifies it with
standardwebhooks, apprise's json:// to a local receiver, retries, Retry-After, a failing
destination beside a healthy one, digests; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import time
from datetime import UTC, datetime, timedelta

from PIL import Image

from redline.notify.deliver import Deliverer, send_test
from redline.notify.rules import Rule
from redline.notify.send import new_secret
from redline.settings import NotifySettings
from redline.storage import Store
from redline.testing.receiver import Receiver
from tests.notify.helpers import article, edit, remove, source

FAST = NotifySettings(poll_every=0.05, backoff=0.2, timeout=2.0)
BASE = "https://redline.example"


def deliver(store: Store, settings: NotifySettings = FAST, wait: float = 10) -> Deliverer:
    d = Deliverer(store, settings, base_url=BASE)
    asyncio.run(d.deliver_pending(wait))
    return d


def now() -> datetime:
    return datetime.now(UTC)


def test_a_change_reaches_a_webhook_signed_and_documented(store: Store) -> None:
    secret = new_secret()
    sid = source(store)
    a = article(store, "https://daily.example/news/a.html", sid)
    with Receiver(secret=secret) as rx:
        store.add_subscription("hook", rx.url, Rule(), now(), secret=secret)
        vid = edit(store, a, 1, classes=("headline", "wording"))
        remove(store, a, "gone")
        summary = deliver(store).summary
        assert summary.sent == 2 and rx.rejected == 0
        # Sent in parallel: the receiver may see them in either order.
        assert len(rx.received) == 2
        change, removal = sorted(rx.received, key=lambda m: m.body["type"] != "change")
    assert change.verified and change.webhook_id and change.webhook_id.startswith("msg_")
    body = change.body
    assert body["schema"] == "redline.notification/1" and body["type"] == "change"
    assert body["id"] == f"change-{vid}"
    assert body["article"] == {
        "id": a,
        "url": "https://daily.example/news/a.html",
        "title": "New headline 1",
        "source": "daily",
    }
    assert body["versions"] == {"from": 1, "to": 2}
    assert body["change"]["level"] == "major" and body["change"]["stealth"] is True
    assert body["change"]["headline"] == {"old": "Old headline", "new": "New headline 1"}
    assert body["links"]["diff"] == f"https://redline.example/articles/{a}/diff/1/2"
    assert body["links"]["card"] == f"https://redline.example/articles/{a}/versions/2/card.png"
    assert removal.body["type"] == "removal" and removal.body["removal"]["kind"] == "gone"
    assert {r.status for r in store.delivery_log()} == {"delivered"}


def test_a_redelivery_carries_the_same_webhook_id(store: Store) -> None:
    secret = new_secret()
    a = article(store, "https://daily.example/news/a.html", source(store))
    with Receiver(secret=secret, fail_first=2, fail_status=503) as rx:
        store.add_subscription("hook", rx.url, Rule(), now(), secret=secret)
        edit(store, a, 1)
        d = deliver(store)
        assert d.summary.failed == 1 and rx.received == []  # paused until the backoff is over
        (row,) = store.delivery_log()
        assert row.status == "pending" and row.attempts == 1 and row.last_status == 503
        (health,) = store.subscription_health()
        assert health["failing_since"] is not None and "503" in health["last_error"]
        for _ in range(40):  # backoff 0.2 s, then 0.4 s
            time.sleep(0.1)
            deliver(store, wait=2)
            if rx.received:
                break
        assert rx.requests == 3
        (got,) = rx.received
    assert got.webhook_id == row.message_id
    (row,) = store.delivery_log()
    assert row.status == "delivered" and row.attempts == 3
    assert store.subscription_health()[0]["failing_since"] is None


def test_429_retry_after_is_honoured(store: Store) -> None:
    a = article(store, "https://daily.example/news/a.html", source(store))
    with Receiver(status=429, retry_after="120") as rx:
        store.add_subscription("hook", rx.url, Rule(), now(), secret=new_secret())
        edit(store, a, 1)
        before = now()
        deliver(store)
    (health,) = store.subscription_health()
    wait = (health["retry_at"] - before).total_seconds()
    assert 119 <= wait <= 125  # not the 0.2 s backoff
    assert store.due_subscriptions(now()) == []


def test_a_failing_or_hanging_destination_does_not_hold_up_a_healthy_one(store: Store) -> None:
    """The hanging destination answers after 60 s and is given 45: had the healthy one waited
    for it, it would get nothing in the 30 s this test waits. (Latency: benchmarks/bench_notify.)"""
    a = article(store, "https://daily.example/news/a.html", source(store))
    secret = new_secret()
    patient = NotifySettings(poll_every=0.05, backoff=5.0, timeout=45.0, parallel=1)
    with Receiver(secret=secret) as ok, Receiver(status=500) as bad, Receiver(hang=60) as hung:
        store.add_subscription("bad", bad.url, Rule(), now(), secret=new_secret())
        store.add_subscription("hung", hung.url, Rule(), now(), secret=new_secret())
        store.add_subscription("ok", ok.url, Rule(), now(), secret=secret)
        for n in range(1, 4):
            edit(store, a, n)

        async def run() -> None:
            task = asyncio.create_task(
                Deliverer(store, patient, base_url=BASE).run(asyncio.Event())
            )

            def delivered() -> int:  # received is not yet marked: wait for the mark too
                return next(
                    h["delivered"] for h in store.subscription_health() if h["name"] == "ok"
                )

            for _ in range(1500):
                if len(ok.received) == 3 and bad.requests and delivered() == 3:
                    break
                await asyncio.sleep(0.02)
            task.cancel()  # abandons the hanging send to its lease
            with contextlib.suppress(asyncio.CancelledError):
                await task

        asyncio.run(run())
        assert len(ok.received) == 3 and bad.received == [] and hung.received == []
        assert hung.requests == 1
        assert bad.requests == 1  # paused after its first failure, not tried per delivery
    health = {h["name"]: h for h in store.subscription_health()}
    assert health["ok"]["failing_since"] is None and health["ok"]["delivered"] == 3
    assert health["bad"]["failing_since"] is not None and health["bad"]["pending"] == 3
    assert health["hung"]["pending"] == 3


def test_digest_sends_one_message_per_window(store: Store) -> None:
    a = article(store, "https://daily.example/news/a.html", source(store))
    secret = new_secret()
    with Receiver(secret=secret) as rx:
        store.add_subscription("digest", rx.url, Rule(), now(), secret=secret, digest_minutes=60)
        edit(store, a, 1)
        edit(store, a, 2)
        deliver(store)
        edit(store, a, 3)
        edit(store, a, 4)
        deliver(store)  # inside the hour: held back
        assert len(rx.received) == 1
        (first,) = rx.received
    assert first.body["type"] == "digest" and len(first.body["items"]) == 2
    assert first.body["id"] == first.webhook_id
    held = [r for r in store.delivery_log() if r.status == "pending"]
    assert len(held) == 2 and all(r.next_attempt > now() + timedelta(minutes=59) for r in held)


def test_apprise_json_destination_gets_text_and_the_card(store: Store) -> None:
    a = article(store, "https://daily.example/news/a.html", source(store))
    with Receiver() as rx:
        url = rx.url.replace("http://", "json://")
        store.add_subscription("apprise", url, Rule(), now())
        edit(store, a, 1)
        deliver(store)
        result = asyncio.run(send_test(store, "apprise"))
        assert len(rx.received) == 2
        got = rx.received[0].body
    assert result.ok
    assert "Old headline → New headline 1" in got["message"]
    assert got["message"].endswith(f"https://redline.example/articles/{a}/diff/1/2")
    assert "[daily] Headline changed" in got["title"]
    (att,) = got["attachments"]
    png = Image.open(io.BytesIO(base64.b64decode(att["base64"])))
    assert png.format == "PNG" and png.size == (1200, 630)


def test_notify_test_reports_a_failing_destination(store: Store) -> None:
    with Receiver(status=500) as rx:
        store.add_subscription("hook", rx.url, Rule(), now(), secret=new_secret())
        result = asyncio.run(send_test(store, "hook"))
    assert not result.ok and result.status == 500 and result.line() == "HTTP 500"
