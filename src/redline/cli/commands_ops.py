"""Operations: `redline worker` (one of many crawl processes), `redline status`, `redline rediff`
and API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from redline.cli.env import Env, crawl_until_signalled, err, human_time, out, print_json
from redline.crawl import Crawler
from redline.crawl.health import WorkerHealth, judge_worker
from redline.serialize import iso


def worker(
    ctx: typer.Context,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency",
            min=1,
            help="Checks in flight in this worker (fetch.global_concurrency).",
        ),
    ] = None,
    metrics_port: Annotated[
        int | None, typer.Option("--metrics-port", help="Serve Prometheus metrics on this port.")
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    lease: Annotated[
        float | None,
        typer.Option(
            "--lease", min=1, help="Seconds a claimed article stays reserved (crawl.lease)."
        ),
    ] = None,
    metrics_host: Annotated[
        str | None,
        typer.Option(
            "--metrics-host", help="Address the metrics port listens on (worker.metrics_host)."
        ),
    ] = None,
    heartbeat: Annotated[
        float | None,
        typer.Option(
            "--heartbeat",
            min=0.1,
            help="Seconds between heartbeats, `redline status` (crawl.heartbeat_every).",
        ),
    ] = None,
) -> None:
    """Run one crawl worker; start any number against one PostgreSQL database.

    Workers claim due articles and sources with leases, so they never check the same article at
    once; SIGTERM/SIGINT stop discovery at once, give in-flight checks a short grace and release
    every lease; a second signal exits immediately.
    """
    env: Env = ctx.obj
    store = env.crawling_store()
    env.override("fetch", global_concurrency=concurrency)
    env.override("crawl", lease=lease, heartbeat_every=heartbeat)
    settings = env.override("worker", metrics_host=metrics_host)
    metrics_host = settings.worker.metrics_host
    crawler = Crawler(store, settings)
    if metrics_port:
        from prometheus_client import start_http_server

        from redline.errors import ConfigError

        try:
            start_http_server(metrics_port, addr=metrics_host)
        except OSError as exc:
            raise ConfigError(
                f"cannot serve metrics on {metrics_host}:{metrics_port}: {exc.strerror or exc}"
            ) from exc
        out.print(f"metrics on http://{metrics_host}:{metrics_port}/metrics")

    out.print(
        f"worker {crawler.worker_id} started (concurrency {settings.fetch.global_concurrency})"
    )
    crawl_until_signalled(crawler, source=source, prefix=f"{crawler.worker_id} ")
    out.print(f"worker {crawler.worker_id} stopped")


def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Show the frontier (due, overdue, leased per source), recent workers and error rates."""
    store = ctx.obj.store()
    now = datetime.now(UTC)
    frontier = store.frontier_status(now, timedelta(minutes=15))
    lease = ctx.obj.settings.crawl.lease
    workers = [
        {**w, "health": judge_worker(w["started_at"], w.get("last_progress"), now, lease)}
        for w in store.workers_seen(now - timedelta(minutes=10))
    ]
    counts = store.capture_counts(now - timedelta(hours=1))
    failing = store.discovery_errors()
    notify = [
        {
            "name": n["name"],
            "pending": n["pending"],
            "failed": n["failed"],
            "failing_since": iso(n["failing_since"]),
            "last_error": n["last_error"],
        }
        for n in store.subscription_health()
    ]
    total = sum(counts.values())
    data = {
        "at": iso(now),
        "frontier": [{**f, "next_due": iso(f["next_due"])} for f in frontier],
        "workers": [
            {
                **w,
                "started_at": iso(w["started_at"]),
                "last_seen": iso(w["last_seen"]),
                "last_check": iso(w.get("last_check")),
                "last_progress": iso(w.get("last_progress")),
                "health": str(w["health"].health),
                "seconds_without_progress": round(w["health"].idle_for.total_seconds()),
            }
            for w in workers
        ],
        "discovery_errors": [{**d, "at": iso(d["at"])} for d in failing],
        "notifications": notify,
        "last_hour": {
            "captures": total,
            "by_outcome": counts,
            "error_rate": round(counts.get("error", 0) / total, 4) if total else 0.0,
        },
    }
    if as_json:
        print_json(data)
        return
    table = Table(
        "source",
        "articles",
        "due",
        "overdue",
        "leased",
        "never again",
        "deleted",
        "next due",
        box=None,
    )
    for f in frontier:
        nd = f"{f['next_due']:%Y-%m-%d %H:%M}" if f["next_due"] else "-"
        table.add_row(
            (f["source"] or "(none)") + (" (paused)" if f["paused"] else ""),
            *(str(f[k]) for k in ("articles", "due", "overdue", "leased", "never", "deleted")),
            nd,
        )
    out.print(table)
    out.print(f"workers seen in the last 10 min: {len(workers)}")
    for w in workers:
        last_check = f"{w['last_check']:%H:%M:%S}" if w.get("last_check") else "never"
        verdict = w["health"]
        flag = (
            f"  STUCK: no progress for {int(verdict.idle_for.total_seconds())}s"
            if verdict.health == WorkerHealth.STUCK
            else ""
        )
        out.print(
            f"  {w['id']}  last seen {w['last_seen']:%H:%M:%S}  last check {last_check}  "
            f"checks {w['checks']}  errors {w['errors']}{flag}",
            markup=False,
        )
    if failing:
        out.print(f"discovery errors (last poll of each feed, sitemap or homepage): {len(failing)}")
        for d in failing[:20]:
            out.print(f"  {d['source']}  {d['kind']}  {d['url']}: {d['error']}", markup=False)
    if notify:
        pending = sum(n["pending"] for n in notify)
        out.print(f"notifications: {len(notify)} subscription(s), {pending} pending")
        for n in notify:
            if n["failing_since"]:
                out.print(
                    f"  {n['name']} failing since {n['failing_since']}: {n['last_error']}",
                    markup=False,
                )
    rate = counts.get("error", 0) / total if total else 0.0
    out.print(
        f"last hour: {total} captures, error rate {rate:.1%}, "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )


token_app = typer.Typer(
    help="API tokens for the state-changing parts of the web API.", no_args_is_help=True
)


@token_app.command("create")
def token_create(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="What the token is for.")]
) -> None:
    """Create a token (shown once; only its hash is stored).

    Send it with each state-changing API request: `Authorization: Bearer TOKEN`.
    """
    token = ctx.obj.store().create_token(name, datetime.now(UTC))
    out.print(token, markup=False)
    err.print(
        "Shown once; only its hash is stored. Send it with API requests that change state, e.g.\n"
        f"  curl -H 'Authorization: Bearer {token}' ...\n"
        "Revoke it with `redline token revoke ID` (ids in `redline token list`).",
        markup=False,
    )


@token_app.command("list")
def token_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output (ISO times).")] = False,
) -> None:
    """List tokens (never their values)."""
    tokens = ctx.obj.store().list_tokens()
    if as_json:
        keys = ("created_at", "last_used")
        print_json([{**t, **{k: iso(t[k]) for k in keys}} for t in tokens])
        return
    if not tokens:
        out.print("no API tokens yet: `redline token create NAME` makes one")
        return
    now = datetime.now(UTC)
    table = Table("id", "name", "created", "last used", box=None)
    for t in tokens:
        used = human_time(t["last_used"], now) if t["last_used"] else "never"
        table.add_row(str(t["id"]), escape(t["name"]), human_time(t["created_at"], now), used)
    out.print(table)


@token_app.command("revoke")
def token_revoke(ctx: typer.Context, token_id: int) -> None:
    """Revoke a token by id."""
    from redline.errors import ConfigError

    if not ctx.obj.store().revoke_token(token_id):
        raise ConfigError(f"no token with id {token_id}; see `redline token list`")
    out.print(f"revoked token {token_id}")


def rediff(ctx: typer.Context) -> None:
    """Recompute every stored change that another diff engine version wrote.

    Pages and `redline history` refresh a stale change when they show it; run this after an
    upgrade so the front page, feeds and API lists carry the new engine's levels and summaries.
    """
    from rich.progress import Progress

    from redline.diff import DIFF_ENGINE_VERSION
    from redline.storage.browse import articles_with_stale_changes
    from redline.versions.changes import refresh_changes

    store = ctx.obj.store()
    articles = changes = 0
    after = 0
    with Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("recomputing changes", total=None)
        while ids := articles_with_stale_changes(store, DIFF_ENGINE_VERSION, after):
            for article_id in ids:
                changes += refresh_changes(store, article_id)
                articles += 1
                progress.update(task, completed=articles)
            after = ids[-1]
    out.print(
        f"recomputed {changes} change(s) of {articles} article(s) with diff engine "
        f"{DIFF_ENGINE_VERSION}"
    )


def reextract(
    ctx: typer.Context,
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    article: Annotated[
        str | None, typer.Option("--article", help="Only the article at this URL.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would collapse; change nothing.")
    ] = False,
) -> None:
    """Re-run extraction, with everything learned since, over the stored raw pages and rebuild
    versions and changes.

    Versions that become identical collapse into the one before them (their captures are kept,
    as `unchanged` with the reason); the others are renumbered 1..n (docs/extraction.md).
    """
    from rich.progress import Progress

    from redline.reextract import reextract as run

    store = ctx.obj.store()
    with Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("re-extracting", total=None)
        summary = run(
            store,
            source=source,
            url=article,
            dry_run=dry_run,
            settings=ctx.obj.settings.furniture,
            progress=lambda n: progress.update(task, completed=n),
        )
    for p in summary.plans:
        if not p.collapsed and not dry_run:
            continue
        out.print(f"{p.url}: {p.versions_before} → {p.versions_after} version(s)", markup=False)
        for c in p.collapsed:
            out.print(f"  v{c.old_number} → v{c.into}: {c.reason}", markup=False)
    out.print(summary.line(dry_run), markup=False)


def register(app: typer.Typer) -> None:
    app.command()(worker)
    app.command()(rediff)
    app.command()(reextract)
    app.command()(status)
    app.add_typer(token_app, name="token")
