"""What every command shares: where the data lives and the (lazily opened) store."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from redline.storage import Store, default_database_url

log = logging.getLogger("redline")


@dataclass
class Env:
    data_dir: Path
    database_url: str | None
    verbose: int = 0
    _store: Store | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return self.database_url or default_database_url(self.data_dir)

    def store(self) -> Store:
        if self._store is None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._store = Store.open(self.url)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter(
            "%(asctime)s level=%(levelname)s logger=%(name)s msg=%(message)r", "%Y-%m-%dT%H:%M:%S%z"
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "trafilatura", "htmldate", "alembic", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def print_round(summary: Any, prefix: str = "") -> None:
    """One line per crawl round that did something (quiet rounds are not logged)."""
    if summary.eventful:
        from datetime import UTC, datetime

        out.print(f"{datetime.now(UTC):%H:%M:%S} {prefix}{summary.line()}", markup=False)


def crawl_until_signalled(crawler: Any, *, source: str | None = None, prefix: str = "") -> None:
    """Run ``crawler.run_forever`` until SIGINT or SIGTERM; in-flight checks finish first."""
    import asyncio
    import signal

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        delivering = asyncio.create_task(_deliver(crawler.store, stop))
        try:
            await crawler.run_forever(
                stop, source=source, on_round=lambda s: print_round(s, prefix)
            )
        finally:
            stop.set()
            await delivering

    asyncio.run(main())


async def _deliver(store: Store, stop: Any) -> None:
    """Notifications go out next to the crawl loop (a failure here never stops crawling)."""
    from redline.notify.deliver import Deliverer

    try:
        await Deliverer(store).run(stop)
    except Exception:  # the crawl goes on; the outbox keeps what was not sent
        log.exception("notification deliverer stopped")


def deliver_due(store: Store, wait: float | None = None) -> None:
    """Send what is due now (``crawl --once``), waiting at most ``wait`` seconds."""
    import asyncio

    from redline.notify.deliver import Deliverer
    from redline.settings import NotifySettings

    if not store.subscriptions():
        return
    settings = NotifySettings()
    summary = asyncio.run(
        Deliverer(store, settings).deliver_pending(settings.once_wait if wait is None else wait)
    )
    if summary.sent or summary.failed:
        out.print(summary.line(), markup=False)
