"""`redline crawl`, `redline check URL` and `redline demo`."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from redline.cli.env import Env, crawl_until_signalled, deliver_due, err, out, print_json
from redline.crawl import Crawler, CrawlSummary
from redline.errors import FetchError
from redline.frontier.urls import canonicalize_url
from redline.storage import SourceRow, Store
from redline.vocabulary import Outcome

SHOWN_ERRORS = 10
FAILED = (Outcome.ERROR, Outcome.MISSING)  # outcomes after which `redline check` exits 1


def _progress(show: bool) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} checked"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not show,
    )


def crawl(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="One round, then exit.")] = False,
    all_: Annotated[
        bool, typer.Option("--all", help="Check every live article now, due or not.")
    ] = False,
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
) -> None:
    """Discover new articles and check every article that is due."""
    env: Env = ctx.obj
    store = env.crawling_store()
    if source:
        store.get_source(source)  # a clear error for an unknown name
    crawler = Crawler(store, env.settings)
    if once or all_:
        show = sys.stderr.isatty()
        with _progress(show) as progress:
            task = progress.add_task("crawling", total=None)

            def hook(_phase: str, done: int, _total: int) -> None:
                progress.update(task, completed=done)

            summary = asyncio.run(crawler.run_once(source=source, all_live=all_, progress=hook))
        deliver_due(store, env.settings)
        _print_summary(summary)
        return
    out.print("crawling until Ctrl-C (summaries per round below)")
    _run_forever(crawler, source)


def _print_summary(summary: CrawlSummary) -> None:
    """The one-line summary and the first discovery errors; exit 1 when the round did nothing
    but fail (every source unreachable), so scripts and cron notice."""
    out.print(summary.line())
    shown = summary.discovery_errors[:SHOWN_ERRORS]
    for e in shown:
        err.print(f"  discovery error: {e}", markup=False)
    if len(summary.discovery_errors) > len(shown):
        more = len(summary.discovery_errors) - len(shown)
        err.print(f"  … and {more} more discovery error(s); `redline status` lists them all")
    if (
        summary.errors
        and not summary.discovered
        and summary.checked == summary.outcomes[Outcome.ERROR]
    ):
        raise typer.Exit(1)


def _run_forever(crawler: Crawler, source: str | None) -> None:
    crawl_until_signalled(crawler, source=source)
    out.print("stopped")


def _source_for(store: Store, url: str) -> SourceRow | None:
    return next((row for row in store.list_sources() if row.config.covers(url)), None)


def check(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="Article URL (any variant).")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Fetch one article now (adding it if unknown) and say what happened."""
    env: Env = ctx.obj
    store = env.store()
    canonicalize_url(url)  # clear error for a malformed URL before anything is stored
    now = datetime.now(UTC)
    article = store.find_article(url)
    src = _source_for(store, url) if article is None else None
    added = article is None
    if article is None:
        article, _ = store.add_article(url, src.id if src else None, now)
    result = asyncio.run(Crawler(store, env.settings).check_one(article))
    failed = result.outcome in FAILED
    if added and failed and store.get_article(article.id).version_count == 0:
        store.forget_article(article.id)  # a URL that never loaded is not a story to track
        raise FetchError(
            result.outcome,
            f"{url}: {result.reason or result.outcome}; nothing was added (check the URL)",
        )
    # A merge deletes the record just checked: the URL now leads to the article it joined.
    final = store.find_article(url) if result.outcome == Outcome.MERGED else None
    final = final or store.get_article(article.id)
    if as_json:
        print_json(
            {
                **asdict(result),
                "article": final.url,
                "status": final.status,
                "version_count": final.version_count,
            }
        )
        if failed:
            raise typer.Exit(1)
        return
    line = str(result.outcome)
    if result.outcome == Outcome.MERGED:
        line += f" into {final.url}"
    elif result.version:
        line += f": version {result.version}"
    for extra in (result.summary, None if result.outcome == Outcome.MERGED else result.reason):
        if extra:
            line += f" ({extra})"
    out.print(line, markup=False)
    nxt = (
        f"next check {final.next_check:%Y-%m-%d %H:%M %Z}"
        if final.next_check
        else "will not be checked again"
    )
    out.print(
        f"{final.url}  status {final.status}, {final.version_count} version(s), {nxt}", markup=False
    )
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(crawl)
    app.command()(check)
    from redline.cli.demo import demo

    app.command()(demo)
