"""The JSON shapes of subscriptions and deliveries, shared by ``redline notify list/log --json``
and the web API (docs/api.md). Destinations and errors are masked here, so no caller can serve
a stored password or token by forgetting to."""

from __future__ import annotations

from typing import Any

from redline.notify.rules import destination_kind
from redline.notify.subscribe import redact, shown_destination
from redline.serialize import iso
from redline.storage.records import DeliveryRow


def subscription_json(health: dict[str, Any]) -> dict[str, Any]:
    """One row of ``Store.subscription_health()`` as the API and ``notify list --json`` show it."""
    dest, unreadable = health["destination"], health.get("unreadable")
    failing = health["failing_since"] is not None
    return {
        "name": health["name"],
        "kind": health.get("kind") or str(destination_kind(dest)),
        "destination": f"(encrypted: {unreadable})" if unreadable else shown_destination(dest),
        "encrypted": bool(health.get("encrypted")),
        "rule": health["rule"],
        "digest_minutes": health["digest_minutes"],
        "status": "failing" if failing else "ok",
        "failing": failing,
        "failing_since": iso(health["failing_since"]),
        "retry_at": iso(health["retry_at"]),
        "last_error": redact(health["last_error"], dest) if health["last_error"] else None,
        "last_sent": iso(health["last_sent"]),
        "created_at": iso(health["created_at"]),
        "pending": health["pending"],
        "delivered": health["delivered"],
        "failed": health["failed"],
    }


def delivery_json(r: DeliveryRow, destination: str = "") -> dict[str, Any]:
    """One outbox row (``notify log --json``, ``GET …/deliveries``)."""
    error = redact(r.last_error, destination) if r.last_error and destination else r.last_error
    return {
        "id": r.id,
        "subscription": r.subscription,
        "message_id": r.message_id,
        "type": r.kind,
        "article_id": r.article_id,
        "change_id": r.version_id,
        "event_id": r.event_id,
        "status": r.status,
        "attempts": r.attempts,
        "last_error": error,
        "last_status": r.last_status,
        "created_at": iso(r.created_at),
        "next_attempt": iso(r.next_attempt),
        "delivered_at": iso(r.delivered_at),
    }


def describe_rule(rule: dict[str, Any], digest: int | None) -> str:
    """A rule in one line, as `notify list` and the operator page show it."""
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
