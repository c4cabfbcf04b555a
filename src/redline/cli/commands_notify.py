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
from redline.frontier.urls import canonicalize_url
from redline.notify.rules import DEFAULT_LEVEL, DestinationKind, Level, Rule, unknown_classes
from redline.serialize import iso
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
        str, typer.Argument(help="An apprise URL (mailto://, ntfy://, json://, …) or an http(s) webhook.")
    ],
    source: Annotated[list[str] | None, typer.Option("--source", help="Only this source (repeatable).")] = None,
    article: Annotated[list[str] | None, typer.Option("--article", help="Only this article URL (repeatable).")] = None,
    url_pattern: Annotated[str | None, typer.Option("--url-pattern", help="Only article URLs matching this glob.")] = None,
    min_level: Annotated[Level, typer.Option("--min-level", help="Least significant change announced.")] = DEFAULT_LEVEL,
    class_: Annotated[list[str] | None, typer.Option("--class", help="Only changes of this class (repeatable), e.g. headline.")] = None,
    stealth_only: Annotated[bool, typer.Option("--stealth-only", help="Only edits made without a note.")] = False,
    removals: Annotated[bool, typer.Option("--removals/--no-removals", help="Announce deleted, gone and redirected stories.")] = True,
    digest: Annotated[int | None, typer.Option("--digest", min=1, help="At most one message per this many minutes.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:  # fmt: skip
    """Subscribe a destination to changes; a webhook's signing secret is printed once."""
    from redline.notify.send import check_destination, new_secret

    env: Env = ctx.obj
    store = env.store()
    kind = check_destination(destination)
    if bad := unknown_classes(class_ or []):
        raise ConfigError(f"unknown change class(es): {', '.join(bad)} (see docs/diff.md)")
    for s in source or []:
        store.get_source(s)
    rule = Rule(
        sources=tuple(source or ()), articles=tuple(canonicalize_url(u) for u in article or ()),
        url_pattern=url_pattern, min_level=min_level, classes=tuple(class_ or ()),
        stealth_only=stealth_only, removals=removals,
    )  # fmt: skip
    secret = new_secret() if kind == DestinationKind.WEBHOOK else None
    sub = store.add_subscription(
        name, destination, rule, datetime.now(UTC), secret=secret, digest_minutes=digest
    )
    if as_json:
        print_json({"name": sub.name, "destination": destination, "kind": str(kind),
                    "rule": _rule(rule), "digest_minutes": digest, "secret": secret})  # fmt: skip
        return
    out.print(f"subscription {name} added ({kind} → {destination})", markup=False)
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
    rows = ctx.obj.store().subscription_health()
    if as_json:
        print_json([
            {**r, "failing": r["failing_since"] is not None,
             **{k: iso(r[k]) for k in ("created_at", "last_sent", "failing_since", "retry_at")}}
            for r in rows
        ])  # fmt: skip
        return
    if not rows:
        out.print("no subscriptions; add one with `redline notify add NAME DESTINATION`")
        return
    table = Table(
        "name", "destination", "rule", "pending", "delivered", "failed", "state", box=None
    )
    for r in rows:
        state = (
            f"[red]failing since {r['failing_since']:%Y-%m-%d %H:%M}: {escape(r['last_error'] or '')}[/]"
            if r["failing_since"]
            else "ok"
        )
        table.add_row(
            escape(r["name"]), escape(r["destination"]), escape(_describe(r["rule"], r["digest_minutes"])),
            str(r["pending"]), str(r["delivered"]), str(r["failed"]), state,
        )  # fmt: skip
    out.print(table)


def _describe(rule: dict[str, Any], digest: int | None) -> str:
    parts = [f"≥{rule['min_level']}"]
    for key, label in (("sources", "source"), ("articles", "article"), ("classes", "class")):
        if rule.get(key):
            parts.append(f"{label} {','.join(rule[key])}")
    if rule.get("url_pattern"):
        parts.append(f"url {rule['url_pattern']}")
    if rule.get("stealth_only"):
        parts.append("stealth only")
    parts.append("removals" if rule.get("removals", True) else "no removals")
    if digest:
        parts.append(f"digest {digest} min")
    return "; ".join(parts)


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
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most recent deliveries shown.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:  # fmt: skip
    """Deliveries, newest first: status, attempts, last error, and the change or event."""
    store = ctx.obj.store()
    if name is not None:
        store.subscription(name)  # a clear error for an unknown name
    rows = store.delivery_log(name, limit)
    if as_json:
        print_json([
            {"id": r.id, "subscription": r.subscription, "message_id": r.message_id, "type": r.kind,
             "article_id": r.article_id, "change_id": r.version_id, "event_id": r.event_id,
             "status": r.status, "attempts": r.attempts, "last_error": r.last_error,
             "last_status": r.last_status, "created_at": iso(r.created_at),
             "next_attempt": iso(r.next_attempt), "delivered_at": iso(r.delivered_at)}
            for r in rows
        ])  # fmt: skip
        return
    table = Table("id", "subscription", "type", "of", "status", "attempts", "last error", box=None)
    for r in rows:
        of = f"change {r.version_id}" if r.version_id is not None else f"event {r.event_id}"
        table.add_row(
            str(r.id),
            escape(r.subscription),
            r.kind,
            of,
            r.status,
            str(r.attempts),
            escape(r.last_error or ""),
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
