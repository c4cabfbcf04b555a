"""`redline export warc|wacz`, `redline verify` and `redline backfill` (docs/archive.md)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from redline.cli.env import Env, err, out
from redline.dates import parse_date
from redline.errors import ConfigError
from redline.storage import ArchiveFilter, Store

export_app = typer.Typer(help="Export the WARC records of captures.", no_args_is_help=True)

SourceOpt = Annotated[str | None, typer.Option("--source", help="Only this source's articles.")]
ArticleOpt = Annotated[str | None, typer.Option("--article", help="Only this article (any URL).")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Only records from this date on.")]


def _date(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    d = parse_date(value)
    if d is None:
        raise ConfigError(f"{name}: not a date: {value!r} (use e.g. 2024-05-01)")
    return d


def _filter(
    store: Store, source: str | None, article: str | None, since: str | None
) -> ArchiveFilter:
    return ArchiveFilter(
        article_id=store.require_article(article).id if article else None,
        source_id=store.get_source(source).id if source else None,
        since=_date(since, "--since"),
    )


def _progress() -> Progress:
    """A progress bar on a terminal (stderr); nothing when piped."""
    return Progress(console=err, transient=True, disable=not err.is_terminal)


def _export(
    ctx: typer.Context,
    kind: str,
    out_path: Path,
    source: str | None,
    article: str | None,
    since: str | None,
) -> None:
    """One export, WARC or WACZ: the filter, a progress bar, the summary line."""
    from redline.archive.export import write_wacz, write_warc_file

    write = write_wacz if kind == "wacz" else write_warc_file
    store: Store = ctx.obj.store()
    f = _filter(store, source, article, since)
    if not out_path.parent.is_dir():
        raise ConfigError(f"--out: no directory {out_path.parent}: create it or write elsewhere")
    if out_path.is_dir():
        raise ConfigError(f"--out: {out_path} is a directory: give the file to write")
    total = store.count_warc_records(f)
    try:
        with _progress() as progress:
            task = progress.add_task("exporting records", total=total)
            stats = write(store, f, out_path, lambda n: progress.advance(task, n))
    except OSError as exc:  # permissions, a full disk ...
        raise ConfigError(f"--out: cannot write {out_path}: {exc.strerror or exc}") from exc
    size = out_path.stat().st_size
    out.print(f"{out_path}: {stats.records:,} records, {stats.captures:,} captures, {size:,} bytes")


OutOpt = Annotated[Path, typer.Option("--out", help="The file to write (.warc.gz or .wacz).")]


def _export_command(kind: str, doc: str) -> None:
    def command(
        ctx: typer.Context,
        out_path: OutOpt,
        source: SourceOpt = None,
        article: ArticleOpt = None,
        since: SinceOpt = None,
    ) -> None:
        _export(ctx, kind, out_path, source, article, since)

    command.__doc__ = doc
    export_app.command(kind)(command)


_export_command(
    "warc", "Write the stored WARC records (request, response, revisit) as one .warc.gz."
)
_export_command(
    "wacz", "Write a WACZ 1.1 package (WARC, CDXJ index, pages.jsonl, datapackage.json)."
)


def verify(ctx: typer.Context, source: SourceOpt = None, article: ArticleOpt = None) -> None:
    """Recompute the stored digests (raw pages, WARC payload and block digests); exit 1 on any
    mismatch."""
    from redline.archive.verify import verify as run

    store: Store = ctx.obj.store()
    f = _filter(store, source, article, None)
    bad = checked = 0
    with _progress() as progress:
        task = progress.add_task("verifying digests", total=None)

        def tick(n: int) -> None:
            nonlocal checked
            checked += n
            progress.advance(task, n)

        for m in run(store, f, tick):
            bad += 1
            out.print(f"MISMATCH {m.what} {m.ref}: {m.detail}", markup=False)
    out.print(f"checked {checked:,} pages and records: {bad} mismatch(es)")
    if bad:
        raise typer.Exit(1)


def backfill(
    ctx: typer.Context,
    url: Annotated[str | None, typer.Argument(help="Article URL (any variant).")] = None,
    source: SourceOpt = None,
    archive: Annotated[
        str | None,
        typer.Option(
            "--archive", help="Wayback-compatible archive base URL (default: the Internet Archive)."
        ),
    ] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="Only mementos from this date on.")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Only mementos up to this date.")] = None,
) -> None:
    """Add an article's versions from before tracking began, from a web archive."""
    from redline.archive.backfill import BackfillStats, Judged, WaybackClient, backfill_article
    from redline.crawl.learned import LearnedCache
    from redline.furniture.policy import vetoed_keys

    env: Env = ctx.obj
    store = env.store()
    if (url is None) == (source is None):
        raise ConfigError("give an article URL or --source, not both")
    since, until = _date(from_, "--from"), _date(to, "--to")
    if url:
        articles = [store.require_article(url)]
    else:
        store.get_source(source or "")
        articles = []
        before = None
        while page := store.list_articles(source=source, limit=1000, before=before):
            articles += page
            before = (page[-1].first_seen, page[-1].id)
    settings = env.settings.archive
    total = BackfillStats()
    learned = LearnedCache(env.settings.furniture)
    sources = {row.id: row for row in store.list_sources()}

    async def main() -> None:
        client = WaybackClient(archive or settings.wayback_base, settings)
        try:
            with _progress() as progress:
                task = progress.add_task("mementos", total=0)

                def hook(kind: str, n: int) -> None:
                    if kind == "todo":
                        progress.update(task, total=(progress.tasks[0].total or 0) + n)
                    else:
                        progress.advance(task, n)

                for a in articles:
                    source = sources.get(a.source_id) if a.source_id is not None else None
                    judged = Judged(
                        learned.rules(store, source, a.title),
                        learned.policy,
                        learn=env.settings.furniture.learn and source is not None,
                        veto=vetoed_keys(source.config.furniture_veto) if source else frozenset(),
                    )
                    total.add(
                        await backfill_article(
                            store, client, a, judged=judged, since=since, until=until, progress=hook
                        )
                    )
        finally:
            total.requests = client.requests
            await client.aclose()

    asyncio.run(main())
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(total.skipped.items())) or "none"
    out.print(
        f"{len(articles)} article(s): {total.seen} captures seen, {total.fetched} fetched, "
        f"{total.kept} kept; {total.requests} requests; skipped: {skipped}",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
    app.command()(verify)
    app.command()(backfill)
