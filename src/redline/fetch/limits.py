"""Politeness: a global cap on requests in flight, and per host a cap plus a minimum delay."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass
class _Host:
    sem: asyncio.Semaphore
    delay: float
    next_start: float = 0.0
    lock: asyncio.Lock | None = None


class HostLimiter:
    def __init__(self, global_concurrency: int, per_host: int, delay: float) -> None:
        self._global = asyncio.Semaphore(global_concurrency)
        self._per_host = per_host
        self._delay = delay
        self._hosts: dict[str, _Host] = {}

    def configure(self, host: str, *, concurrency: int | None, delay: float | None) -> None:
        """Per-source override for one host (e.g. 0 delay for a local test site)."""
        self._hosts[host] = _Host(
            sem=asyncio.Semaphore(concurrency or self._per_host),
            delay=self._delay if delay is None else delay,
            lock=asyncio.Lock(),
        )

    def _host(self, host: str) -> _Host:
        h = self._hosts.get(host)
        if h is None:
            h = self._hosts[host] = _Host(
                sem=asyncio.Semaphore(self._per_host), delay=self._delay, lock=asyncio.Lock()
            )
        return h

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        h = self._host(host)
        async with h.sem:
            if h.delay > 0:
                assert h.lock is not None
                async with h.lock:  # space out request starts to this host
                    wait = h.next_start - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    h.next_start = time.monotonic() + h.delay
            async with self._global:
                yield
