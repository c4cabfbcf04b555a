"""Conditional requests: ETag / Last-Modified validators from cheap database state, and 304.

A validator is computed before the page is built, from a few primary-key and index look-ups
(``stream_state``, ``articles_state``, the article row), so a client that already has the
current representation costs one small query and no rendering. Pages that show relative
times ("3 min ago") also change their validator each minute. ``respond`` also keeps what it
renders (pagecache.py), so a plain GET of an unchanged page costs the same small query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request
from fastapi.responses import Response

from redline.storage import ArticleRow
from redline.web.deps import now_of, public_base
from redline.web.fastpath import SCOPE_KEY, Kept, key_of
from redline.web.pagecache import PageCache, Rendered
from redline.web.session import COOKIE as SESSION_COOKIE
from redline.web.session import operator_of


@dataclass(frozen=True)
class Validator:
    etag: str
    last_modified: datetime | None
    until: datetime | None = None  # the end of its minute, for pages with relative times


def article_state(art: ArticleRow) -> tuple[object, ...]:
    """Everything of the article row a page or an API answer shows (its versions and events
    come with a new version count, status or check); with ``data_revision`` for rewrites."""
    return (
        art.id,
        art.url,
        art.title,
        art.status,
        art.version_count,
        art.check_count,
        art.last_checked,
        art.next_check,
        art.last_error,
        art.source,
    )


def validator(
    request: Request, *state: object, updated: datetime | None = None, per_minute: bool = False
) -> Validator:
    """A weak ETag over the URL (path and query), the public base URL absolute links are built
    from, and ``state``; ``updated`` becomes Last-Modified (never later than now)."""
    now = now_of(request)
    # A signed-in operator's pages carry controls an anonymous reader's do not: the session
    # cookie is part of the validator (and responses say Vary: Cookie).
    session = request.cookies.get(SESSION_COOKIE, "")
    base = public_base(request)[0]
    parts = [request.url.path, request.url.query, base, session, *(str(s) for s in state)]
    until = None
    if per_minute:
        parts.append(now.strftime("%Y%m%d%H%M"))
        until = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
    last = min(updated, now) if updated is not None else None
    return Validator(f'W/"{digest}"', last, until)


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


def _viewer(request: Request) -> str:
    """Who a rendering is for: '' for anonymous readers (no cookie, or one that is not a valid
    session), else the session's own CSRF token (unique to that session)."""
    if SESSION_COOKIE not in request.cookies:
        return ""
    op = operator_of(request)
    return op.csrf if op is not None else ""


def respond(
    request: Request, v: Validator, build: Callable[[], Response], cache_control: str = "no-cache"
) -> Response:
    """The answer for a page whose validator is ``v``: 304 when the client's copy is current,
    else this process's kept rendering for the same validator and viewer, else ``build()``
    (kept for the next request when it is a 200)."""
    fresh = not_modified(request, v, cache_control)
    cache: PageCache[Rendered] = request.app.state.pages
    key = (v.etag, _viewer(request))
    rendered = cache.get(key) if fresh is None else None
    if fresh is None and rendered is None:
        response = build()
        rendered = Rendered.of(response)
        if rendered is None:
            return stamp(response, v, cache_control)
        cache.put(key, rendered)
    _keep_for_fast_path(request, v, cache_control, rendered or cache.get(key))
    if fresh is not None:
        return fresh
    assert rendered is not None
    return stamp(rendered.response(), v, cache_control)


def _keep_for_fast_path(
    request: Request, v: Validator, cache_control: str, rendered: Rendered | None
) -> None:
    version = request.scope.get(SCOPE_KEY)
    fast_key = key_of(request)
    if rendered is None or version is None or fast_key is None:
        return
    sent = tuple(
        (k.encode("latin-1"), val.encode("latin-1")) for k, val in headers(v, cache_control).items()
    )
    request.app.state.fast.put(fast_key, Kept(version, v.etag, v.until, sent, rendered))
