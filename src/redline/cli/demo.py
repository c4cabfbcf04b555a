"""`redline demo`: the simulated newsroom, tracked on a fast schedule, with the web UI if present."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from redline.cli.env import Env, crawl_until_signalled, out
from redline.crawl import Crawler
from redline.frontier.schedule import SchedulePolicy
from redline.settings import CrawlSettings, FetchSettings, Settings
from redline.sources.model import SourceConfig
from redline.storage import Store

# One simulated hour passes in ten seconds: edits made every ~30 s show up within a minute.
DEMO_SCALE = 10 / 3600


def demo_source(base_url: str) -> SourceConfig:
    return SourceConfig(
        name="newsroom", feeds=(f"{base_url}/rss.xml", f"{base_url}/atom.xml"),
        sitemaps=(f"{base_url}/sitemap.xml",), homepage=f"{base_url}/", delay=0.0, concurrency=8,
        allow_private=True, schedule=SchedulePolicy.default().scaled(DEMO_SCALE),
        discover_every=None,
    )  # fmt: skip


def demo(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", help="Port of the web UI.")] = 8000,
    news_port: Annotated[
        int, typer.Option("--news-port", help="Port of the simulated newsroom (0: any).")
    ] = 0,
    articles: Annotated[
        int, typer.Option("--articles", min=1, help="Articles in the simulated newsroom.")
    ] = 12,
    advance_every: Annotated[
        float, typer.Option("--advance-every", help="Seconds between scripted edit rounds.")
    ] = 30.0,
    keep: Annotated[
        bool, typer.Option("--keep", help="Use --data-dir instead of a temporary directory.")
    ] = False,
) -> None:
    """Run the simulated newsroom and track it live (Ctrl-C stops)."""
    from redline.testing.newsroom import Newsroom, run_auto_advance, serve_newsroom

    env: Env = ctx.obj
    tmp = None if keep or env.database_url else tempfile.TemporaryDirectory(prefix="redline-demo-")
    data_dir = Path(tmp.name) if tmp else env.data_dir
    store = Store.open(env.database_url or f"sqlite:///{data_dir / 'redline.sqlite3'}")
    room = Newsroom(n_articles=articles, random_edits_after_script=True)
    settings = Settings(
        fetch=FetchSettings(retries=0, timeout=5.0),
        crawl=CrawlSettings(discover_every=timedelta(seconds=5), max_sleep=2.0),
    )
    with serve_newsroom(room, port=news_port) as base_url:
        store.save_source(demo_source(base_url), datetime.now(UTC))
        stop_advance = run_auto_advance(room, advance_every)
        out.print(f"simulated newsroom: {base_url}/  (edits every {advance_every:g}s)")
        web = _start_web(store, port)
        if web:
            out.print(f"Redline web UI:     http://127.0.0.1:{port}/")
        kept = "kept" if not tmp else "deleted when the demo stops; --keep keeps it"
        out.print(f"data: {data_dir} ({kept})   — Ctrl-C to stop")
        crawler = Crawler(store, settings)

        try:
            crawl_until_signalled(crawler)
        finally:
            stop_advance()
            if web:
                web()
            store.close()
            if tmp:
                with contextlib.suppress(OSError):
                    tmp.cleanup()
    out.print("demo stopped")


def _start_web(store: Store, port: int) -> Callable[[], None] | None:
    """Start the web UI in a thread if the web package exists; returns a stop function."""
    try:
        from redline.web.server import start_in_thread
    except ImportError:
        return None
    return start_in_thread(store, "127.0.0.1", port)
