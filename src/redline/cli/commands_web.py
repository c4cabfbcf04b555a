"""`redline serve` (the web interface alone) and `redline run` (crawl loop + web, one process)."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.env import Env, crawl_until_signalled, out

Host = Annotated[
    str | None,
    typer.Option("--host", help="Address to listen on, 0.0.0.0 for every interface (web.host)."),
]
Port = Annotated[
    int | None, typer.Option("--port", min=1, max=65535, help="Port to listen on (web.port).")
]


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(ctx: typer.Context, host: Host = None, port: Port = None) -> None:
    """Serve the web interface, JSON API and feeds (Ctrl-C stops)."""
    from redline.web.server import bind, serve_socket

    env: Env = ctx.obj
    web = env.override("web", host=host, port=port).web
    host, port = web.host, web.port
    store = env.store()
    sock = bind(host, port)  # a taken port is a one-line error before anything else
    out.print(f"Redline web UI: {_url(host, port)}  (API docs at /api/docs) — Ctrl-C to stop")
    serve_socket(store, sock, host, port)
    out.print("stopped")


def run(ctx: typer.Context, host: Host = None, port: Port = None) -> None:
    """Crawl continuously and serve the web interface, in one process (Ctrl-C stops both)."""
    from redline.crawl import Crawler
    from redline.web.server import start_in_thread

    env: Env = ctx.obj
    web = env.override("web", host=host, port=port).web
    host, port = web.host, web.port
    store = env.store()
    stop_web = start_in_thread(store, host, port)
    out.print(f"Redline web UI: {_url(host, port)}  — crawling until Ctrl-C")
    crawler = Crawler(store, env.settings)

    try:
        crawl_until_signalled(crawler)
    finally:
        stop_web()
    out.print("stopped")


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(run)
