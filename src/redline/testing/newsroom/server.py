"""Serving the newsroom over real HTTP (uvicorn), in a thread or as its own process."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn

from redline.testing.newsroom.site import make_app
from redline.testing.newsroom.state import Newsroom


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_newsroom(room: Newsroom, port: int = 0, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``room`` in a background thread; yields the base URL; stops on exit."""
    port = port or _free_port()
    config = uvicorn.Config(
        make_app(room), host=host, port=port, log_level="warning", lifespan="off", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="newsroom", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the simulated newsroom could not start on {host}:{port}")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def run_auto_advance(room: Newsroom, every: float) -> Callable[[], None]:
    """Advance the script every ``every`` seconds in a thread (demo mode); returns a stop function."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            room.advance()

    threading.Thread(target=loop, name="newsroom-editor", daemon=True).start()
    return stop.set
