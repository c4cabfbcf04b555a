"""The deliverer: sends what the outbox holds, at least once, without letting one destination
hold up another.

Each subscription is worked by at most one task in a process, and its rows are leased, so at
most one deliverer anywhere sends a given delivery at a time. A send that fails pauses the
whole subscription (exponential backoff, or the destination's ``Retry-After``), so a destination
down for hours costs one try per backoff step and nothing in memory; the others carry on. A
deliverer killed mid-send leaves its rows leased; when the lease expires another sends them
again under the same message id (``webhook-id``), which receivers use to deduplicate.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from redline.errors import RedlineError, StorageError
from redline.notify import payload
from redline.notify.cards import CardData, render_card
from redline.notify.rules import DestinationKind, ItemKind, Subscription
from redline.notify.send import Senders, SendResult
from redline.settings import NotifySettings
from redline.storage import Store
from redline.storage.records import DeliveryRow, NotifyItem

log = logging.getLogger(__name__)


SETTLE_QUEUE = 1000


def _utcnow() -> datetime:
    return datetime.now(UTC)


def backoff(settings: NotifySettings, attempts: int, asked: float | None) -> float:
    """Seconds before the next try after ``attempts`` failed ones; a destination's own
    ``Retry-After`` wins (capped at ``backoff_max``)."""
    if asked is not None:
        return min(max(asked, 0.0), settings.backoff_max)
    return min(settings.backoff * 2 ** max(attempts - 1, 0), settings.backoff_max)


@dataclass
class DeliverySummary:
    sent: int = 0
    failed: int = 0
    messages: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        s = f"notifications: {self.sent} delivered in {self.messages} message(s)"
        return s + (f", {self.failed} failed (will retry)" if self.failed else "")


class Deliverer:
    def __init__(
        self,
        store: Store,
        settings: NotifySettings | None = None,
        *,
        worker: str | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.store = store
        self.settings = settings or NotifySettings()
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:notify"
        self.clock = clock
        self.summary = DeliverySummary()
        self._subs: dict[int, Subscription] = {}
        # Subscriptions this process cannot open (no notify.secret_key, or another key): their
        # rows are left to a deliverer that can, never claimed here (docs/notify.md).
        self._unreadable: set[int] = set()
        self._senders: Senders | None = None
        # Outcomes the database did not take (it was away): written when it is back, oldest
        # first, so a restart neither resends what arrived nor parks rows until their lease
        # runs out. Bounded: past the cap, the oldest fall back to lease expiry.
        self._unsettled: deque[Callable[[], None]] = deque(maxlen=SETTLE_QUEUE)

    # ---- loops ---------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set (next to the crawl loop); in-flight sends finish or
        are abandoned to their lease."""
        tasks: dict[int, asyncio.Task[None]] = {}
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                if self._settle_pending():
                    self._start_due(tasks)
                waiting: set[asyncio.Future[object]] = {stopping, *tasks.values()}  # type: ignore[arg-type]
                await asyncio.wait(
                    waiting, timeout=self.settings.poll_every, return_when=asyncio.FIRST_COMPLETED
                )
                self._reap(tasks)
            if tasks:
                await asyncio.wait(tasks.values(), timeout=self.settings.timeout + 2)
        finally:
            stopping.cancel()
            for task in tasks.values():
                task.cancel()
            await self._close()

    async def deliver_pending(self, wait: float | None = None) -> DeliverySummary:
        """Send everything due now (and what falls due meanwhile), then return; with ``wait``,
        give up after that many seconds (the rest stays in the outbox)."""
        deadline = None if wait is None else time.monotonic() + wait
        tasks: dict[int, asyncio.Task[None]] = {}
        try:
            while True:
                if self._settle_pending():
                    self._start_due(tasks)
                if not tasks:
                    break
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                await asyncio.wait(
                    tasks.values(), timeout=left, return_when=asyncio.FIRST_COMPLETED
                )
                self._reap(tasks)
        finally:
            for task in tasks.values():
                task.cancel()
            self._settle_pending()
            await self._close()
        return self.summary

    def _settle(self, write: Callable[[], None]) -> None:
        """Write an outcome now, or (database away) queue it for when it is back and raise."""
        try:
            write()
        except StorageError:
            self._unsettled.append(write)
            raise

    def _settle_pending(self) -> bool:
        """Write the queued outcomes, oldest first; False while the database is still away."""
        while self._unsettled:
            try:
                self._unsettled[0]()
            except StorageError as exc:
                log.warning(
                    "notify: database still away (%s); %d outcome(s) queued",
                    exc,
                    len(self._unsettled),
                )
                return False
            self._unsettled.popleft()
        return True

    def _start_due(self, tasks: dict[int, asyncio.Task[None]]) -> None:
        try:
            due = self.store.due_subscriptions(self.clock(), exclude=[*tasks, *self._unreadable])
        except RedlineError as exc:  # database away: try again next time round
            log.warning("notify: cannot read the outbox: %s", exc)
            return
        for sid in due:
            tasks[sid] = asyncio.create_task(self._work(sid), name=f"notify-{sid}")

    def _reap(self, tasks: dict[int, asyncio.Task[None]]) -> None:
        for sid, task in list(tasks.items()):
            if task.done():
                del tasks[sid]
                if not task.cancelled() and (exc := task.exception()) is not None:
                    # The rows stay leased and are sent again when the lease expires.
                    log.warning("notify: subscription %s: %s", sid, exc)
                    self.summary.errors.append(str(exc))

    async def _close(self) -> None:
        if self._senders is not None:
            await self._senders.aclose()
            self._senders = None

    @property
    def senders(self) -> Senders:
        if self._senders is None:
            self._senders = Senders(self.settings.timeout)
        return self._senders

    def _subscription(self, sid: int) -> Subscription | None:
        if sid not in self._subs:
            self._subs = {s.id: s for s in self.store.subscriptions()}
        return self._subs.get(sid)

    # ---- one subscription ----------------------------------------------------------------

    async def _work(self, sid: int) -> None:
        sub = self._subscription(sid)
        if sub is None:
            return
        if sub.unreadable:
            # Not the destination's fault: claiming would count attempts and pause (then give
            # up) a subscription that a deliverer with the key sends without trouble.
            self._unreadable.add(sid)
            log.error(
                "notify: configuration error: subscription %s is %s; this process leaves its "
                "deliveries to one that has the key (set notify.secret_key)",
                sub.name,
                sub.unreadable,
            )
            return
        now = self.clock()
        rows = self.store.claim_deliveries(
            now, sid, self.settings.batch_size, worker=self.worker, lease=self.settings.lease
        )
        if not rows:
            return
        open_ids = {r.id for r in rows}  # claimed and not yet settled
        try:
            await self._batch(sub, rows, open_ids)
        except StorageError:
            # The database went away mid-batch: what was sent is queued as delivered (by
            # ``_settle``); the rest is given back when it returns, not when the lease ends.
            if open_ids:
                left, worker = sorted(open_ids), self.worker
                self._unsettled.append(
                    lambda: self.store.release_deliveries(left, worker, self.clock())
                )
            raise

    async def _batch(self, sub: Subscription, rows: list[DeliveryRow], open_ids: set[int]) -> None:
        sid, now = sub.id, self.clock()
        items = self.store.notify_items(rows)
        vanished = [r.id for r in rows if r.id not in items]  # its article was forgotten
        if vanished:
            self._mark(vanished, sid, now, None, open_ids)
        rows = [r for r in rows if r.id in items]
        if sub.digest_minutes:
            await self._digest(sub, rows, items, open_ids)
            return
        # Sends go out ``parallel`` at a time and each group is marked in one transaction: a
        # crash between sending and marking means a redelivery (same id), never a loss.
        leased_at = time.monotonic()
        step = max(1, self.settings.parallel)
        for i in range(0, len(rows), step):
            if time.monotonic() - leased_at > self.settings.lease.total_seconds() / 2:
                until = self.clock() + self.settings.lease
                self.store.renew_deliveries([r.id for r in rows[i:]], self.worker, until)
                leased_at = time.monotonic()
            group = rows[i : i + step]
            results = await asyncio.gather(
                *(
                    self.senders.send(sub, self._message(sub, r.message_id, items[r.id]))
                    for r in group
                )
            )
            done = [r.id for r, res in zip(group, results, strict=True) if res.ok]
            if done:
                status = next(res.status for res in results if res.ok)
                self.summary.sent += len(done)
                self.summary.messages += len(done)
                self._mark(done, sid, self.clock(), status, open_ids)
            failed = [(r, res) for r, res in zip(group, results, strict=True) if not res.ok]
            if failed:
                worst = max((res for _, res in failed), key=lambda res: res.retry_after or 0)
                self._failed(sub, [r for r, _ in failed], rows[i + step :], worst)
                open_ids.clear()
                return

    def _mark(
        self, ids: list[int], sid: int, at: datetime, status: int | None, open_ids: set[int]
    ) -> None:
        """Rows that arrived: marked delivered now, or as soon as the database is back."""
        open_ids.difference_update(ids)
        self._settle(lambda: self.store.delivered(ids, sid, at, status))

    async def _digest(
        self,
        sub: Subscription,
        rows: list[DeliveryRow],
        items: dict[int, NotifyItem],
        open_ids: set[int],
    ) -> None:
        """At most one message per ``digest_minutes``; a message's rows are fixed (``batch``)
        before it is sent, so a redelivery repeats exactly that message."""
        now = self.clock()
        window = timedelta(minutes=sub.digest_minutes or 0)
        batches = sorted({r.batch for r in rows if r.batch}, key=lambda b: min(
            r.id for r in rows if r.batch == b))  # fmt: skip
        if batches:
            batch = batches[0]
            send = [r for r in rows if r.batch == batch]
        else:
            last = self.store.subscription_last_sent(sub.id)
            if last is not None and last + window > now:
                self.store.release_deliveries([r.id for r in rows], self.worker, last + window)
                open_ids.clear()
                return
            send, batch = rows, f"msg_{sub.id}_digest_{rows[0].id}"
            self.store.set_batch([r.id for r in send], batch, self.worker)
        rest = [r for r in rows if r not in send]
        msg = payload.digest(batch, [items[r.id] for r in send], self.settings.base_url, now)
        result = await self.senders.send(sub, msg)
        if not result.ok:
            self._failed(sub, send, rest, result)
            open_ids.clear()
            return
        done = self.clock()
        self.summary.sent += len(send)
        self.summary.messages += 1
        self._mark([r.id for r in send], sub.id, done, result.status, open_ids)
        self.store.release_deliveries([r.id for r in rest], self.worker, done + window)
        open_ids.clear()

    def _failed(
        self,
        sub: Subscription,
        attempted: list[DeliveryRow],
        untried: list[DeliveryRow],
        result: SendResult,
    ) -> None:
        attempts = max(r.attempts for r in attempted) + 1
        wait = backoff(self.settings, attempts, result.retry_after)
        now = self.clock()
        log.info("notify: %s failed (%s); next try in %.0fs", sub.name, result.error, wait)
        self.store.delivery_failed(
            [r.id for r in attempted], [r.id for r in untried], sub.id, worker=self.worker,
            now=now, error=result.error or "failed", status=result.status,
            retry_at=now + timedelta(seconds=wait), give_up_after=self.settings.max_attempts,
        )  # fmt: skip
        self.summary.failed += len(attempted)

    def _message(self, sub: Subscription, message_id: str, item: NotifyItem) -> payload.Message:
        msg = payload.single(message_id, item, self.settings.base_url)
        if sub.kind == DestinationKind.APPRISE and item.kind == ItemKind.CHANGE:
            card = render_card(CardData.from_item(item))
            msg = payload.Message(**{**msg.__dict__, "attachments": (("change.png", card),)})
        return msg


async def send_test(store: Store, name: str, settings: NotifySettings | None = None) -> SendResult:
    """``redline notify test``: a sample change sent now, outside the outbox."""
    settings = settings or NotifySettings()
    sub = store.subscription(name)
    item = payload.sample(_utcnow())
    deliverer = Deliverer(store, settings)
    msg = deliverer._message(sub, f"msg_{sub.id}_test_{int(time.time() * 1000)}", item)
    try:
        return await deliverer.senders.send(sub, msg)
    finally:
        await deliverer._close()
