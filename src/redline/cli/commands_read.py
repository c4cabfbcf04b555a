"""Reading commands: `articles`, `history`, `diff`, `extract`."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from redline.cli.env import Env, human_time, out, print_json
from redline.errors import ConfigError, ExtractionError, FetchError
from redline.serialize import article_json, history_json, iso
from redline.storage.records import ChangeRow


def articles(
    ctx: typer.Context,
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    changed: Annotated[
        bool, typer.Option("--changed", help="Only articles with more than one version.")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many.")] = 1000,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array.")] = False,
) -> None:
    """List tracked articles, newest first (most recently changed first with --changed)."""
    store = ctx.obj.store()
    if source:
        store.get_source(source)
    rows = store.list_articles(source=source, changed=changed, limit=limit)
    if as_json:
        print_json([article_json(a) for a in rows])
        return
    if not rows:
        out.print("no articles yet: add a source and run `redline crawl --once`")
        return
    table = Table("status", "versions", "last changed", "source", box=None)
    table.add_column("title / url", overflow="fold")  # whole URLs: `history URL` takes them
    for a in rows:
        when = f"{a.last_changed:%Y-%m-%d %H:%M}" if a.last_changed else "-"
        table.add_row(
            a.status,
            str(a.version_count),
            when,
            escape(a.source or "-"),
            f"{escape(a.title or '')}\n[dim]{escape(a.url)}[/]",
        )
    out.print(table)


def history(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="Article URL (any variant).")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list cosmetic versions (typo, punctuation fixes).")
    ] = False,
) -> None:
    """Show an article's versions (level, classes, summary) and events. Versions whose only
    change is cosmetic are hidden unless --all (JSON lists everything)."""
    from redline.versions.changes import refresh_changes

    store = ctx.obj.store()
    a = store.require_article(url)
    refresh_changes(store, a.id)  # changes stored by an older diff engine
    versions = store.versions(a.id)
    changes = store.changes(a.id)
    if as_json:
        print_json(history_json(a, versions, changes, store.events(a.id), store.provenance(a.id)))
        return
    out.print(f"[bold]{escape(a.title or a.url)}[/]", highlight=False)
    out.print(
        f"{a.url}\nstatus {a.status}, {a.version_count} version(s), {a.check_count} check(s)",
        markup=False,
    )
    now = datetime.now(UTC)
    nxt = (
        f"next check {human_time(a.next_check, now)}"
        if a.next_check
        else "will not be checked again"
    )
    out.print(nxt)
    hidden = 0
    for v in versions:
        c: ChangeRow | None = changes.get(v.id)
        if c and c.level == "cosmetic" and not show_all:
            hidden += 1
            continue
        line = f"  v{v.number}  {human_time(v.captured_at, now)}  {v.title}"
        if c:
            line += f"\n        [{c.level}] {c.summary}" + ("  (stealth edit)" if c.stealth else "")
            if c.classes:
                line += f"\n        classes: {', '.join(c.classes)}"
        out.print(line, markup=False, highlight=False)
    if hidden:
        out.print(
            f"  ({hidden} cosmetic version{'s' if hidden != 1 else ''} hidden; --all to show)",
            markup=False,
            style="dim",
        )
    for e in store.events(a.id):
        if e.kind != "first_seen":
            out.print(
                f"  event {e.kind} at {human_time(e.at, now)}: {e.detail or ''}", markup=False
            )


def diff(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="Article URL (any variant).")],
    from_: Annotated[
        int | None,
        typer.Option("--from", help="Old version number (default: the one before --to)."),
    ] = None,
    to: Annotated[
        int | None, typer.Option("--to", help="New version number (default: the latest).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Show what changed between two versions of an article."""
    from redline.diff import render_terminal
    from redline.versions.changes import result_between

    store = ctx.obj.store()
    a = store.require_article(url)
    first, last = store.version_span(a.id) or (1, 0)  # first < 1: backfilled versions
    if last - first < 1:
        raise ConfigError(f"{a.url} has {last - first + 1} version(s): nothing to compare yet")
    new_n = last if to is None else to
    old_n = new_n - 1 if from_ is None else from_
    if not (first <= old_n <= last and first <= new_n <= last):
        raise ConfigError(f"version numbers must be between {first} and {last}")
    if old_n >= new_n:
        raise ConfigError(f"--from ({old_n}) must be an older version than --to ({new_n})")
    old, new = store.version(a.id, old_n), store.version(a.id, new_n)
    result, stored = result_between(store, old, new)
    if as_json:  # the shape of GET /api/v1/articles/{id}/diff (docs/api.md)
        print_json(
            {
                "article_id": a.id,
                "url": a.url,
                "from": old_n,
                "to": new_n,
                "stored": stored,
                "change": result.to_dict(),
            }
        )
        return
    out.print(f"[bold]{escape(a.url)}[/]  v{old_n} → v{new_n}", highlight=False)
    out.print(render_terminal(result, marks=not out.is_terminal or out.no_color))


def extract(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(help="Saved HTML files or http(s) URLs.")],
    url: Annotated[
        str | None, typer.Option("--url", help="The page's URL, for saved files (resolves links).")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Use this source's extraction rules.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Extract articles from saved pages or URLs and print exactly what Redline would store."""
    from redline.crawl.checker import rules_for
    from redline.extract import extract as run_extract
    from redline.extract.decode import decode_html
    from redline.fetch.client import Fetcher

    env: Env = ctx.obj
    rules = rules_for(env.store().get_source(source).config) if source else None
    failures = 0

    async def fetch(u: str) -> tuple[bytes, str | None, str]:
        async with Fetcher(env.settings.fetch) as f:
            fr = await f.fetch(u)
        if not fr.ok:
            raise FetchError("http_status", f"{u} answered HTTP {fr.status}", status=fr.status)
        return fr.body, fr.content_type, fr.final_url

    for item in inputs:
        try:
            if item.startswith(("http://", "https://")):
                body, ctype, page_url = asyncio.run(fetch(item))
            else:
                path = Path(item)
                if path.is_dir():
                    raise ConfigError(f"{item} is a directory; give the saved HTML files in it")
                if not path.is_file():
                    raise ConfigError(f"no such file: {item}")
                body, ctype, page_url = path.read_bytes(), None, url or ""
            ext = run_extract(
                decode_html(body, ctype), page_url or None, rules, env.settings.extract
            )
        except (ExtractionError, FetchError, ConfigError) as exc:
            failures += 1
            if as_json:
                print_json({"input": item, "error": str(exc)})
            else:
                out.print(f"{item}: error: {exc}", markup=False)
            continue
        if as_json:
            print_json({"input": item, **ext.to_dict()})
            continue
        out.print(f"[bold]{escape(ext.title)}[/]", highlight=False)
        if ext.standfirst:
            out.print(ext.standfirst, markup=False, style="italic")
        if ext.lead_caption:
            out.print(f"Photo: {ext.lead_caption}", markup=False, style="dim")
        meta = [
            f"by {ext.byline}" if ext.byline else None,
            f"published {iso(ext.published)}" if ext.published else None,
            f"modified {iso(ext.modified)}" if ext.modified else None,
            f"method {ext.method}",
        ]
        out.print(" · ".join(m for m in meta if m), markup=False)
        out.print(ext.text + "\n", markup=False)
    if failures:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(articles)
    app.command()(history)
    app.command()(diff)
    app.command()(extract)


__all__ = ["register"]
