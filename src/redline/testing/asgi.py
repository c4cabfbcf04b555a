"""Serving any ASGI app over real HTTP on loopback, in a background thread (tests, demo)."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, proc: subprocess.Popen[Any], timeout: float = 30) -> httpx.Response:
    """The first answer of a server starting in ``proc`` (``redline serve`` in tests and
    benchmarks); RuntimeError if the process exits first or nothing answers in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited early: {proc.communicate()}")
        try:
            return httpx.get(url, timeout=max(2.0, timeout / 10))
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} never answered")


@contextmanager
def serve_asgi(app: Callable[..., Any], port: int = 0, host: str = "127.0.0.1") -> Iterator[str]:
    """Yield the base URL while uvicorn serves ``app`` in a thread; stop cleanly on exit."""
    port = port or free_port()
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", lifespan="off", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"asgi:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"could not serve on {host}:{port}")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
