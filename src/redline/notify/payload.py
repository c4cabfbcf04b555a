"""What a notification says: the versioned JSON body of a webhook (docs/api.md) and the short
title and text other services get. Pure functions of a ``NotifyItem``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from redline.diff.model import CLASS_LABELS
from redline.notify.rules import ItemKind
from redline.storage.records import NotifyItem

SCHEMA = "redline.notification/1"


@dataclass(frozen=True)
class Message:
    """One message to one destination: the same ``message_id`` on every redelivery."""

    message_id: str
    body: dict[str, Any]
    title: str
    text: str
    timestamp: datetime
    attachments: Sequence[tuple[str, bytes]] = field(default_factory=tuple)


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def links(item: NotifyItem, base_url: str) -> dict[str, str]:
    base = base_url.rstrip("/")
    out = {"article": f"{base}/articles/{item.article_id}"}
    if item.kind == ItemKind.CHANGE and item.version_to is not None:
        out["diff"] = (
            f"{base}/articles/{item.article_id}/diff/{item.version_from}/{item.version_to}"
        )
        out["card"] = card_url(base, item.article_id, item.version_to)
    return out


def card_url(base_url: str, article_id: int, number: int) -> str:
    """The stable address of a change's card: the change that made version ``number``."""
    return f"{base_url.rstrip('/')}/articles/{article_id}/versions/{number}/card.png"


def item_body(item: NotifyItem, base_url: str) -> dict[str, Any]:
    """The JSON of one change or removal (without the envelope)."""
    body: dict[str, Any] = {
        "type": str(item.kind),
        "id": f"{item.kind}-{item.ref_id}",
        "time": _iso(item.at),
        "article": {
            "id": item.article_id,
            "url": item.url,
            "title": item.title,
            "source": item.source,
        },
        "links": links(item, base_url),
    }
    if item.kind == ItemKind.CHANGE:
        body["versions"] = {"from": item.version_from, "to": item.version_to}
        body["change"] = {
            "level": item.level,
            "classes": list(item.classes),
            "labels": [CLASS_LABELS.get(c, c) for c in item.classes],
            "summary": item.summary,
            "stealth": item.stealth,
            "headline": {"old": item.old_title, "new": item.title}
            if "headline" in item.classes
            else None,
        }
    else:
        body["removal"] = {"kind": item.removal, "detail": item.detail}
    return body


def webhook_body(item: NotifyItem, base_url: str) -> dict[str, Any]:
    return {"schema": SCHEMA, **item_body(item, base_url)}


def digest_body(message_id: str, items: Sequence[NotifyItem], base_url: str) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "type": "digest",
        "id": message_id,
        "items": [item_body(i, base_url) for i in items],
    }


def headline_line(item: NotifyItem) -> str:
    """``old → new`` when the headline changed, else the headline."""
    if item.kind == ItemKind.CHANGE and "headline" in item.classes and item.old_title:
        return f"{item.old_title} → {item.title}"
    return item.title or item.url


def title(item: NotifyItem) -> str:
    who = f"[{item.source}] " if item.source else ""
    if item.kind == ItemKind.REMOVAL:
        return f"{who}Story {item.removal}: {item.title or item.url}"
    what = "Headline changed" if "headline" in item.classes else f"{item.level} change"
    return f"{who}{what}: {item.title or item.url}"


def text(item: NotifyItem, base_url: str) -> str:
    lk = links(item, base_url)
    if item.kind == ItemKind.REMOVAL:
        detail = f" ({item.detail})" if item.detail else ""
        return f"{item.title or item.url}\n{item.removal}{detail}\n{lk['article']}"
    stealth = ", stealth edit" if item.stealth else ""
    return f"{headline_line(item)}\n{item.summary} ({item.level}{stealth})\n{lk['diff']}"


def single(message_id: str, item: NotifyItem, base_url: str) -> Message:
    return Message(
        message_id=message_id,
        body=webhook_body(item, base_url),
        title=title(item),
        text=text(item, base_url),
        timestamp=item.at,
    )


def digest(message_id: str, items: Sequence[NotifyItem], base_url: str, at: datetime) -> Message:
    lines = [
        f"• {title(i)}\n  {links(i, base_url).get('diff') or links(i, base_url)['article']}"
        for i in items
    ]
    return Message(
        message_id=message_id,
        body=digest_body(message_id, items, base_url),
        title=f"Redline: {len(items)} change(s)",
        text="\n".join(lines),
        timestamp=at,
    )


def sample(at: datetime) -> NotifyItem:
    """The made-up change ``redline notify test`` sends."""
    return NotifyItem(
        kind=ItemKind.CHANGE,
        ref_id=0,
        at=at,
        article_id=0,
        url="https://example.com/news/test",
        title="Redline test: headline after the edit",
        source="example",
        version_from=1,
        version_to=2,
        old_title="Redline test: headline before the edit",
        level="major",
        classes=("headline",),
        summary="Headline changed (test message)",
    )
