"""`redline source add|list|remove` and `redline sources load|list`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from redline.cli.env import Env, out, print_json
from redline.serialize import source_json
from redline.sources import SourceConfig, load_sources_file
from redline.storage.browse import source_summaries
from redline.web.wording import changed_since

source_app = typer.Typer(help="Add, list and remove sources (news outlets).", no_args_is_help=True)
sources_app = typer.Typer(help="Load sources from a TOML file.", no_args_is_help=True)


@source_app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Short name, e.g. 'guardian'.")],
    feed: Annotated[
        list[str] | None, typer.Option("--feed", help="RSS/Atom feed URL (repeatable).")
    ] = None,
    sitemap: Annotated[
        list[str] | None, typer.Option("--sitemap", help="Sitemap URL (repeatable).")
    ] = None,
    homepage: Annotated[
        str | None, typer.Option("--homepage", help="Homepage to scan for article links.")
    ] = None,
    include: Annotated[
        list[str] | None, typer.Option("--include", help="Only article URLs matching this regex.")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Skip article URLs matching this regex.")
    ] = None,
    delay: Annotated[
        float | None, typer.Option("--delay", help="Seconds between requests to one host.")
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", help="Requests in flight to one host.")
    ] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow local/private addresses (test sites).")
    ] = False,
) -> None:
    """Add a source."""
    env: Env = ctx.obj
    cfg = SourceConfig(
        name=name, feeds=tuple(feed or ()), sitemaps=tuple(sitemap or ()), homepage=homepage,
        include=tuple(include or ()), exclude=tuple(exclude or ()), delay=delay, concurrency=concurrency,
        allow_private=allow_private,
    )  # fmt: skip
    if not cfg.has_discovery:
        out.print(
            f"note: {name} has no feed, sitemap or homepage; add articles with `redline check URL`"
        )
    env.store().add_source(cfg, datetime.now(UTC))
    out.print(f"added source {name}")


def _list(env: Env, as_json: bool) -> None:
    """The same counts as the web's /sources and /api/v1/sources (changes in the last 24 h)."""
    summaries = source_summaries(env.store(), changed_since(datetime.now(UTC)))
    if as_json:
        print_json(
            [
                source_json(
                    s.source.config,
                    {"articles": s.articles, "changed": s.changed, "deleted": s.deleted},
                )
                for s in summaries
            ]
        )
        return
    if not summaries:
        out.print(
            "no sources yet: `redline source add NAME --feed URL` or `redline sources load FILE`"
        )
        return
    table = Table()
    table.add_column("name", no_wrap=True)  # whole names: `source remove NAME` takes them
    for title in ("feeds", "sitemaps"):
        table.add_column(title)
    table.add_column("homepage", overflow="fold")
    for title in ("articles", "changed today", "deleted"):
        table.add_column(title)
    for s in summaries:
        c = s.source.config
        table.add_row(
            c.name, str(len(c.feeds)), str(len(c.sitemaps)), c.homepage or "",
            str(s.articles), str(s.changed), str(s.deleted),
        )  # fmt: skip
    out.print(table)


@source_app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """List sources with their article counts."""
    _list(ctx.obj, as_json)


@source_app.command("remove")
def remove(ctx: typer.Context, name: str) -> None:
    """Remove a source. Its articles and versions are kept."""
    kept = ctx.obj.store().remove_source(name)
    out.print(f"removed source {name} ({kept} articles kept, no longer checked for new links)")


@sources_app.command("load")
def load(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="TOML file with [[source]] tables.")],
) -> None:
    """Add or update every source in a TOML file (all validated before any is stored)."""
    sources = load_sources_file(file)
    store = ctx.obj.store()
    now = datetime.now(UTC)
    for cfg in sources:
        _, created = store.save_source(cfg, now)
        out.print(f"{'added' if created else 'updated'} source {cfg.name}")


@sources_app.command("list")
def sources_list(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """List sources (same as `redline source list`)."""
    _list(ctx.obj, as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(source_app, name="source")
    app.add_typer(sources_app, name="sources")
