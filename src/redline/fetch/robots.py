"""robots.txt, parsed by Protego and cached per host."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from protego import Protego


class RobotsCache:
    """``allowed(url)`` fetches a host's robots.txt once per ``ttl`` seconds.

    A missing robots.txt (4xx) or an unreachable one allows everything, as most crawlers do;
    a 5xx answer disallows the host until the next refresh (the site is in trouble).
    """

    def __init__(
        self,
        user_agent: str,
        ttl: float,
        fetch_text: Callable[[str, bool], Awaitable[tuple[int, str]]],
    ):
        self._ua = user_agent
        self._ttl = ttl
        self._fetch_text = fetch_text
        self._cache: dict[tuple[str, bool], tuple[float, Protego | None, bool]] = {}

    async def allowed(self, origin: str, url: str, *, private: bool = False) -> bool:
        """``private``: the fetch may reach this origin on a private address (its robots.txt is
        fetched, and cached, under the same permission)."""
        entry = self._cache.get((origin, private))
        if entry is None or entry[0] < time.monotonic():
            entry = await self._load(origin, private)
            self._cache[(origin, private)] = entry
        _, parser, allow_all = entry
        if parser is None:
            return allow_all
        return bool(parser.can_fetch(url, self._ua))

    async def _load(self, origin: str, private: bool) -> tuple[float, Protego | None, bool]:
        expires = time.monotonic() + self._ttl
        try:
            status, text = await self._fetch_text(origin + "/robots.txt", private)
        except Exception:  # network trouble: do not block the crawl on robots.txt
            return expires, None, True
        if 200 <= status < 300:
            try:
                return expires, Protego.parse(text), True
            except Exception:
                return expires, None, True
        if status >= 500:
            return time.monotonic() + min(self._ttl, 300), None, False
        return expires, None, True
