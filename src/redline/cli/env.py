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
    """Run ``crawler.run_forever`` until SIGINT or SIGTERM: discovery stops at once, in-flight
    checks get ``shutdown_grace`` seconds, leases are released. A second signal exits at once
    (what was claimed and not released then expires with its lease)."""
    import asyncio
    import os
    import signal

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def on_signal(sig: signal.Signals) -> None:
            if stop.is_set():
                err.print(f"{sig.name} again: exiting now")
                os._exit(128 + sig.value)
            err.print(f"{sig.name}: stopping (again to exit at once)")
            stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal, sig)
        await crawler.run_forever(stop, source=source, on_round=lambda s: print_round(s, prefix))

    asyncio.run(main())
