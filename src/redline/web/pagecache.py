"""Responses this process has rendered, kept by their validator and their viewer.

A page is built from the same cheap database state its ETag is computed from (conditional.py),
so a rendering stays right for as long as that ETag does: a plain GET whose ETag matches a
kept rendering is answered from memory, without queries or templates. The key is the ETag
(which digests the path, query, public base URL, session cookie, data state and, for pages
with relative times, the minute) plus the *verified* operator of the request: an operator's
page (controls, CSRF token) is only ever served to that same valid session, and an expired
or forged cookie gets the anonymous rendering. Data changes move the ETag, so stale entries are
simply never asked for again and age out of the LRU.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from fastapi.responses import Response

MAX_BYTES = 32 * 1024 * 1024
MAX_ENTRY = 2 * 1024 * 1024  # larger bodies are rebuilt each time, never kept


@dataclass(frozen=True)
class Rendered:
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...]  # other headers of the response worth keeping

    def response(self) -> Response:
        return Response(
            self.body, headers={"content-type": self.content_type, **dict(self.headers)}
        )

    @classmethod
    def of(cls, response: Response) -> Rendered | None:
        """What to keep of a rendered 200 response; None for anything else."""
        body = response.body
        if response.status_code != 200 or not isinstance(body, bytes) or len(body) > MAX_ENTRY:
            return None
        headers = tuple((k, v) for k, v in response.headers.items() if k in _KEPT_HEADERS)
        return cls(body, response.headers.get("content-type", "application/octet-stream"), headers)


_KEPT_HEADERS = ("content-security-policy", "content-disposition")


class _Sized(Protocol):
    @property
    def body(self) -> bytes: ...


T = TypeVar("T", bound=_Sized)


class PageCache(Generic[T]):
    """A bounded LRU of rendered bodies, by size (thread-safe: sync routes run in a pool)."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, ...], T] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[str, ...]) -> T | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return hit

    def put(self, key: tuple[str, ...], item: T) -> None:
        body = item.body
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[key] = item
            self._bytes += len(body)
            while self._bytes > self.max_bytes and self._items:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._items)
