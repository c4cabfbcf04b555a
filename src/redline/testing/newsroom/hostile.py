"""Hostile endpoints for fault tests: huge, binary, badly encoded, slow, looping, bombs."""

from __future__ import annotations

import asyncio
import os
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

Send = Callable[[dict[str, Any]], Awaitable[None]]

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]><urlset><url><loc>&lol9;</loc></url></urlset>"
)
XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><item><link>&xxe;</link></item></channel></rss>'
MALFORMED_FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>Broken<link>http://x/</item></chan'
_GZIP_BOMB: bytes | None = None


def gzip_bomb() -> bytes:
    """256 MiB of zeros inflating from ~250 KB of gzip (built once, lazily)."""
    global _GZIP_BOMB
    if _GZIP_BOMB is None:
        c = zlib.compressobj(9, zlib.DEFLATED, 31)
        chunk = b"\0" * (1 << 20)
        _GZIP_BOMB = b"".join(c.compress(chunk) for _ in range(256)) + c.flush()
    return _GZIP_BOMB


async def _start(
    send: Send,
    status: int = 200,
    ctype: bytes = b"text/html; charset=utf-8",
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", ctype), *(extra or [])],
        }
    )


async def serve(path: str, receive: Any, send: Send) -> None:
    name = path.removeprefix("/hostile/")
    gone = asyncio.Event()

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        gone.set()

    watcher = asyncio.create_task(watch())
    try:
        await _serve(name, send, gone)
    finally:
        watcher.cancel()


async def _serve(name: str, send: Send, gone: asyncio.Event) -> None:
    if name == "huge":  # 30 MB streamed, never buffered
        await _start(send)
        chunk = b"<p>" + b"filler " * 9000 + b"</p>\n"
        sent = 0
        while sent < 30 * 1024 * 1024 and not gone.is_set():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            sent += len(chunk)
        await send({"type": "http.response.body", "body": b""})
    elif name == "binary":
        await _start(send)
        await send({"type": "http.response.body", "body": os.urandom(64 * 1024)})
    elif name == "bad-encoding":
        text = ("<html><head><meta charset='utf-8'><title>Café ruiné</title></head><body><article><h1>Café ruiné</h1>"
                + "<p>Le café était fermé à cause de la grève, a déclaré le propriétaire du café. " * 12 + "</p></article></body></html>")  # fmt: skip
        await _start(send)
        await send({"type": "http.response.body", "body": text.encode("latin-1") + b"\xff\xfe\x80"})
    elif name == "slow":  # one byte per second
        await _start(send)
        try:
            for _ in range(600):
                if gone.is_set():
                    return
                await send({"type": "http.response.body", "body": b"x", "more_body": True})
                await asyncio.sleep(1)
        except (OSError, asyncio.CancelledError):
            return
        await send({"type": "http.response.body", "body": b""})
    elif name == "redirect-loop":
        await _start(send, 302, extra=[(b"location", b"/hostile/redirect-loop")])
        await send({"type": "http.response.body", "body": b""})
    elif name == "gzip-bomb":
        bomb = gzip_bomb()
        await _start(
            send,
            extra=[(b"content-encoding", b"gzip"), (b"content-length", str(len(bomb)).encode())],
        )
        await send({"type": "http.response.body", "body": bomb})
    elif name == "deep-nesting.html":
        body = (
            b"<html><body><article><h1>Deep</h1>"
            + b"<div><span>" * 20000
            + b"<p>text" * 100
            + b"</body></html>"
        )
        await _start(send)
        await send({"type": "http.response.body", "body": body})
    elif name in ("billion-laughs.xml", "xxe.xml", "malformed-feed.xml"):
        body = {
            "billion-laughs.xml": BILLION_LAUGHS,
            "xxe.xml": XXE,
            "malformed-feed.xml": MALFORMED_FEED,
        }[name]
        await _start(send, ctype=b"application/xml")
        await send({"type": "http.response.body", "body": body})
    elif name == "error-500":
        await _start(send, 500)
        await send({"type": "http.response.body", "body": b"<h1>Internal Server Error</h1>"})
    else:
        await _start(send, 404)
        await send({"type": "http.response.body", "body": b"no such hostile page"})
