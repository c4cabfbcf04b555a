"""Notifications: capture-to-webhook latency (p50/p99), deliveries per second, duplicates after
kill -9 of the deliverer mid-batch, and a healthy destination's latency beside a failing
(always 500) and a hanging one.

    .venv/bin/python benchmarks/bench_notify.py [--changes 1000] [--rate 20]
        [--database-url postgresql://postgres@127.0.0.1:5432/test]

Changes are written through ``Store.record_check`` (the crawler's own write, which puts the
outbox rows in the same transaction) at ``--rate`` per second while a deliverer with the default
settings runs in a thread of the same process, as in ``redline crawl``. Latency is from the
capture's time to the moment the loopback receiver (which verifies every signature with
standardwebhooks) has the request. The kill -9 run uses a deliverer subprocess with a 2 s
lease so the restart need not wait the default lease out.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime

from redline.notify.deliver import Deliverer
from redline.notify.rules import Rule
from redline.notify.send import new_secret
from redline.settings import NotifySettings
from redline.sources import SourceConfig
from redline.storage import ChangeRow, CheckRecord, NewVersion, Store


def _version(n: int) -> NewVersion:
    return NewVersion(
        title=f"Headline {n}",
        byline=None,
        published=None,
        modified=None,
        text=f"Body {n}.",
        content_hash=f"h{n}",
        extractor="jsonld",
        extractor_version="bench",
    )


CHANGE = ChangeRow(
    engine_version="bench",
    level="major",
    score=1.0,
    classes=["headline"],
    summary="Headline changed",
    stealth=True,
    data={},
)


class Fixture:
    """A store with one source and articles to edit; ``edit`` writes the next version."""

    def __init__(self, url: str, articles: int = 50) -> None:
        self.store = Store.open(url)
        now = datetime.now(UTC)
        src, _ = self.store.save_source(
            SourceConfig(name="bench", homepage="https://b.example/"), now
        )
        self.counts: dict[int, int] = {}
        for i in range(articles):
            art, _ = self.store.add_article(f"https://b.example/news/{i}.html", src.id, now)
            self.store.record_check(
                CheckRecord(
                    article_id=art.id,
                    captured_at=now,
                    url=art.url,
                    outcome="new_version",
                    expected_version_count=0,
                    version=_version(0),
                )
            )
            self.counts[art.id] = 1
        self.ids = list(self.counts)
        self.n = 0

    def edit(self) -> tuple[int, datetime]:
        """One change; (version id, capture time)."""
        aid = self.ids[self.n % len(self.ids)]
        self.n += 1
        at = datetime.now(UTC)
        vid = self.store.record_check(
            CheckRecord(
                article_id=aid,
                captured_at=at,
                url=f"https://b.example/news/{aid}",
                outcome="new_version",
                expected_version_count=self.counts[aid],
                version=_version(self.n),
                change=CHANGE,
            )
        )
        self.counts[aid] += 1
        assert vid is not None
        return vid, at


class Remote:
    """A receiver in its own process (``python -m redline.testing.receiver``), so the figures
    are the deliverer's and not a receiver's fighting it for the GIL."""

    def __init__(self, tmp: str, secret: str | None = None, status: int = 200, hang: float = 0):
        self.path = f"{tmp}/rx-{uuid.uuid4().hex[:6]}.jsonl"
        cmd = [
            sys.executable,
            "-m",
            "redline.testing.receiver",
            "--out",
            self.path,
            "--status",
            str(status),
            "--hang",
            str(hang),
        ]
        if secret:
            cmd += ["--secret", secret]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()

    def received(self) -> list[dict[str, object]]:
        try:
            with open(self.path, encoding="utf-8") as f:
                return [json.loads(line) for line in f if line.endswith("\n")]
        except FileNotFoundError:
            return []

    def count(self) -> int:
        try:
            with open(self.path, "rb") as f:
                return f.read().count(b"\n")
        except FileNotFoundError:
            return 0

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait()


def _percentiles(xs: list[float]) -> str:
    xs = sorted(xs)
    p = lambda q: xs[min(len(xs) - 1, int(q * len(xs)))] * 1000  # noqa: E731
    return f"p50 {p(0.50):.0f} ms, p99 {p(0.99):.0f} ms, max {xs[-1] * 1000:.0f} ms (n={len(xs)})"


def _run_deliverer(store: Store, stop: threading.Event) -> threading.Thread:
    async def main() -> None:
        ev = asyncio.Event()

        async def watch() -> None:
            while not stop.is_set():
                await asyncio.sleep(0.05)
            ev.set()

        w = asyncio.create_task(watch())
        await Deliverer(store, NotifySettings(timeout=5.0)).run(ev)
        await w

    th = threading.Thread(target=lambda: asyncio.run(main()), daemon=True)
    th.start()
    return th


def latency(url: str, tmp: str, changes: int, rate: float, with_bad: bool) -> list[float]:
    fx = Fixture(url)
    secret = new_secret()
    ok = Remote(tmp, secret)
    bad, hung = Remote(tmp, status=500), Remote(tmp, hang=30)
    try:
        fx.store.add_subscription("ok", ok.url, Rule(), datetime.now(UTC), secret=secret)
        if with_bad:
            fx.store.add_subscription(
                "bad", bad.url, Rule(), datetime.now(UTC), secret=new_secret()
            )
            fx.store.add_subscription(
                "hung", hung.url, Rule(), datetime.now(UTC), secret=new_secret()
            )
        stop = threading.Event()
        th = _run_deliverer(fx.store, stop)
        captured: dict[str, float] = {}
        t0 = time.monotonic()
        for i in range(changes):
            vid, at = fx.edit()
            captured[f"change-{vid}"] = at.timestamp()
            sleep = t0 + (i + 1) / rate - time.monotonic()
            if sleep > 0:
                time.sleep(sleep)
        deadline = time.monotonic() + 120
        while ok.count() < changes and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        th.join(timeout=40)
        got = ok.received()
        assert all(r["verified"] for r in got)
        lat = [float(r["at"]) - captured[str(r["id"])] for r in got]  # type: ignore[arg-type]
        if with_bad:
            health = {h["name"]: h for h in fx.store.subscription_health()}
            print(
                f"  failing destination: {health['bad']['pending']} pending, "
                f"last error {health['bad']['last_error']!r}; hanging: "
                f"{health['hung']['last_error']!r}"
            )
    finally:
        for r in (ok, bad, hung):
            r.close()
    fx.store.close()
    return lat


def throughput(url: str, tmp: str, changes: int) -> float:
    fx = Fixture(url)
    secret = new_secret()
    rx = Remote(tmp, secret)
    try:
        fx.store.add_subscription("ok", rx.url, Rule(), datetime.now(UTC), secret=secret)
        for _ in range(changes):
            fx.edit()
        t0 = time.monotonic()
        summary = asyncio.run(Deliverer(fx.store).deliver_pending())
        took = time.monotonic() - t0
        assert summary.sent == changes == rx.count(), (summary, rx.count())
    finally:
        rx.close()
    fx.store.close()
    return changes / took


KILLED = """
import asyncio, sys
from datetime import timedelta
from redline.notify.deliver import Deliverer
from redline.settings import NotifySettings
from redline.storage import Store
settings = NotifySettings(lease=timedelta(seconds=2))
asyncio.run(Deliverer(Store.open(sys.argv[1]), settings).deliver_pending())
"""


def kill9(url: str, tmp: str, changes: int) -> None:
    fx = Fixture(url)
    secret = new_secret()
    rx = Remote(tmp, secret)
    try:
        fx.store.add_subscription("ok", rx.url, Rule(), datetime.now(UTC), secret=secret)
        for _ in range(changes):
            fx.edit()
        proc = subprocess.Popen([sys.executable, "-c", KILLED, url])
        while rx.count() < changes // 2:
            time.sleep(0.002)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        at_kill = rx.count()
        time.sleep(2.5)  # the dead deliverer's leases expire
        subprocess.run([sys.executable, "-c", KILLED, url], check=True)
        time.sleep(0.5)
        got = rx.received()
    finally:
        rx.close()
    ids = Counter(str(r["webhook_id"]) for r in got)
    expected = {r.message_id for r in fx.store.delivery_log(limit=changes * 2)}
    same = all(
        len({str(r["webhook_id"]) for r in got if r["id"] == i}) == 1
        for i in {r["id"] for r in got}
    )
    print(
        f"  killed after {at_kill} of {changes} received; {len(expected - set(ids))} lost, "
        f"{sum(ids.values()) - len(ids)} duplicate(s); each change under one webhook-id: {same}"
    )
    fx.store.close()


def _database(url: str | None, tmp: str) -> str:
    if not url:
        return f"sqlite:///{tmp}/bench-{uuid.uuid4().hex[:6]}.sqlite3"
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--changes", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=20.0, help="changes written per second")
    ap.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = lambda: _database(args.database_url, tmp)  # noqa: E731
        backend = "PostgreSQL" if args.database_url else "SQLite"
        print(
            f"{backend}, {args.changes} changes at {args.rate:g}/s, default deliverer settings "
            f"(poll {NotifySettings().poll_every}s)"
        )
        alone = latency(db(), tmp, args.changes, args.rate, with_bad=False)
        print(f"capture → webhook received, healthy destination alone: {_percentiles(alone)}")
        beside = latency(db(), tmp, args.changes, args.rate, with_bad=True)
        print(f"same, beside an always-500 and a hanging destination:  {_percentiles(beside)}")
        print(
            f"deliveries per second (backlog of {args.changes}, one destination): "
            f"{throughput(db(), tmp, args.changes):.0f}"
        )
        print(f"kill -9 of the deliverer mid-batch ({args.changes} pending):")
        kill9(db(), tmp, args.changes)


if __name__ == "__main__":
    main()
