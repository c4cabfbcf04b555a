"""The crawl engine: discovery for due sources, then checks of due articles, concurrently.

One ``Crawler`` drives one process. It claims nothing exclusively yet: the storage layer's
compare-and-set on versions keeps concurrent crawlers from writing the same version twice.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from redline import metrics
from redline.crawl.checker import CheckContext, CheckOutcome, check_article
from redline.crawl.discover import DiscoveryReport, discover_source
from redline.errors import StorageError
from redline.fetch.client import Fetcher
from redline.frontier.schedule import SchedulePolicy
from redline.settings import Settings
from redline.sources.model import SourceConfig
from redline.storage import ArticleRow, SourceRow, Store

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
        return self.outcomes["new_version"]

    @property
    def errors(self) -> int:
        return self.outcomes["error"] + len(self.discovery_errors)

    @property
    def eventful(self) -> bool:
        """Worth a line in a long-running log: something other than unchanged checks."""
        quiet = {"unchanged", "not_modified"}
        return bool(self.discovered or self.discovery_errors or set(self.outcomes) - quiet)

    def line(self) -> str:
        extra = ", ".join(
            f"{k} {v}"
            for k, v in sorted(self.outcomes.items())
            if k not in ("new_version", "error")
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
        self.default_policy = policy or SchedulePolicy.default()
        self.clock = clock
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}"
        self._rng = random.Random()

    def _configure(self, fetcher: Fetcher, cfg: SourceConfig | None, url: str) -> None:
        if cfg is None:
            return
        host = urlsplit(url).netloc
        if fetcher.is_configured(host):
            return
        if cfg.concurrency is not None or cfg.delay is not None or cfg.allow_private:
            fetcher.configure_host(
                host, concurrency=cfg.concurrency, delay=cfg.delay, allow_private=cfg.allow_private
            )

    def _context(self, fetcher: Fetcher, cfg: SourceConfig | None) -> CheckContext:
        policy = cfg.schedule if cfg and cfg.schedule else self.default_policy
        return CheckContext(
            store=self.store, fetcher=fetcher, settings=self.settings.crawl, policy=policy,
            rng=self._rng, worker=self.worker_id,
        )  # fmt: skip

    async def discover(
        self, fetcher: Fetcher, *, source: str | None = None, force: bool = False
    ) -> list[DiscoveryReport]:
        """Poll due sources (all of them, or ``source``, with ``force``)."""
        now = self.clock()
        if force:
            rows = [self.store.get_source(source)] if source else self.store.list_sources()
        else:
            rows = self.store.claim_sources(
                now, worker=self.worker_id, lease=self.settings.crawl.lease, name=source
            )
        reports = []
        for row in rows:
            cfg = row.config
            for url in (*cfg.feeds, *cfg.sitemaps, *([cfg.homepage] if cfg.homepage else [])):
                self._configure(fetcher, cfg, url)
            report = await discover_source(self.store, fetcher, row, now)
            every = cfg.discover_every or self.settings.crawl.discover_every
            self.store.mark_discovered(row.id, now, now + every)
            reports.append(report)
        return reports

    async def check_due(
        self, fetcher: Fetcher, *, source: str | None = None, all_live: bool = False,
        progress: ProgressHook | None = None, summary: CrawlSummary | None = None,
        stop: asyncio.Event | None = None,
    ) -> CrawlSummary:  # fmt: skip
        """Claim and check due articles batch by batch; with ``stop`` set, unstarted claims are
        released and in-flight checks finish (graceful shutdown)."""
        summary = summary or CrawlSummary()
        unstarted: list[int] = []
        sources = {s.id: s for s in self.store.list_sources()}
        source_id = self.store.get_source(source).id if source else None
        batch_size = self.settings.crawl.batch_size
        sem = asyncio.Semaphore(self.settings.fetch.global_concurrency)
        started = self.clock()
        after_id = 0
        seen: set[int] = set()

        async def one(article: ArticleRow) -> None:
            src: SourceRow | None = sources.get(article.source_id) if article.source_id else None
            cfg = src.config if src else None
            async with sem:
                if stop is not None and stop.is_set():
                    unstarted.append(article.id)
                    return
                self._configure(fetcher, cfg, article.url)
                try:
                    outcome = await check_article(
                        self._context(fetcher, cfg), article, cfg, self.clock()
                    )
                except Exception as exc:  # one broken article must never stop the crawl
                    log.exception("check of %s failed", article.url)
                    outcome = CheckOutcome(article.url, "error", f"internal: {exc}")
            summary.checked += 1
            summary.outcomes[outcome.outcome] += 1
            metrics.CHECKS.labels(outcome.outcome).inc()
            if outcome.outcome == "new_version":
                metrics.VERSIONS.inc()
            elif outcome.outcome == "error" and outcome.reason:
                metrics.FETCH_ERRORS.labels(outcome.reason.split(":", 1)[0]).inc()
            if progress:
                progress("check", summary.checked, summary.checked)

        while stop is None or not stop.is_set():
            # `started` bounds the round: articles rescheduled during it wait for the next one.
            batch = self.store.claim_articles(
                started, batch_size, worker=self.worker_id, lease=self.settings.crawl.lease,
                source_id=source_id, all_live=all_live, after_id=after_id,
            )  # fmt: skip
            batch = [a for a in batch if a.id not in seen]
            if not batch:
                break
            seen.update(a.id for a in batch)
            overdue = [(started - a.next_check).total_seconds() for a in batch if a.next_check]
            if overdue:
                metrics.FRONTIER_LAG.set(max(max(overdue), 0))
            if all_live:
                after_id = max(a.id for a in batch)
            await asyncio.gather(*(one(a) for a in batch))
        self.store.release_articles(unstarted, self.worker_id)
        return summary

    async def check_one(self, article: ArticleRow) -> CheckOutcome:
        """Check a single article now, whatever its schedule (``redline check URL``)."""
        src = next((s for s in self.store.list_sources() if s.id == article.source_id), None)
        cfg = src.config if src else None
        async with Fetcher(self.settings.fetch) as fetcher:
            self._configure(fetcher, cfg, article.url)
            return await check_article(self._context(fetcher, cfg), article, cfg, self.clock())

    async def run_once(
        self, *, source: str | None = None, all_live: bool = False, progress: ProgressHook | None = None,
        force_discovery: bool = True,
    ) -> CrawlSummary:  # fmt: skip
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
        summary.seconds = time.monotonic() - t0
        return summary

    async def run_forever(
        self, stop: asyncio.Event, *, source: str | None = None,
        on_round: Callable[[CrawlSummary], None] | None = None,
    ) -> None:  # fmt: skip
        """Loop: discover due sources, check due articles, sleep until the next is due.

        When the database goes away (a PostgreSQL restart, a network cut) the loop logs, backs
        off up to 30 s and carries on; claimed articles not checked meanwhile simply expire.
        """
        started = self.clock()
        totals = CrawlSummary()
        backoff = 1.0
        async with Fetcher(self.settings.fetch) as fetcher:
            while not stop.is_set():
                try:
                    summary = await self._round(fetcher, source, stop)
                    totals.checked += summary.checked
                    totals.outcomes.update(summary.outcomes)
                    self.store.heartbeat(
                        self.worker_id, socket.gethostname(), os.getpid(), started, self.clock(),
                        totals.checked, totals.outcomes["error"],
                    )  # fmt: skip
                    if on_round and (summary.checked or summary.discovered):
                        on_round(summary)
                    backoff = 1.0
                    await self._sleep_until_due(stop)
                except StorageError as exc:
                    log.warning("database unavailable, retrying in %.0fs: %s", backoff, exc)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=backoff)
                    backoff = min(backoff * 2, 30.0)

    async def _round(
        self, fetcher: Fetcher, source: str | None, stop: asyncio.Event
    ) -> CrawlSummary:
        t0 = time.monotonic()
        summary = CrawlSummary()
        for report in await self.discover(fetcher, source=source):
            summary.discovered += report.new
            summary.discovery_errors.extend(report.errors)
            metrics.DISCOVERED.inc(report.new)
        await self.check_due(fetcher, source=source, summary=summary, stop=stop)
        summary.seconds = time.monotonic() - t0
        return summary

    async def _sleep_until_due(self, stop: asyncio.Event) -> None:
        now = self.clock()
        candidates = [
            d for d in (self.store.next_due(), self.store.next_discovery()) if d is not None
        ]
        wait = self.settings.crawl.max_sleep
        if candidates:
            wait = min(wait, max((min(candidates) - now).total_seconds(), 0.05))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=wait)


__all__ = ["CrawlSummary", "Crawler"]
