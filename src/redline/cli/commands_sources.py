"""`redline source add|list|remove` and `redline sources load|list`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from redline.cli.env import Env, err, out, print_json
from redline.errors import ConfigError
from redline.serialize import source_json
from redline.sources import SourceConfig, load_sources_file
from redline.sources.edit import merge, parse_schedule
from redline.storage.browse import source_summaries
from redline.web.wording import changed_since

source_app = typer.Typer(help="Add, list and remove sources (news outlets).", no_args_is_help=True)
sources_app = typer.Typer(help="Load sources from a TOML file.", no_args_is_help=True)


# The options `source add` and `source edit` share: one declaration each. On edit, an option
# not given leaves the value as it was, and a list given replaces the old one ('' clears it).
Feeds = Annotated[
    list[str] | None,
    typer.Option("--feed", help="RSS/Atom feed URL (repeatable; edit: replaces, '' clears)."),
]
Sitemaps = Annotated[
    list[str] | None,
    typer.Option("--sitemap", help="Sitemap URL (repeatable; edit: replaces, '' clears)."),
]
Homepage = Annotated[
    str | None,
    typer.Option("--homepage", help="Homepage to scan for article links (edit: '' clears)."),
]
Includes = Annotated[
    list[str] | None,
    typer.Option("--include", help="Only article URLs matching this regex (repeatable)."),
]
Excludes = Annotated[
    list[str] | None,
    typer.Option("--exclude", help="Skip article URLs matching this regex (repeatable)."),
]
Delay = Annotated[
    float | None, typer.Option("--delay", help="Seconds between requests to one host.")
]
Concurrency = Annotated[
    int | None, typer.Option("--concurrency", help="Requests in flight to one host.")
]
AllowPrivate = Annotated[
    bool | None,
    typer.Option(
        "--allow-private/--no-allow-private",
        help="Allow local/private addresses (test sites; add: off unless given).",
    ),
]
RespectRobots = Annotated[
    bool | None,
    typer.Option(
        "--respect-robots/--ignore-robots", help="Obey robots.txt (add: on unless given)."
    ),
]
Schedule = Annotated[
    str | None,
    typer.Option("--schedule", help="Check tiers as age=interval, e.g. '3h=15m, 1d=1h'."),
]
DiscoverEvery = Annotated[
    str | None, typer.Option("--discover-every", help="How often to poll, e.g. '10m'.")
]
StripParams = Annotated[
    list[str] | None,
    typer.Option("--strip-param", help="Tracking query parameter (repeatable)."),
]


@source_app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Short name, e.g. 'guardian'.")],
    feed: Feeds = None,
    sitemap: Sitemaps = None,
    homepage: Homepage = None,
    include: Includes = None,
    exclude: Excludes = None,
    delay: Delay = None,
    concurrency: Concurrency = None,
    allow_private: AllowPrivate = None,
    respect_robots: RespectRobots = None,
    schedule: Schedule = None,
    discover_every: DiscoverEvery = None,
    strip_param: StripParams = None,
) -> None:
    """Add a source."""
    env: Env = ctx.obj
    d = {
        "name": name,
        "feeds": feed or [],
        "sitemaps": sitemap or [],
        "homepage": homepage,
        "include": include or [],
        "exclude": exclude or [],
        "delay": delay,
        "concurrency": concurrency,
        "allow_private": bool(allow_private),
        "respect_robots": respect_robots is not False,
        "schedule": parse_schedule(schedule) if schedule else None,
        "discover_every": discover_every,
        "strip_params": strip_param or [],
    }
    cfg = SourceConfig.from_dict({k: v for k, v in d.items() if v is not None})
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
                    paused=s.source.paused,
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
            c.name + (" (paused)" if s.source.paused else ""),
            str(len(c.feeds)),
            str(len(c.sitemaps)),
            c.homepage or "",
            str(s.articles),
            str(s.changed),
            str(s.deleted),
        )
    out.print(table)


@source_app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """List sources with their article counts."""
    _list(ctx.obj, as_json)


@source_app.command("edit")
def edit(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The source to change.")],
    feed: Feeds = None,
    sitemap: Sitemaps = None,
    homepage: Homepage = None,
    include: Includes = None,
    exclude: Excludes = None,
    delay: Delay = None,
    concurrency: Concurrency = None,
    allow_private: AllowPrivate = None,
    respect_robots: RespectRobots = None,
    schedule: Schedule = None,
    discover_every: DiscoverEvery = None,
    strip_param: StripParams = None,
) -> None:
    """Change a source: only the options given; lists given replace the old ones."""
    changes: dict[str, object] = {
        "feeds": _list_option(feed),
        "sitemaps": _list_option(sitemap),
        "homepage": homepage,
        "include": _list_option(include),
        "exclude": _list_option(exclude),
        "delay": delay,
        "concurrency": concurrency,
        "allow_private": allow_private,
        "respect_robots": respect_robots,
        "schedule": None if schedule is None else (parse_schedule(schedule) or []),
        "discover_every": discover_every,
        "strip_params": _list_option(strip_param),
    }
    given = {k: v for k, v in changes.items() if v is not None}
    if not given:
        raise ConfigError("nothing to change: give at least one option (see --help)")
    store = ctx.obj.store()
    cfg = merge(store.get_source(name).config, given)
    store.update_source(cfg, datetime.now(UTC))
    out.print(f"updated source {name}: {', '.join(sorted(given))}")


def _list_option(values: list[str] | None) -> list[str] | None:
    """A repeatable option: None when not given; [''] (an empty value) clears the list."""
    if values is None:
        return None
    return [v for v in values if v]


@source_app.command("pause")
def pause(ctx: typer.Context, name: str) -> None:
    """Stop discovering a source and checking its articles (until `source resume`)."""
    ctx.obj.store().set_paused(name, True, datetime.now(UTC))
    out.print(f"paused source {name}: no discovery, no checks until `redline source resume {name}`")


@source_app.command("resume")
def resume(ctx: typer.Context, name: str) -> None:
    """Discover a paused source again and check its articles."""
    ctx.obj.store().set_paused(name, False, datetime.now(UTC))
    out.print(f"resumed source {name}")


@source_app.command("show")
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The source's name.")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Show a source: its configuration and its furniture rules (from the sources file and
    learned), each with how often it fired."""
    from redline.serialize import furniture_rules_json

    store = ctx.obj.store()
    row = store.get_source(name)
    learned = store.furniture_rules(row.id, ctx.obj.settings.furniture.min_articles)
    rules = furniture_rules_json(row.config, learned)
    if as_json:
        print_json({**source_json(row.config), "furniture_rules": rules})
        return
    c = row.config
    out.print(f"source {c.name}", markup=False)
    for key in ("feeds", "sitemaps", "include", "exclude"):
        for value in getattr(c, key):
            out.print(f"  {key[:-1] if key.endswith('s') else key}: {value}", markup=False)
    if c.homepage:
        out.print(f"  homepage: {c.homepage}", markup=False)
    if not rules:
        out.print("no furniture rules yet (they are learned as articles are checked)")
        return
    table = Table("kind", "origin", "action", "articles", "fired", "text or selector", box=None)
    for r in rules:
        table.add_row(
            r["kind"],
            r["origin"],
            r["action"],
            str(r.get("articles", "")),
            str(r.get("fired", "")),
            escape(str(r.get("sample") or r["key"])[:100]),
        )
    out.print(table)


@source_app.command("remove")
def remove(ctx: typer.Context, name: str) -> None:
    """Remove a source. Its articles and versions are kept."""
    kept = ctx.obj.store().remove_source(name)
    out.print(f"removed source {name} ({kept} articles kept, no longer checked for new links)")


@sources_app.command("load")
def load(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(help="TOML file with \\[\\[source]] tables (see sources.example.toml)."),
    ],
) -> None:
    """Add or update every source in a TOML file (all validated before any is stored)."""
    sources = load_sources_file(file)
    store = ctx.obj.store()
    now = datetime.now(UTC)
    for cfg in sources:
        _, created = store.save_source(cfg, now)
        out.print(f"{'added' if created else 'updated'} source {cfg.name}", markup=False)
        if not cfg.has_discovery:
            err.print(
                f"warning: source {cfg.name!r} in {file} has no feeds, sitemaps or homepage: "
                "nothing will be discovered for it; add articles with `redline check URL`",
                markup=False,
            )


@sources_app.command("list")
def sources_list(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """List sources (same as `redline source list`)."""
    _list(ctx.obj, as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(source_app, name="source")
    app.add_typer(sources_app, name="sources")
