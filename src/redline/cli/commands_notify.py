"""`redline notify ...`: subscriptions (a rule plus a destination) and their deliveries."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from redline.cli.env import Env, out, print_json
from redline.errors import ConfigError
from redline.notify.rules import DEFAULT_LEVEL, Level, Rule
from redline.settings import links_base

notify_app = typer.Typer(
    help="Tell people when a story changes: subscriptions and their deliveries.",
    no_args_is_help=True,
)


@notify_app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A short name for the subscription.")],
    destination: Annotated[
        str,
        typer.Argument(
            help="An apprise URL (mailto://, ntfy://, json://, …) or an http(s) webhook."
        ),
    ],
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source (repeatable).")
    ] = None,
    article: Annotated[
        list[str] | None, typer.Option("--article", help="Only this article URL (repeatable).")
    ] = None,
    url_pattern: Annotated[
        str | None, typer.Option("--url-pattern", help="Only article URLs matching this glob.")
    ] = None,
    min_level: Annotated[
        Level, typer.Option("--min-level", help="Least significant change announced.")
    ] = DEFAULT_LEVEL,
    class_: Annotated[
        list[str] | None,
        typer.Option("--class", help="Only changes of this class (repeatable), e.g. headline."),
    ] = None,
    stealth_only: Annotated[
        bool, typer.Option("--stealth-only", help="Only edits made without a note.")
    ] = False,
    removals: Annotated[
        bool,
        typer.Option(
            "--removals/--no-removals", help="Announce deleted, gone and redirected stories."
        ),
    ] = True,
    digest: Annotated[
        int | None,
        typer.Option("--digest", min=1, help="At most one message per this many minutes."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Subscribe a destination to changes; a webhook's signing secret is printed once."""
    from redline.notify.subscribe import SubscriptionSpec, shown_destination, subscribe

    env: Env = ctx.obj
    spec = SubscriptionSpec(
        name=name,
        destination=destination,
        sources=tuple(source or ()),
        articles=tuple(article or ()),
        url_pattern=url_pattern,
        min_level=min_level,
        classes=tuple(class_ or ()),
        stealth_only=stealth_only,
        removals=removals,
        digest_minutes=digest,
    )
    sub, secret = subscribe(env.store(), spec, datetime.now(UTC))
    if as_json:
        print_json(
            {
                "name": sub.name,
                "destination": shown_destination(destination),
                "kind": str(sub.kind),
                "rule": _rule(sub.rule),
                "digest_minutes": digest,
                "secret": secret,
            }
        )
        return
    out.print(
        f"subscription {name} added ({sub.kind} → {shown_destination(destination)})", markup=False
    )
    if secret:
        out.print(f"signing secret (shown once): {secret}", markup=False)


def _rule(rule: Rule) -> dict[str, Any]:
    import json

    d: dict[str, Any] = json.loads(rule.to_json())
    return d


@notify_app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Subscriptions with their outbox counts; a failing destination says since when and why."""
    from redline.notify.shapes import describe_rule, subscription_json

    rows = [subscription_json(r) for r in ctx.obj.store().subscription_health()]
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print("no subscriptions; add one with `redline notify add NAME DESTINATION`")
        return
    table = Table(
        "name", "destination", "rule", "pending", "delivered", "failed", "state", box=None
    )
    for r in rows:
        state = (
            f"[red]failing since {r['failing_since'][:16].replace('T', ' ')}: {escape(r['last_error'] or '')}[/]"
            if r["failing"]
            else "ok"
        )
        table.add_row(
            escape(r["name"]),
            escape(r["destination"]),
            escape(describe_rule(r["rule"], r["digest_minutes"])),
            str(r["pending"]),
            str(r["delivered"]),
            str(r["failed"]),
            state,
        )
    out.print(table)


@notify_app.command("remove")
def remove(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="Subscription name.")]
) -> None:
    """Remove a subscription (its pending deliveries are dropped)."""
    if not ctx.obj.store().remove_subscription(name):
        raise ConfigError(f"no subscription named {name!r}; see `redline notify list`")
    out.print(f"removed subscription {name}", markup=False)


@notify_app.command("test")
def test(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="Subscription name.")]
) -> None:
    """Send a sample change now and report the destination's answer (exit 1 if it failed)."""
    from redline.notify.deliver import send_test

    s = ctx.obj.settings
    result = asyncio.run(send_test(ctx.obj.store(), name, s.notify, links_base(s.web)))
    out.print(f"{name}: {result.line()}", markup=False)
    if not result.ok:
        raise typer.Exit(1)


@notify_app.command("log")
def log_(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option("--name", help="Only this subscription.")] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Most recent deliveries shown.")
    ] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Deliveries, newest first: status, attempts, last error, and the change or event."""
    from redline.notify.shapes import delivery_json

    store = ctx.obj.store()
    if name is not None:
        store.subscription(name)  # a clear error for an unknown name
    dest = {s.name: s.destination for s in store.subscriptions()}
    rows = [delivery_json(r, dest.get(r.subscription, "")) for r in store.delivery_log(name, limit)]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "subscription", "type", "of", "status", "attempts", "last error", box=None)
    for r in rows:
        of = f"change {r['change_id']}" if r["change_id"] is not None else f"event {r['event_id']}"
        table.add_row(
            str(r["id"]),
            escape(r["subscription"]),
            r["type"],
            of,
            r["status"],
            str(r["attempts"]),
            escape(r["last_error"] or ""),
        )
    out.print(table)


@notify_app.command("deliver")
def deliver(ctx: typer.Context) -> None:
    """Send everything pending that is due, then exit."""
    from redline.notify.deliver import Deliverer

    s = ctx.obj.settings
    deliverer = Deliverer(ctx.obj.store(), s.notify, base_url=links_base(s.web))
    summary = asyncio.run(deliverer.deliver_pending())
    out.print(summary.line(), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(notify_app, name="notify")
