"""Subscription rules as pure functions: does this change, or this removal, concern a
subscription? A leaf module (storage calls it inside the transaction that writes the outbox)."""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from redline.diff.model import CLASS_LABELS
from redline.vocabulary import RemovalKind


class Level(StrEnum):
    """Change levels a subscription can ask for, least to most significant."""

    COSMETIC = "cosmetic"
    MINOR = "minor"
    SUBSTANTIVE = "substantive"
    MAJOR = "major"

    @property
    def rank(self) -> int:
        return list(Level).index(self)


class ItemKind(StrEnum):
    """What a delivery announces."""

    CHANGE = "change"
    REMOVAL = "removal"
    TEST = "test"


class DestinationKind(StrEnum):
    WEBHOOK = "webhook"  # http(s)://, signed per Standard Webhooks
    APPRISE = "apprise"  # any other apprise URL


DEFAULT_LEVEL = Level.MINOR


def destination_kind(destination: str) -> DestinationKind:
    scheme = destination.split("://", 1)[0].lower() if "://" in destination else ""
    return DestinationKind.WEBHOOK if scheme in ("http", "https") else DestinationKind.APPRISE


def level_rank(level: str) -> int:
    """Rank of a stored change level; ``none`` (and anything unknown) ranks below cosmetic."""
    try:
        return Level(level).rank
    except ValueError:
        return -1


@dataclass(frozen=True)
class Rule:
    """What a subscription wants to hear about. Empty ``sources``/``articles``/``url_pattern``
    mean every article; ``classes`` empty means any class."""

    sources: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()  # canonical article URLs
    url_pattern: str | None = None  # fnmatch pattern over the canonical URL
    min_level: Level = DEFAULT_LEVEL
    classes: tuple[str, ...] = ()
    stealth_only: bool = False
    removals: bool = True

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Rule:
        d: dict[str, Any] = json.loads(text)
        return cls(
            sources=tuple(d.get("sources", ())),
            articles=tuple(d.get("articles", ())),
            url_pattern=d.get("url_pattern"),
            min_level=Level(d.get("min_level", DEFAULT_LEVEL)),
            classes=tuple(d.get("classes", ())),
            stealth_only=bool(d.get("stealth_only", False)),
            removals=bool(d.get("removals", True)),
        )


def unknown_classes(classes: Iterable[str]) -> list[str]:
    return [c for c in classes if c not in CLASS_LABELS]


def _covers(rule: Rule, source: str | None, url: str) -> bool:
    if rule.sources and source not in rule.sources:
        return False
    if rule.articles or rule.url_pattern:
        return url in rule.articles or bool(
            rule.url_pattern and fnmatch.fnmatchcase(url, rule.url_pattern)
        )
    return True


def matches_change(
    rule: Rule, *, source: str | None, url: str, level: str, classes: Sequence[str], stealth: bool
) -> bool:
    """A change concerns the rule when it is about a covered article, reaches the minimum level,
    has one of the asked classes (if any), and is a stealth edit when only those are wanted."""
    if level_rank(level) < rule.min_level.rank:
        return False
    if rule.classes and not set(rule.classes) & set(classes):
        return False
    if rule.stealth_only and not stealth:
        return False
    return _covers(rule, source, url)


def matches_removal(rule: Rule, *, source: str | None, url: str, kind: str) -> bool:
    """A removal event (deleted, gone, redirected away) concerns a rule that wants removals."""
    if not rule.removals or kind not in set(RemovalKind):
        return False
    return _covers(rule, source, url)


@dataclass(frozen=True)
class Subscription:
    id: int
    name: str
    destination: str
    rule: Rule
    digest_minutes: int | None = None
    secret: str | None = field(default=None, repr=False)
    unreadable: str | None = None  # why its stored credentials cannot be opened here

    @property
    def kind(self) -> DestinationKind:
        if self.unreadable:  # the destination is sealed; only webhooks have a secret
            return DestinationKind.WEBHOOK if self.secret else DestinationKind.APPRISE
        return destination_kind(self.destination)
