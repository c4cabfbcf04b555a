"""kill -9 of a deliverer subprocess in the middle of a batch, then a restart: every change
arrives, and the only duplicates are redeliveries under the same webhook-id."""

from __future__ import annotations

import os
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
from tests.notify.helpers import article, edit, source

LEASE = 2.0
DELIVERER = f"""
import asyncio, sys
from datetime import timedelta
from redline.notify.deliver import Deliverer
from redline.settings import NotifySettings
from redline.storage import Store
store = Store.open(sys.argv[1])
settings = NotifySettings(batch_size=10, lease=timedelta(seconds={LEASE}), poll_every=0.05)
print(asyncio.run(Deliverer(store, settings).deliver_pending()).line(), flush=True)
"""


def deliverer(url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", DELIVERER, url],
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_kill_9_mid_batch_loses_nothing(database_url: str) -> None:
    store = Store.open(database_url)
    a = article(store, "https://daily.example/news/a.html", source(store))
    secret = new_secret()
    with Receiver(secret=secret, hang=0.03) as rx:
        store.add_subscription("hook", rx.url, Rule(), datetime.now(UTC), secret=secret)
        for n in range(1, 81):
            edit(store, a, n)
        ids = {r.message_id for r in store.delivery_log(limit=1000)}
        assert len(ids) == 80
        proc = deliverer(database_url)
        deadline = time.monotonic() + 60
        while len(rx.received) < 30 and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        killed_at = len(rx.received)
        assert 30 <= killed_at < 80, "killed too late to test anything"
        time.sleep(LEASE + 0.5)  # the dead deliverer's leases expire
        again = deliverer(database_url)
        _out, errs = again.communicate(timeout=120)
        assert again.returncode == 0, errs
        received = list(rx.received)
    assert rx.rejected == 0
    counts = Counter(r.webhook_id for r in received)
    assert set(counts) == ids  # nothing lost
    # A duplicate is the same message again (same webhook-id, same body), never a new id.
    by_body = {}
    for r in received:
        assert by_body.setdefault(r.body["id"], r.webhook_id) == r.webhook_id
    assert sum(counts.values()) - len(ids) <= 10  # at most the batch that was in flight
    assert {r.status for r in store.delivery_log(limit=1000)} == {"delivered"}
    store.close()
