"""`redline demo`: the simulated newsroom, tracked on the demo's own fast schedule, with the web UI.

The demo exists to show a newcomer every kind of change within minutes, so it does not reuse the
news schedule (which rightly checks a day-old article rarely): every article is re-checked every
``demo.check_every`` seconds, faster than the newsroom's edit rounds (``demo.advance_every``), so
each round becomes its own version, and the newsroom plays DEMO_SCRIPT, which has every kind of
edit, deletion and redirect in its first five rounds.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from redline.cli.env import Env, crawl_until_signalled, out, prepare_data_dir
from redline.crawl import Crawler
from redline.frontier.schedule import SchedulePolicy
from redline.settings import DemoSettings, Settings
from redline.sources.model import SourceConfig
from redline.storage import Store

NEVER_OLD = timedelta(days=3650)  # one tier: in the demo no article is ever too old to check


def demo_source(base_url: str, demo: DemoSettings) -> SourceConfig:
    return SourceConfig(
        name="newsroom",
        feeds=(f"{base_url}/rss.xml", f"{base_url}/atom.xml"),
        sitemaps=(f"{base_url}/sitemap.xml",),
        homepage=f"{base_url}/",
        delay=0.0,
        concurrency=8,
        allow_private=True,
        schedule=SchedulePolicy(tiers=((NEVER_OLD, demo.check_every),), jitter=0.0),
        discover_every=demo.discover_every,
    )


def demo_settings(settings: Settings) -> Settings:
    """The operator's settings with what a local demo needs: no retries or politeness delays
    against its own newsroom, short sleeps between rounds."""
    return settings.model_copy(
        update={
            "fetch": replace(settings.fetch, retries=0, timeout=5.0, per_host_delay=0.0),
            "crawl": replace(
                settings.crawl,
                discover_every=settings.demo.discover_every,
                max_sleep=min(2.0, settings.demo.check_every.total_seconds() / 2),
            ),
        }
    )


def demo(
    ctx: typer.Context,
    port: Annotated[
        int | None, typer.Option("--port", help="Port of the web UI (demo.port).")
    ] = None,
    news_port: Annotated[
        int, typer.Option("--news-port", help="Port of the simulated newsroom (0: any).")
    ] = 0,
    articles: Annotated[
        int | None,
        typer.Option(
            "--articles", min=1, help="Articles in the simulated newsroom (demo.articles)."
        ),
    ] = None,
    advance_every: Annotated[
        float | None,
        typer.Option(
            "--advance-every", help="Seconds between scripted edit rounds (demo.advance_every)."
        ),
    ] = None,
    keep: Annotated[
        bool, typer.Option("--keep", help="Use --data-dir instead of a temporary directory.")
    ] = False,
) -> None:
    """Run the simulated newsroom and track it live (Ctrl-C stops)."""
    from redline.testing.newsroom import DEMO_SCRIPT, Newsroom, run_auto_advance, serve_newsroom

    env: Env = ctx.obj
    settings = env.override("demo", port=port, articles=articles, advance_every=advance_every)
    d = settings.demo
    tmp = None if keep or env.database_url else tempfile.TemporaryDirectory(prefix="redline-demo-")
    data_dir = Path(tmp.name) if tmp else env.data_dir
    if not tmp and not env.database_url:
        prepare_data_dir(data_dir)
    store = Store.open(env.database_url or f"sqlite:///{data_dir / 'redline.sqlite3'}")
    room = Newsroom(n_articles=d.articles, script=DEMO_SCRIPT, random_edits_after_script=True)
    with serve_newsroom(room, port=news_port) as base_url:
        store.save_source(demo_source(base_url, d), datetime.now(UTC))
        stop_advance = run_auto_advance(room, d.advance_every)
        out.print(
            f"simulated newsroom: {base_url}/  (edits every {d.advance_every:g}s; "
            f"every article re-checked every {d.check_every.total_seconds():g}s)"
        )
        web = _start_web(store, d.port)
        if web:
            out.print(f"Redline web UI:     http://127.0.0.1:{d.port}/")
        kept = "kept" if not tmp else "deleted when the demo stops; --keep keeps it"
        out.print(f"data: {data_dir} ({kept})   — Ctrl-C to stop")
        crawler = Crawler(store, demo_settings(settings))

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
