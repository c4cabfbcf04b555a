"""Serving the newsroom over real HTTP (uvicorn), in a thread or as its own process."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from redline.testing.asgi import serve_asgi
from redline.testing.newsroom.site import make_app
from redline.testing.newsroom.state import Newsroom


@contextmanager
def serve_newsroom(room: Newsroom, port: int = 0, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``room`` in a background thread; yields the base URL; stops on exit."""
    with serve_asgi(make_app(room), port=port, host=host) as base:
        yield base


def run_auto_advance(room: Newsroom, every: float) -> Callable[[], None]:
    """Advance the script every ``every`` seconds in a thread (demo mode); returns a stop function."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            room.advance()

    threading.Thread(target=loop, name="newsroom-editor", daemon=True).start()
    return stop.set
