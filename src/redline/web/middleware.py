"""A small pure-ASGI middleware: refuse NUL bytes, answer HEAD as GET without the body, add
security headers and Server-Timing.

Pure ASGI (not BaseHTTPMiddleware) to keep per-request overhead to microseconds.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages load only their own CSS and script; article text can never run as code here.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
_DOCS_PREFIX = "/api/docs"


class WebMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        raw_query: bytes = scope.get("query_string", b"")
        if "\x00" in path or b"\x00" in unquote_to_bytes(raw_query):
            await _reject_nul(path, send)
            return
        started = time.perf_counter()
        docs = path.startswith(_DOCS_PREFIX)
        # HEAD is GET without a body (RFC 9110 9.3.2): feed readers and link checkers send it,
        # and every GET route answers it with the same status and headers.
        head = scope.get("method") == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                dur = (time.perf_counter() - started) * 1000
                headers.append((b"server-timing", f"app;dur={dur:.2f}".encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"same-origin"))
                headers.append((b"x-frame-options", b"DENY"))  # browsers without frame-ancestors
                headers.append((b"permissions-policy", _PERMISSIONS))
                names = {k.lower(): v for k, v in headers}
                is_html = names.get(b"content-type", b"").startswith(b"text/html")
                if is_html and not docs and b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_with_headers)


_PERMISSIONS = b"camera=(), microphone=(), geolocation=(), payment=(), interest-cohort=()"


async def _reject_nul(path: str, send: Send) -> None:
    msg = "NUL characters are not allowed in URLs"
    body: Any
    if path.startswith("/api/"):
        body, ctype = (
            json.dumps({"error": {"status": 422, "message": msg}}).encode(),
            b"application/json",
        )
    else:
        body, ctype = (msg + "\n").encode(), b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
