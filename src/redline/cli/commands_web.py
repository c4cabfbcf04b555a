"""`redline serve` (the web interface alone) and `redline run` (crawl loop + web, one process)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

import typer

from redline.cli.env import Env, crawl_until_signalled, out
from redline.errors import ConfigError

Host = Annotated[
    str | None,
    typer.Option("--host", help="Address to listen on, 0.0.0.0 for every interface (web.host)."),
]
Port = Annotated[
    int | None, typer.Option("--port", min=1, max=65535, help="Port to listen on (web.port).")
]
BaseUrl = Annotated[
    str | None,
    typer.Option("--base-url", help="Public address of the web UI, for feed links (web.base_url)."),
]
Workers = Annotated[
    int | None,
    typer.Option("--workers", min=1, max=64, help="Processes answering requests (web.workers)."),
]


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(
    ctx: typer.Context,
    host: Host = None,
    port: Port = None,
    base_url: BaseUrl = None,
    workers: Workers = None,
) -> None:
    """Serve the web interface, JSON API and feeds (Ctrl-C stops)."""
    from redline.web.server import bind, serve_socket

    env: Env = ctx.obj
    settings = env.override("web", host=host, port=port, base_url=_base(base_url), workers=workers)
    host, port = settings.web.host, settings.web.port
    store = env.store()
    sock = bind(host, port)  # a taken port is a one-line error before anything else
    out.print(f"Redline web UI: {_url(host, port)}  (API docs at /api/docs) — Ctrl-C to stop")
    serve_socket(store, sock, host, port, settings)
    out.print("stopped")


def run(
    ctx: typer.Context,
    host: Host = None,
    port: Port = None,
    base_url: BaseUrl = None,
    workers: Workers = None,
) -> None:
    """Crawl continuously and serve the web interface (Ctrl-C stops both): in one process, or
    with --workers N in N more web processes beside the crawler."""
    from redline.crawl import Crawler
    from redline.web.server import start_in_thread, start_processes

    env: Env = ctx.obj
    settings = env.override("web", host=host, port=port, base_url=_base(base_url), workers=workers)
    host, port = settings.web.host, settings.web.port
    store = env.crawling_store()
    if settings.web.workers > 1:
        stop_web = start_processes(store, host, port, settings)
    else:
        stop_web = start_in_thread(store, host, port, settings)
    out.print(f"Redline web UI: {_url(host, port)}  — crawling until Ctrl-C")
    crawler = Crawler(store, env.settings)

    try:
        crawl_until_signalled(crawler)
    finally:
        stop_web()
    out.print("stopped")


def _base(url: str | None) -> str | None:
    """A base URL as given, or a one-line error: it must be absolute http(s)."""
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"--base-url {url!r}: give an absolute http(s) URL, e.g. https://redline.example.org/"
        )
    return url


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(run)
