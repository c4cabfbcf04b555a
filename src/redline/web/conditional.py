"""Conditional requests: ETag / Last-Modified validators from cheap database state, and 304.

A validator is computed before the page is built, from a few primary-key and index look-ups
(``stream_state``, ``articles_state``, the article row), so a client that already has the
current representation costs one small query and no rendering. Pages that show relative
times ("3 min ago") also change their validator each minute.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request
from fastapi.responses import Response

from redline.web.deps import now_of
from redline.web.session import COOKIE as SESSION_COOKIE


@dataclass(frozen=True)
class Validator:
    etag: str
    last_modified: datetime | None


def validator(
    request: Request, *state: object, updated: datetime | None = None, per_minute: bool = False
) -> Validator:
    """A weak ETag over the URL (path and query) and ``state``; ``updated`` becomes
    Last-Modified (never later than now)."""
    now = now_of(request)
    # A signed-in operator's pages carry controls an anonymous reader's do not: the session
    # cookie is part of the validator (and responses say Vary: Cookie).
    session = request.cookies.get(SESSION_COOKIE, "")
    parts = [request.url.path, request.url.query, session, *(str(s) for s in state)]
    if per_minute:
        parts.append(now.strftime("%Y%m%d%H%M"))
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
    last = min(updated, now) if updated is not None else None
    return Validator(f'W/"{digest}"', last)


def _matches(header: str, etag: str) -> bool:
    tags = [t.strip() for t in header.split(",")]
    bare = etag.removeprefix("W/")
    return "*" in tags or any(t.removeprefix("W/") == bare for t in tags)  # weak comparison


def not_modified(
    request: Request, v: Validator, cache_control: str = "no-cache"
) -> Response | None:
    """A 304 when the client's copy is current (If-None-Match wins over If-Modified-Since,
    RFC 9110 13.2.2), else None."""
    inm = request.headers.get("if-none-match")
    if inm is not None:
        fresh = _matches(inm, v.etag)
    else:
        ims = request.headers.get("if-modified-since")
        fresh = False
        if ims and v.last_modified is not None:
            try:
                since = parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                since = None
            if since is not None and since.tzinfo is not None:
                fresh = v.last_modified.replace(microsecond=0) <= since
    if not fresh:
        return None
    return Response(status_code=304, headers=headers(v, cache_control))


def headers(v: Validator, cache_control: str = "no-cache") -> dict[str, str]:
    out = {"etag": v.etag, "cache-control": cache_control, "vary": "Cookie"}
    if v.last_modified is not None:
        out["last-modified"] = format_datetime(v.last_modified.astimezone(UTC), usegmt=True)
    return out


def stamp(response: Response, v: Validator, cache_control: str = "no-cache") -> Response:
    response.headers.update(headers(v, cache_control))
    return response
