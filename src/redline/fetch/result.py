"""What a fetch returns to the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class HttpExchange:
    """One request as sent and the head of its answer as received: what a WARC request and
    response record need besides the body (docs/archive.md)."""

    url: str
    method: str
    request_headers: tuple[tuple[str, str], ...]
    http_version: str  # "HTTP/1.1"
    status: int
    reason: str
    response_headers: tuple[tuple[str, str], ...]
    at: datetime  # when the request was sent (WARC-Date)


def exchange_of(resp: httpx.Response, at: datetime | None = None) -> HttpExchange:
    """The exchange of an httpx response (headers in the order and case they went on the wire)."""
    req = resp.request
    return HttpExchange(
        url=str(req.url),
        method=req.method,
        request_headers=tuple(
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in req.headers.raw
        ),
        http_version=resp.http_version or "HTTP/1.1",
        status=resp.status_code,
        reason=resp.reason_phrase or "",
        response_headers=tuple(
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw
        ),
        at=at or datetime.now(UTC),
    )


@dataclass(frozen=True)
class FetchResult:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    body: bytes  # after transfer and content decoding (gzip, br...)
    content_type: str | None
    etag: str | None
    last_modified: str | None
    duration_ms: int
    redirects: tuple[str, ...] = field(default=())
    exchanges: tuple[HttpExchange, ...] = field(default=())  # one per hop; the last is `status`

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300
