"""A PostgreSQL restart in the middle of a deliverer's batch: every outbox row still arrives
(a redelivery keeps its webhook-id), and the deliverer carries on by itself, not restarted."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime

import pytest

from redline.notify.rules import Rule
from redline.notify.send import new_secret
from redline.storage import Store
from redline.testing.receiver import Receiver
from tests.conftest import restart_postgres, restartable_postgres
from tests.notify.helpers import article, edit, source

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
N = 150
LEASE = 60.0  # longer than the test waits: recovery must not rely on leases running out
DELIVERER = f"""
import asyncio, signal, sys
from datetime import timedelta
from redline.notify.deliver import Deliverer
from redline.settings import NotifySettings
from redline.storage import Store

async def main() -> None:
    store = Store.open(sys.argv[1])
    settings = NotifySettings(batch_size=10, parallel=4, lease=timedelta(seconds={LEASE}),
                              poll_every=0.05, backoff=0.2, timeout=5)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    d = Deliverer(store, settings)
    await d.run(stop)
    print(d.summary.line(), flush=True)

asyncio.run(main())
"""


def wait_for(cond, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


@pytest.mark.timeout(300)
def test_a_postgresql_restart_mid_batch_loses_nothing(postgres_url: str) -> None:
    cluster = restartable_postgres(postgres_url)
    store = Store.open(postgres_url)
    a = article(store, "https://daily.example/news/a.html", source(store))
    secret = new_secret()
    with Receiver(secret=secret, hang=0.1) as rx:
        store.add_subscription("hook", rx.url, Rule(), datetime.now(UTC), secret=secret)
        for n in range(1, N + 1):
            edit(store, a, n)
        ids = {r.message_id for r in store.delivery_log(limit=1000)}
        assert len(ids) == N
        proc = subprocess.Popen(
            [sys.executable, "-c", DELIVERER, postgres_url],
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            wait_for(lambda: len(rx.received) >= 20, 60, "the first deliveries")
            before = len(rx.received)
            restart_postgres(cluster)
            after = len(rx.received)
            assert after < N, "the batch was over before the restart: nothing tested"
            store.engine.dispose()
            # Well within the lease: recovery must not wait for leases to run out.
            wait_for(
                lambda: {r.webhook_id for r in rx.received} >= ids,
                LEASE / 2,
                "every delivery after the restart",
            )
            wait_for(
                lambda: {r.status for r in store.delivery_log(limit=1000)} == {"delivered"},
                10,
                "every row marked delivered",
            )
            assert proc.poll() is None, "the deliverer must not die when the database restarts"
        finally:
            proc.send_signal(signal.SIGTERM)
            _out, errs = proc.communicate(timeout=60)
        received = list(rx.received)
    assert proc.returncode == 0, errs
    assert rx.rejected == 0
    counts = Counter(r.webhook_id for r in received)
    assert set(counts) == ids  # nothing lost
    by_body: dict[str, str | None] = {}
    for r in received:  # a duplicate is the same message again, never a new id
        assert by_body.setdefault(r.body["id"], r.webhook_id) == r.webhook_id
    dupes = sum(counts.values()) - len(ids)
    assert dupes <= 10, f"{dupes} redeliveries: more than the batch in flight"
    print(
        f"received {len(received)} ({dupes} redelivered); {before} before the restart began, "
        f"{after} when it was over"
    )
    store.close()
