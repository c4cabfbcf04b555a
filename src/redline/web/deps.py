"""What every route shares: the store, the clock, page rendering and parameter parsing.

Parameters arrive as strings from forms (an empty select means 'any'), so filters are parsed
here, once, into typed values; anything unknown is a 422 with a message that says what to send.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from redline.diff import CLASS_LABELS
from redline.storage import SourceRow, Store
from redline.storage.browse import LEVELS, SPECIAL_CLASSES, Cursor, StreamFilter, find_source
from redline.web.errors import bad_param

MAX_ID = 2**31 - 1
STREAM_CLASSES = (*SPECIAL_CLASSES, *(c for c in CLASS_LABELS if c != "headline"))


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def now_of(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def _loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def public_base(request: Request) -> tuple[str, bool]:
    """(base URL for absolute links, whether it is the configured one).

    The configured ``base_url`` when there is one. Otherwise the Host header only for a request
    over loopback (a reader on this machine), and the listening address for any other: a
    forged Host header must never end up in links a cache keeps."""
    configured: str | None = request.app.state.web.base_url
    if configured:
        return configured.rstrip("/") + "/", True
    if _loopback(request.client.host if request.client else None):
        return str(request.base_url), False
    host, port = request.scope.get("server") or ("127.0.0.1", 80)
    scheme = request.url.scheme
    shown = f"[{host}]" if ":" in str(host) else str(host)
    default = (scheme, port) in (("http", 80), ("https", 443))
    return f"{scheme}://{shown}{'' if default or port is None else f':{port}'}/", False


@dataclass(frozen=True)
class FeedLink:
    title: str
    href: str


def render_page(
    request: Request,
    name: str,
    *,
    status_code: int = 200,
    feeds: list[FeedLink] | None = None,
    **context: Any,
) -> HTMLResponse:
    env = request.app.state.env
    html = env.get_template(name).render(
        request=request, now=now_of(request), feeds=feeds or [], **context
    )
    return HTMLResponse(html, status_code=status_code)


def blank(value: str | None) -> str | None:
    """Forms send '' for 'any'."""
    return value if value not in (None, "") else None


def parse_source(store: Store, name: str | None) -> SourceRow | None:
    name = blank(name)
    if name is None:
        return None
    src = find_source(store, name[:64])
    if src is None:
        raise bad_param(f"source: no source named {name[:64]!r}; see /sources")
    return src


def parse_level(level: str | None, default: str = "minor") -> str:
    level = blank(level) or default
    if level not in LEVELS:
        raise bad_param(f"level: must be one of {', '.join(LEVELS)}")
    return level


def parse_class(klass: str | None) -> str | None:
    klass = blank(klass)
    if klass is not None and klass not in STREAM_CLASSES:
        raise bad_param(f"class: must be one of {', '.join(STREAM_CLASSES)}")
    return klass


def parse_cursor(raw: str | None) -> Cursor | None:
    raw = blank(raw)
    return Cursor.decode(raw) if raw else None  # BadCursor is a ConfigError → 422


def parse_int_cursor(raw: str | None) -> int | None:
    raw = blank(raw)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or int(raw) > MAX_ID:
        raise bad_param("before: invalid cursor; use the 'next' value a page returned")
    return int(raw)


def stream_filter(
    store: Store,
    *,
    source: str | None,
    level: str | None,
    klass: str | None,
    default_level: str = "minor",
) -> tuple[StreamFilter, SourceRow | None]:
    src = parse_source(store, source)
    f = StreamFilter(
        source_id=src.id if src else None,
        min_level=parse_level(level, default_level),
        klass=parse_class(klass),
    )
    return f, src
