"""Running the web app: in a background thread (``redline demo``, ``redline run``) or in the
foreground (``redline serve``). The listening socket is bound here first, so a taken port is a
one-line error instead of a thread that dies quietly."""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import uvicorn
from fastapi import FastAPI
from pydantic import TypeAdapter
from uvicorn.supervisors import Multiprocess

from redline.errors import ConfigError
from redline.settings import FurnitureSettings, NotifySettings, Settings, WebSettings
from redline.storage import Store
from redline.web.app import create_app

log = logging.getLogger(__name__)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or ConfigError saying why not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}; check --host") from exc
    family, _, _, _, addr = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; pick another --port"
        ) from exc
    sock.set_inheritable(True)
    return sock


class _Server(uvicorn.Server):
    """uvicorn re-raises Ctrl-C once it has shut down gracefully, which would end the command
    with a KeyboardInterrupt; Redline's commands finish normally instead (and say so)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        sigs = (signal.SIGINT, signal.SIGTERM)
        previous = {s: signal.signal(s, self.handle_exit) for s in sigs}
        try:
            yield
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)


_ENV_URL = "REDLINE_SERVE_DATABASE_URL"
# the loaded settings the web app reads, as JSON, one key per section
_ENV_SETTINGS = "REDLINE_SERVE_SETTINGS"
_SECTIONS: dict[str, TypeAdapter[Any]] = {
    "web": TypeAdapter(WebSettings),
    "notify": TypeAdapter(NotifySettings),  # test sends
    "furniture": TypeAdapter(FurnitureSettings),  # which learned rules a source page shows
}


def _settings_json(adapter: TypeAdapter[Any], settings: object) -> str:
    """Settings as JSON that validates back to them (durations as seconds: the settings'
    duration parser does not take ISO 8601)."""
    return json.dumps(adapter.dump_python(settings), default=lambda d: d.total_seconds())


def _sections_json(settings: Settings) -> str:
    return json.dumps(
        {
            name: json.loads(_settings_json(a, getattr(settings, name)))
            for name, a in _SECTIONS.items()
        }
    )


def _app(store: Store, settings: Settings) -> FastAPI:
    return create_app(
        store, settings=settings.web, notify=settings.notify, furniture=settings.furniture
    )


def _config(app: Any, host: str, port: int, **extra: Any) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        lifespan="off",
        proxy_headers=True,
        server_header=False,
        access_log=False,
        timeout_graceful_shutdown=5,
        **extra,
    )


def _server(store: Store, host: str, port: int, settings: Settings) -> uvicorn.Server:
    return _Server(_config(_app(store, settings), host, port))


def worker_app() -> FastAPI:
    """The app of one `redline serve --workers N` process (uvicorn imports it by name in each
    worker, so the database URL and the loaded settings travel in the environment)."""
    store = Store.open(os.environ[_ENV_URL], run_migrations=False)
    given = json.loads(os.environ[_ENV_SETTINGS])
    sections = {name: a.validate_python(given[name]) for name, a in _SECTIONS.items()}
    store.notify_key = sections["notify"].secret_key
    return create_app(
        store, settings=sections["web"], notify=sections["notify"], furniture=sections["furniture"]
    )


def start_in_thread(
    store: Store,
    host: str,
    port: int,
    settings: Settings | None = None,
) -> Callable[[], None]:
    """Serve in a daemon thread; returns a function that stops the server and waits for it."""
    sock = bind(host, port)
    server = _server(store, host, port, settings or Settings())
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="redline-web", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise ConfigError(f"the web server on {host}:{port} did not start")
        time.sleep(0.01)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

    return stop


def serve_socket(
    store: Store,
    sock: socket.socket,
    host: str,
    port: int,
    settings: Settings | None = None,
) -> None:
    """Serve on an already bound socket until Ctrl-C / SIGTERM (uvicorn handles both,
    finishing requests in flight). With ``workers`` > 1, that many processes share the socket,
    each with its own app and connection pool (one Python process uses one core)."""
    settings = settings or Settings()
    workers = settings.web.workers
    try:
        if workers > 1:
            os.environ[_ENV_URL] = store.engine.url.render_as_string(hide_password=False)
            os.environ[_ENV_SETTINGS] = _sections_json(settings)
            store.close()
            config = _config(
                "redline.web.server:worker_app", host, port, factory=True, workers=workers
            )
            Multiprocess(config, sockets=[sock]).run()
        else:
            _server(store, host, port, settings).run(sockets=[sock])
    finally:
        sock.close()


def _serve_child(
    url: str,
    sock: socket.socket,
    host: str,
    port: int,
    settings: Settings,
) -> None:
    """The web side of `redline run --workers N`, in a process of its own (see start_processes)."""
    logging.basicConfig(level=logging.WARNING)
    serve_socket(Store.open(url, run_migrations=False), sock, host, port, settings)


def start_processes(
    store: Store,
    host: str,
    port: int,
    settings: Settings,
) -> Callable[[], None]:
    """`redline run --workers N`: a child process supervising N web processes on one socket,
    beside the crawler of this one (uvicorn's supervisor needs a main thread of its own, and a
    process per core is the point). Returns a function that stops them and waits."""
    sock = bind(host, port)
    url = store.engine.url.render_as_string(hide_password=False)
    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(
        target=_serve_child,
        name="redline-web",
        args=(url, sock, host, port, settings),
    )
    proc.start()
    sock.close()  # the child has its own copy

    def stop() -> None:
        if proc.is_alive():
            proc.terminate()  # SIGTERM: the supervisor lets requests in flight finish
        proc.join(timeout=15)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)

    return stop


def serve(
    store: Store,
    host: str,
    port: int,
    settings: Settings | None = None,
) -> None:
    """Serve in the foreground until Ctrl-C / SIGTERM."""
    serve_socket(store, bind(host, port), host, port, settings)
