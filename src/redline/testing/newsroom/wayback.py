"""A Wayback-compatible web archive for offline tests and benchmarks: the CDX API
(``/cdx/search/cdx?url=...&output=json``) and raw mementos (``/web/<timestamp>id_/<url>``).

It holds what a real archive holds about a news article: captures of older versions, captures
that differ only in page furniture, identical re-captures, 404 and redirect captures, an error
page captured with status 200, a CDX row whose memento answers with a redirect, and it can
answer 429 with Retry-After (rate limiting) on chosen requests.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs, unquote

from redline.testing.asgi import serve_asgi
from redline.testing.newsroom.site import article_page
from redline.testing.newsroom.state import ExpectedVersion, Newsroom

Send = Callable[[dict[str, Any]], Awaitable[None]]
_TS = "%Y%m%d%H%M%S"


@dataclass(frozen=True)
class Memento:
    url: str
    when: datetime
    body: bytes
    status: int = 200
    location: str | None = None
    cdx_status: str | None = None  # what the CDX row says, when it differs (a "ghost" capture)

    @property
    def timestamp(self) -> str:
        return self.when.strftime(_TS)

    @property
    def digest(self) -> str:
        return base64.b32encode(hashlib.sha1(self.body).digest()).decode()


@dataclass
class WaybackArchive:
    mementos: list[Memento] = field(default_factory=list)
    throttle: set[int] = field(default_factory=set)  # request numbers answered 429
    retry_after: str = "1"
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(
        self, url: str, when: datetime, body: str | bytes, status: int = 200, **kw: Any
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.mementos.append(
            Memento(url, when.astimezone(UTC).replace(microsecond=0), data, status, **kw)
        )

    def add_history(
        self, room: Newsroom, slug: str, base: str, start: datetime
    ) -> list[ExpectedVersion]:
        """Captures of ``slug`` from before tracking: two distinct earlier versions (the first
        captured again identically, then with different furniture), a 404, a redirect, an
        error page, a ghost row. Returns the distinct versions, oldest first."""
        art = room.by_slug[slug]
        url = base + room.article_path(slug)
        first = replace(art, title=art.title + " (draft)", paragraphs=art.paragraphs[:-2])
        second = replace(art, paragraphs=art.paragraphs[:-1])
        h = timedelta(hours=1)
        page1 = article_page(room, first, base)
        self.add(url, start, page1)
        self.add(url, start + h, page1)  # an identical re-capture
        self.add(url, start + 2 * h, article_page(room, first, base))  # furniture differs
        self.add(url, start + 3 * h, "<html><body><h1>Not found</h1></body></html>", status=404)
        self.add(url, start + 4 * h, "", status=302, location=base + "/")
        self.add(url, start + 5 * h, "<html><body><p>Service unavailable</p></body></html>")
        self.add(url, start + 6 * h, article_page(room, second, base))
        self.add(url, start + 7 * h, "", status=302, location=url, cdx_status="200")  # ghost
        return [
            ExpectedVersion(
                first.title,
                first.byline,
                first.body(),
                first.standfirst,
                first.lead_caption or None,
            ),
            ExpectedVersion(
                second.title,
                second.byline,
                second.body(),
                second.standfirst,
                second.lead_caption or None,
            ),
        ]

    def cdx_rows(self, url: str, since: str | None, until: str | None) -> list[list[str]]:
        rows: list[list[str]] = [
            ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
        ]
        for m in sorted(self.mementos, key=lambda m: m.timestamp):
            if m.url.split("://", 1)[-1] != url.split("://", 1)[-1]:
                continue
            if (since and m.timestamp < since.ljust(14, "0")) or (
                until and m.timestamp > until.ljust(14, "9")
            ):
                continue
            status = m.cdx_status or str(m.status)
            mime = (
                "text/html"
                if m.status == 200
                else ("unk" if m.status >= 300 and m.status < 400 else "text/html")
            )
            rows.append([url, m.timestamp, m.url, mime, status, m.digest, str(len(m.body))])
        return rows

    def find(self, ts: str, url: str) -> Memento | None:
        key = url.split("://", 1)[-1]
        return next(
            (m for m in self.mementos if m.timestamp == ts and m.url.split("://", 1)[-1] == key),
            None,
        )


def make_wayback_app(archive: WaybackArchive) -> Callable[..., Awaitable[None]]:
    async def app(scope: dict[str, Any], receive: Any, send: Send) -> None:
        if scope["type"] != "http":
            return
        with archive.lock:
            archive.requests += 1
            n = archive.requests
        if n in archive.throttle:
            await _respond(send, 429, b"slow down", [("retry-after", archive.retry_after)])
            return
        path = (
            unquote(scope.get("raw_path", b"").decode("latin-1").split("?", 1)[0]) or scope["path"]
        )
        if path == "/cdx/search/cdx":
            import json

            q = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            url = (q.get("url") or [""])[0]
            rows = archive.cdx_rows(url, (q.get("from") or [None])[0], (q.get("to") or [None])[0])
            body = json.dumps(rows if len(rows) > 1 else []).encode()
            await _respond(send, 200, body, [("content-type", "application/json")])
            return
        if path.startswith("/web/"):
            ts, _, url = path[len("/web/") :].partition("/")
            m = archive.find(ts.removesuffix("id_"), url)
            if m is None:
                await _respond(send, 404, b"not in archive", [("content-type", "text/plain")])
                return
            headers = [
                ("content-type", "text/html; charset=utf-8"),
                ("memento-datetime", format_datetime(m.when, usegmt=True)),
            ]
            if m.location:
                headers.append(("location", m.location))
            await _respond(send, m.status, m.body, headers)
            return
        await _respond(send, 404, b"no such endpoint", [("content-type", "text/plain")])

    return app


async def _respond(send: Send, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
    raw = [(k.encode(), v.encode()) for k, v in headers]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


@contextmanager
def serve_wayback(archive: WaybackArchive) -> Iterator[str]:
    """Serve ``archive`` over real HTTP in a thread; yields its base URL."""
    with serve_asgi(make_wayback_app(archive)) as base:
        yield base
