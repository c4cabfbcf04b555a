"""The crawl engine: discovery for due sources, then checks of due articles, concurrently.

One ``Crawler`` drives one process; any number of them may share one database. Each claims
small batches of due sources and articles with row leases (``FOR UPDATE SKIP LOCKED``, a lease
owner and an expiry counted from the claim), checks them and releases them with their next check
time. A worker that dies lets its leases expire; one that outlives its lease still records its
captures but leaves the frontier to the new holder. The storage layer's compare-and-set on
versions keeps concurrent crawlers from writing the same version twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from redline import metrics
from redline.crawl.checker import (
    CheckContext,
    CheckOutcome,
    check_article,
    record_internal_error,
)
from redline.crawl.discover import DiscoveryReport, discover_source
from redline.crawl.learned import LearnedCache
from redline.discovery.methods import source_documents
from redline.errors import StorageError
from redline.fetch.client import Fetcher
from redline.frontier.schedule import SchedulePolicy
from redline.settings import Settings
from redline.sources.model import SourceConfig
from redline.storage import ArticleRow, SourceRow, Store
from redline.vocabulary import Outcome

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class CrawlSummary:
    discovered: int = 0
    checked: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    discovery_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def new_versions(self) -> int:
        return self.outcomes[Outcome.NEW_VERSION]

    @property
    def errors(self) -> int:
        return self.outcomes[Outcome.ERROR] + len(self.discovery_errors)

    @property
    def eventful(self) -> bool:
        """Worth a line in a long-running log: something other than unchanged checks."""
        quiet = {Outcome.UNCHANGED, Outcome.NOT_MODIFIED}
        return bool(self.discovered or self.discovery_errors or set(self.outcomes) - quiet)

    def line(self) -> str:
        extra = ", ".join(
            f"{k} {v}"
            for k, v in sorted(self.outcomes.items())
            if k not in (Outcome.NEW_VERSION, Outcome.ERROR)
        )
        return (
            f"discovered {self.discovered}, checked {self.checked}, new versions {self.new_versions}, "
            f"errors {self.errors}" + (f" ({extra})" if extra else "") + f" in {self.seconds:.1f}s"
        )


ProgressHook = Callable[[str, int, int], None]  # (phase, done, total)


class Crawler:
    def __init__(
        self,
        store: Store,
        settings: Settings | None = None,
        *,
        policy: SchedulePolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
        worker_id: str | None = None,
    ) -> None:
        self.store = store
        self.settings = settings or Settings()
        self.default_policy = policy or SchedulePolicy.from_config(
            self.settings.crawl.schedule, self.settings.crawl.schedule_jitter
        )
        self.clock = clock
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}"
        self._rng = random.Random()
        self.learned = LearnedCache(self.settings.furniture)  # each source's furniture rules
        self._checks_total = 0
        self._errors_total = 0
        self._held: set[int] = set()  # claimed articles not yet recorded: their leases are kept
        self._held_sources: set[int] = set()  # sources being discovered: their leases are kept
        self._last_check: datetime | None = None  # the last completed check
        self._last_progress: datetime | None = None  # the last check, or nothing was due
        self._started = clock()
        self._wake = asyncio.Event()  # discovery found new articles: the check loop wakes
        self._beat_task: asyncio.Task[None] | None = (
            None  # run_forever's; else check_due keeps leases
        )

    def _configure(self, fetcher: Fetcher, cfg: SourceConfig | None, url: str) -> None:
        if cfg is None:
            return
        host = urlsplit(url).netloc
        if fetcher.is_configured(host):
            return
        if cfg.concurrency is not None or cfg.delay is not None:
            fetcher.configure_host(host, concurrency=cfg.concurrency, delay=cfg.delay)

    def _context(self, fetcher: Fetcher, cfg: SourceConfig | None) -> CheckContext:
        policy = cfg.schedule if cfg and cfg.schedule else self.default_policy
        return CheckContext(
            store=self.store,
            fetcher=fetcher,
            settings=self.settings.crawl,
            policy=policy,
            rng=self._rng,
            worker=self.worker_id,
            limits=self.settings.extract,
            furniture=self.settings.furniture,
            learned=self.learned,
        )

    async def discover(
        self, fetcher: Fetcher, *, source: str | None = None, force: bool = False
    ) -> list[DiscoveryReport]:
        """Poll due sources (all of them, or ``source``, with ``force``)."""
        started = self.clock()
        reports: list[DiscoveryReport] = []
        if force:
            rows = [self.store.get_source(source)] if source else self.store.list_sources()
            await self._discover_rows(fetcher, rows, reports, worker=None)
            return reports
        while True:
            # A small batch at a time, each leased from the current clock: a long discovery
            # round never holds (or outlives) leases on sources it has not reached yet.
            rows = self.store.claim_sources(
                self.clock(),
                worker=self.worker_id,
                lease=self.settings.crawl.lease,
                name=source,
                limit=self.settings.crawl.source_batch,
                due_before=started,
            )
            if not rows:
                return reports
            await self._discover_rows(fetcher, rows, reports, worker=self.worker_id)

    async def _discover_rows(
        self,
        fetcher: Fetcher,
        rows: list[SourceRow],
        reports: list[DiscoveryReport],
        *,
        worker: str | None,
    ) -> None:
        """Discover ``rows``, ``discovery_sources`` at a time, each within its deadlines."""
        sem = asyncio.Semaphore(max(self.settings.crawl.discovery_sources, 1))

        async def one(row: SourceRow) -> None:
            async with sem:
                report = await self._discover_one(fetcher, row, worker)
            if report is not None:
                reports.append(report)

        await asyncio.gather(*(one(row) for row in rows))

    async def _discover_one(
        self, fetcher: Fetcher, row: SourceRow, worker: str | None
    ) -> DiscoveryReport | None:
        """One source's discovery; its lease is renewed by the keep-alive loop meanwhile. When
        cancelled (shutdown) the source is released, due again for any worker at once."""
        now = self.clock()
        cfg = row.config
        crawl = self.settings.crawl
        if worker is not None:
            self._held_sources.add(row.id)
        try:
            for _, url in source_documents(cfg):
                self._configure(fetcher, cfg, url)
            report = await discover_source(
                self.store,
                fetcher,
                row,
                now,
                self.settings.discovery,
                document_timeout=crawl.discovery_document_timeout,
                source_timeout=crawl.discovery_source_timeout,
            )
        except StorageError:
            raise  # run_forever backs off; the source lease expires meanwhile
        except asyncio.CancelledError:
            if worker is not None:
                with contextlib.suppress(StorageError):
                    self.store.release_sources([row.id], worker)
            raise
        except Exception as exc:  # one broken source must never stop the worker
            log.exception("discovery of source %s failed", cfg.name)
            report = DiscoveryReport(cfg.name)
            report.errors.append(f"{cfg.name}: internal error: {' '.join(str(exc).split())}")
        finally:
            self._held_sources.discard(row.id)
        every = cfg.discover_every or crawl.discover_every
        if not self.store.mark_discovered(row.id, now, now + every, worker=worker):
            log.warning("source %s: lease lost during discovery", cfg.name)
        return report

    async def check_due(
        self,
        fetcher: Fetcher,
        *,
        source: str | None = None,
        all_live: bool = False,
        progress: ProgressHook | None = None,
        summary: CrawlSummary | None = None,
        stop: asyncio.Event | None = None,
    ) -> CrawlSummary:
        """Claim and check due articles batch by batch; with ``stop`` set, unstarted claims are
        released and in-flight checks finish (graceful shutdown)."""
        summary = summary or CrawlSummary()
        unstarted: list[int] = []
        sources = {s.id: s for s in self.store.list_sources()}
        source_id = self.store.get_source(source).id if source else None
        batch_size = self.settings.crawl.batch_size
        sem = asyncio.Semaphore(self.settings.fetch.global_concurrency)
        started = self.clock()

        async def one(article: ArticleRow) -> None:
            src: SourceRow | None = sources.get(article.source_id) if article.source_id else None
            cfg = src.config if src else None
            async with sem:
                if stop is not None and stop.is_set():
                    unstarted.append(article.id)
                    return
                ctx = self._context(fetcher, cfg)
                try:
                    try:
                        self._configure(fetcher, cfg, article.url)
                        outcome = await check_article(ctx, article, cfg, self.clock())
                    except StorageError:
                        raise
                    except Exception as exc:  # one broken article must never stop the crawl
                        log.exception("check of %s failed", article.url)
                        outcome = record_internal_error(ctx, article, self.clock(), exc)
                except StorageError as exc:
                    # The database is away: the rest of the batch ends the same way, the next
                    # claim fails and the worker backs off; the lease returns the article.
                    log.warning("could not record the check of %s: %s", article.url, exc)
                    outcome = CheckOutcome(article.url, Outcome.ERROR, f"storage: {exc}")
            self._held.discard(article.id)
            self._last_check = self._last_progress = self.clock()
            summary.checked += 1
            summary.outcomes[outcome.outcome] += 1
            self._checks_total += 1
            self._errors_total += outcome.outcome == Outcome.ERROR
            metrics.CHECKS.labels(outcome.outcome).inc()
            if outcome.outcome == Outcome.NEW_VERSION:
                metrics.VERSIONS.inc()
            elif outcome.outcome == Outcome.ERROR and outcome.reason:
                metrics.FETCH_ERRORS.labels(outcome.reason.split(":", 1)[0]).inc()
            if progress:
                progress("check", summary.checked, summary.checked)

        keeper = None if self._beat_task else asyncio.create_task(self._keep_alive(asyncio.Event()))
        try:
            await self._claim_and_check(
                one, started, batch_size, source_id=source_id, all_live=all_live, stop=stop
            )
        finally:
            if self._held:  # cut off (shutdown) or failed: give back what was not recorded
                with contextlib.suppress(StorageError):
                    self.store.release_articles(sorted(self._held), self.worker_id)
            self._held.clear()
            if keeper is not None:
                keeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await keeper
        self.store.release_articles(unstarted, self.worker_id)
        return summary

    async def _claim_and_check(
        self,
        one: Callable[[ArticleRow], Awaitable[None]],
        started: datetime,
        batch_size: int,
        *,
        source_id: int | None,
        all_live: bool,
        stop: asyncio.Event | None,
    ) -> None:
        after_id = 0
        while stop is None or not stop.is_set():
            # `started` bounds the round: an article checked in it is rescheduled after `started`
            # (or still leased), so it is never claimed twice in a round and nothing per-article
            # needs remembering. The lease runs from the claim itself, not from `started`.
            batch = self.store.claim_articles(
                self.clock(),
                batch_size,
                worker=self.worker_id,
                lease=self.settings.crawl.lease,
                source_id=source_id,
                all_live=all_live,
                after_id=after_id,
                due_before=started,
            )
            if not batch:
                self._last_progress = self.clock()  # nothing (more) due: idle is progress too
                break
            self._held.update(a.id for a in batch)
            overdue = [(started - a.next_check).total_seconds() for a in batch if a.next_check]
            if overdue:
                metrics.FRONTIER_LAG.set(max(max(overdue), 0))
            if all_live:
                after_id = max(a.id for a in batch)
            await asyncio.gather(*(one(a) for a in batch))

    async def check_one(self, article: ArticleRow) -> CheckOutcome:
        """Check a single article now, whatever its schedule (``redline check URL``)."""
        src = next((s for s in self.store.list_sources() if s.id == article.source_id), None)
        cfg = src.config if src else None
        async with Fetcher(self.settings.fetch) as fetcher:
            self._configure(fetcher, cfg, article.url)
            return await check_article(self._context(fetcher, cfg), article, cfg, self.clock())

    async def run_once(
        self,
        *,
        source: str | None = None,
        all_live: bool = False,
        progress: ProgressHook | None = None,
        force_discovery: bool = True,
    ) -> CrawlSummary:
        t0 = time.monotonic()
        summary = CrawlSummary()
        async with Fetcher(self.settings.fetch) as fetcher:
            for report in await self.discover(fetcher, source=source, force=force_discovery):
                summary.discovered += report.new
                metrics.DISCOVERED.inc(report.new)
                summary.discovery_errors.extend(report.errors)
            await self.check_due(
                fetcher, source=source, all_live=all_live, progress=progress, summary=summary
            )
        self._flush_fired()
        summary.seconds = time.monotonic() - t0
        return summary

    def _flush_fired(self) -> None:
        """Write the learned rules' fired tallies this worker still holds."""
        try:
            self.learned.flush(self.store, self.clock())
        except StorageError as exc:  # counters only: never fail a round or a stop for them
            log.warning("fired counters not written: %s", exc)

    async def run_forever(
        self,
        stop: asyncio.Event,
        *,
        source: str | None = None,
        on_round: Callable[[CrawlSummary], None] | None = None,
    ) -> None:
        """Discover due sources and check due articles, side by side, until ``stop``.

        Discovery runs in its own task on its own fetcher (``discovery_concurrency``), so a feed
        that drips one byte a second costs one discovery slot, never the checks. On ``stop``
        discovery is cancelled at once (its sources released); in-flight checks get
        ``shutdown_grace`` seconds, then are cut off and their articles released.

        When the database goes away (a PostgreSQL restart, a network cut) each loop logs, backs
        off up to 30 s and carries on; claimed articles not checked meanwhile simply expire.
        """
        started = self._started = self.clock()
        self._last_progress = started
        self._wake = asyncio.Event()
        beat = self._beat_task = asyncio.create_task(self._keep_alive(stop, started))
        fs = self.settings.fetch
        discovery_settings = replace(fs, global_concurrency=max(fs.discovery_concurrency, 1))
        tasks: list[asyncio.Task[None]] = []
        try:
            async with Fetcher(fs) as fetcher, Fetcher(discovery_settings) as discovery_fetcher:
                checks = asyncio.create_task(self._check_loop(fetcher, source, stop, on_round))
                discovery = asyncio.create_task(
                    self._discovery_loop(discovery_fetcher, source, stop, on_round)
                )
                tasks = [checks, discovery]
                await stop.wait()
                discovery.cancel()
                _, late = await asyncio.wait({checks}, timeout=self.settings.crawl.shutdown_grace)
                for task in late:
                    log.warning(
                        "in-flight checks cut off after %.0fs", self.settings.crawl.shutdown_grace
                    )
                    task.cancel()
                for task in (checks, discovery):
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        finally:
            for task in tasks:  # run_forever itself cancelled: take its loops along
                task.cancel()
            self._beat_task = None
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
            with contextlib.suppress(StorageError):
                self._heartbeat(started)
            self._flush_fired()

    async def _check_loop(
        self,
        fetcher: Fetcher,
        source: str | None,
        stop: asyncio.Event,
        on_round: Callable[[CrawlSummary], None] | None,
    ) -> None:
        backoff = 1.0
        while not stop.is_set():
            try:
                summary = await self._round(fetcher, source, stop)
                self._heartbeat(self._started)
                if on_round and summary.checked:
                    on_round(summary)
                backoff = 1.0
                await self._sleep_until_due(stop)
            except StorageError as exc:
                log.warning("database unavailable, retrying in %.0fs: %s", backoff, exc)
                await self._back_off(stop, backoff)
                backoff = min(backoff * 2, 30.0)
            except Exception:  # a bug in one round must not kill the worker
                log.exception("crawl round failed, retrying in %.0fs", backoff)
                await self._back_off(stop, backoff)
                backoff = min(backoff * 2, 30.0)

    async def _discovery_loop(
        self,
        fetcher: Fetcher,
        source: str | None,
        stop: asyncio.Event,
        on_round: Callable[[CrawlSummary], None] | None,
    ) -> None:
        backoff = 1.0
        while not stop.is_set():
            try:
                t0 = time.monotonic()
                summary = CrawlSummary()
                for report in await self.discover(fetcher, source=source):
                    summary.discovered += report.new
                    summary.discovery_errors.extend(report.errors)
                    metrics.DISCOVERED.inc(report.new)
                summary.seconds = time.monotonic() - t0
                if summary.discovered:
                    self._wake.set()
                if on_round and summary.eventful:
                    on_round(summary)
                backoff = 1.0
                due = self.store.next_discovery()
                wait = self.settings.crawl.max_sleep
                if due is not None:
                    wait = min(wait, max((due - self.clock()).total_seconds(), 0.05))
                await self._back_off(stop, wait)
            except StorageError as exc:
                log.warning("database unavailable, retrying in %.0fs: %s", backoff, exc)
                await self._back_off(stop, backoff)
                backoff = min(backoff * 2, 30.0)
            except Exception:
                log.exception("discovery round failed, retrying in %.0fs", backoff)
                await self._back_off(stop, backoff)
                backoff = min(backoff * 2, 30.0)

    def _heartbeat(self, started: datetime) -> None:
        self.store.heartbeat(
            self.worker_id,
            socket.gethostname(),
            os.getpid(),
            started,
            self.clock(),
            self._checks_total,
            self._errors_total,
            last_check=self._last_check,
            last_progress=self._last_progress,
        )

    def _renew_leases(self) -> None:
        """Extend the leases of the articles this worker holds (claimed, not yet recorded), so
        a slow batch never loses them to another worker halfway through."""
        until = self.clock() + self.settings.crawl.lease
        if self._held:
            self.store.renew_leases(self.worker_id, sorted(self._held), until)
        if self._held_sources:
            self.store.renew_source_leases(self.worker_id, sorted(self._held_sources), until)

    def _beat_every(self) -> float:
        """Often enough that a lease is renewed at least twice before it would run out."""
        lease = self.settings.crawl.lease.total_seconds()
        return max(min(self.settings.crawl.heartbeat_every, lease / 3), 0.05)

    async def _keep_alive(self, stop: asyncio.Event, started: datetime | None = None) -> None:
        """Renew the leases of the articles in flight every ``_beat_every()`` seconds, also in
        the middle of a long round; with ``started`` (``run_forever``) heartbeat as well. A
        round outside ``run_forever`` (``crawl --once``) runs it with leases only."""
        beats = [self._renew_leases]
        if started is not None:
            beats.insert(0, lambda: self._heartbeat(started))
        while not stop.is_set():
            for beat in beats:
                try:
                    beat()
                except StorageError as exc:  # the round's own writes report the outage
                    log.debug("heartbeat failed: %s", exc)
                except Exception:
                    log.exception("heartbeat failed")
            await self._back_off(stop, self._beat_every())

    @staticmethod
    async def _back_off(stop: asyncio.Event, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)

    async def _round(
        self, fetcher: Fetcher, source: str | None, stop: asyncio.Event
    ) -> CrawlSummary:
        """One round of checks (``run_forever``'s discovery runs in its own task)."""
        t0 = time.monotonic()
        summary = await self.check_due(fetcher, source=source, summary=CrawlSummary(), stop=stop)
        summary.seconds = time.monotonic() - t0
        return summary

    async def _sleep_until_due(self, stop: asyncio.Event) -> None:
        """Until the next article is due, new articles are discovered, or ``stop``."""
        now = self.clock()
        due = self.store.next_due()
        wait = self.settings.crawl.max_sleep
        if due is not None:
            wait = min(wait, max((due - now).total_seconds(), 0.05))
        waiters = [asyncio.create_task(stop.wait()), asyncio.create_task(self._wake.wait())]
        try:
            await asyncio.wait(waiters, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters:
                w.cancel()
        self._wake.clear()


__all__ = ["CrawlSummary", "Crawler"]
