"""Hostile endpoints for fault tests: huge, binary, badly encoded, slow (pages and feeds),
looping, bombs, 5xx storms, unparseable URLs in a sitemap; and a raw TCP server that resets
connections."""

from __future__ import annotations

import asyncio
import os
import socket
import struct
import threading
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

HITS: Counter[str] = Counter()
"""Requests seen per hostile endpoint (and ``reset`` connections), for asserting retries."""

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
# A sitemap whose entries urllib cannot even split: one of them used to kill `redline worker`.
BAD_URL_SITEMAP = (
    b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    b"<url><loc>http://[oops/a</loc></url><url><loc>http://[1.2.3.4]/b</loc></url>"
    b"<url><loc>https://x:99999/c</loc></url><url><loc>http://a]b/d</loc></url></urlset>"
)
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
    HITS[name] += 1
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
        text = (
            "<html><head><meta charset='utf-8'><title>Café ruiné</title></head><body><article><h1>Café ruiné</h1>"
            + "".join(
                f"<p>Le café n° {i} était fermé à cause de la grève, a déclaré le propriétaire à {i} heures.</p>"
                for i in range(12)
            )
            + "</article></body></html>"
        )
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
    elif name.startswith("slow-feed"):  # a feed dripping one byte per second, any suffix
        await _start(send, ctype=b"application/rss+xml")
        head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>drip</title>'
        await send({"type": "http.response.body", "body": head, "more_body": True})
        try:
            for _ in range(3600):
                if gone.is_set():
                    return
                await send({"type": "http.response.body", "body": b" ", "more_body": True})
                await asyncio.sleep(1)
        except (OSError, asyncio.CancelledError):
            return
        await send({"type": "http.response.body", "body": b"</channel></rss>"})
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
    elif name in ("billion-laughs.xml", "xxe.xml", "malformed-feed.xml", "bad-urls-sitemap.xml"):
        body = {
            "billion-laughs.xml": BILLION_LAUGHS,
            "xxe.xml": XXE,
            "malformed-feed.xml": MALFORMED_FEED,
            "bad-urls-sitemap.xml": BAD_URL_SITEMAP,
        }[name]
        await _start(send, ctype=b"application/xml")
        await send({"type": "http.response.body", "body": body})
    elif name == "error-500":
        await _start(send, 500)
        await send({"type": "http.response.body", "body": b"<h1>Internal Server Error</h1>"})
    elif name.startswith("storm-"):  # a 5xx storm: every request to it fails, e.g. storm-503
        code = int(name.removeprefix("storm-")) if name[6:].isdigit() else 503
        await _start(send, code if 500 <= code < 600 else 503, extra=[(b"retry-after", b"1")])
        await send({"type": "http.response.body", "body": b"<h1>Service Unavailable</h1>"})
    else:
        await _start(send, 404)
        await send({"type": "http.response.body", "body": b"no such hostile page"})


@contextmanager
def serve_resetting(host: str = "127.0.0.1", *, after_headers: bool = False) -> Iterator[str]:
    """A raw TCP server that reads each request and resets the connection (RST, via SO_LINGER
    0) instead of answering; with ``after_headers``, after the first bytes of a response. Yields
    its base URL; ``HITS['reset']`` counts the connections it reset."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, 0))
    srv.listen(64)
    srv.settimeout(0.2)
    stop = threading.Event()

    def handle(conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            if after_headers:
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 9999\r\n\r\n<p>"
                )
            HITS["reset"] += 1
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        finally:
            conn.close()  # with SO_LINGER 0: an RST, not a FIN

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=loop, name="reset-server", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{srv.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        srv.close()
