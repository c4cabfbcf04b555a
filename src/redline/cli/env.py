"""What every command shares: where the data lives and the (lazily opened) store."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from redline.errors import ConfigError
from redline.settings import Loaded, Settings, links_base, load_settings
from redline.storage import Store, default_database_url

log = logging.getLogger("redline")


@dataclass
class Env:
    """The settings in effect (defaults < config file < env < flags) and the store they name."""

    loaded: Loaded
    overrides: dict[str, Any] = field(default_factory=dict)
    verbose: int = 0
    _store: Store | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        return self.loaded.settings

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    @property
    def database_url(self) -> str | None:
        return self.settings.database_url

    @property
    def url(self) -> str:
        return self.database_url or default_database_url(self.data_dir)

    def override(self, section: str, **values: Any) -> Settings:
        """The settings with a command's own flags on top (unset flags, None, are skipped)."""
        given = {k: v for k, v in values.items() if v is not None}
        if given:
            merged = {**self.overrides, section: {**self.overrides.get(section, {}), **given}}
            self.loaded = load_settings(self.loaded.config_file, merged)
            self.overrides = merged
        return self.settings

    def store(self) -> Store:
        if self._store is None:
            if self.database_url is None:  # only the default SQLite database lives in the data dir
                prepare_data_dir(self.data_dir)
            self._store = Store.open(self.url)
            self._store.notify_key = self.settings.notify.secret_key
        return self._store

    def crawling_store(self) -> Store:
        """The store of a command that crawls (crawl, run, worker): on PostgreSQL the server ends
        a session left idle inside a transaction for ``crawl.idle_transaction_timeout``, so a
        stopped process frees the rows it holds (docs/architecture.md)."""
        store = self.store()
        store.limit_idle_transactions(self.settings.crawl.idle_transaction_timeout)
        return store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def prepare_data_dir(path: Path) -> None:
    """Create the data directory, or say in one line why it cannot be one."""
    if path.exists() and not path.is_dir():
        raise ConfigError(
            f"data dir {path} exists and is not a directory; choose another --data-dir"
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"cannot create data dir {path}: {exc.strerror or exc}; choose another --data-dir"
        ) from None


out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def human_time(d: datetime | None, now: datetime | None = None) -> str:
    """A time as people read it in a table: minutes in UTC, and how long ago when recent
    (`--json` keeps exact ISO times)."""
    if d is None:
        return "-"
    d = d.astimezone(UTC)
    shown = f"{d:%Y-%m-%d %H:%M} UTC"
    ago = ((now or datetime.now(UTC)) - d).total_seconds()
    if 0 <= ago < 60:
        return f"{shown} (just now)"
    if 0 <= ago < 3600:
        return f"{shown} ({int(ago // 60)} min ago)"
    if 0 <= ago < 86400:
        return f"{shown} ({int(ago // 3600)} h ago)"
    if -86400 < ago < 0:
        return f"{shown} (in {_span(-ago)})"
    return shown


def _span(seconds: float) -> str:
    return f"{int(seconds // 60)} min" if seconds < 3600 else f"{int(seconds // 3600)} h"


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _kv(value: Any) -> str:
    text = "-" if value is None else str(value)
    return text if text and not any(c in text for c in ' "=\n') else json.dumps(text)


class KeyValueFormatter(logging.Formatter):
    """``time level=… logger=… msg=… key=value …``: one line per event, easy to grep and parse.
    Structured events pass their fields as ``extra={"fields": {...}}``."""

    def format(self, record: logging.LogRecord) -> str:
        line = (
            f"{self.formatTime(record, '%Y-%m-%dT%H:%M:%S%z')} level={record.levelname} "
            f"logger={record.name} msg={_kv(record.getMessage())}"
        )
        fields = getattr(record, "fields", None) or {}
        line += "".join(f" {key}={_kv(value)}" for key, value in fields.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


# Libraries whose warnings are theirs to fix, not an operator's ("discarding data"): shown at -vv.
THIRD_PARTY = (
    "httpx",
    "httpcore",
    "trafilatura",
    "htmldate",
    "courlan",
    "justext",
    "charset_normalizer",
    "alembic",
    "uvicorn.access",
)


def setup_logging(verbose: int) -> None:
    """Quiet by default (Redline's own warnings and errors); -v one line per fetch; -vv
    discovery details, debug, and third-party warnings."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(KeyValueFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in THIRD_PARTY:
        logging.getLogger(noisy).setLevel(logging.WARNING if verbose >= 2 else logging.ERROR)


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
        delivering = asyncio.create_task(_deliver(crawler.store, stop, crawler.settings))
        try:
            await crawler.run_forever(
                stop, source=source, on_round=lambda s: print_round(s, prefix)
            )
        finally:
            stop.set()
            # A send in flight gets the same grace as a check; its lease then expires and the
            # delivery is sent again later under the same id (at-least-once).
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(delivering, crawler.settings.crawl.shutdown_grace)

    asyncio.run(main())


async def _deliver(store: Store, stop: Any, settings: Settings) -> None:
    """Notifications go out next to the crawl loop (a failure here never stops crawling)."""
    from redline.notify.deliver import Deliverer

    try:
        await Deliverer(store, settings.notify, base_url=links_base(settings.web)).run(stop)
    except Exception:  # the crawl goes on; the outbox keeps what was not sent
        log.exception("notification deliverer stopped")


def deliver_due(store: Store, settings: Settings, wait: float | None = None) -> None:
    """Send what is due now (``crawl --once``), waiting at most ``wait`` seconds."""
    import asyncio

    from redline.notify.deliver import Deliverer

    if not store.subscriptions():
        return
    summary = asyncio.run(
        Deliverer(store, settings.notify, base_url=links_base(settings.web)).deliver_pending(
            settings.notify.once_wait if wait is None else wait
        )
    )
    if summary.sent or summary.failed:
        out.print(summary.line(), markup=False)
