"""Adding a subscription: the one place that checks what an operator typed (the CLI, the web
page and the JSON API all call it) and says, field by field, what is wrong; and how a stored
destination is shown afterwards (masked: its password and tokens never leave again).

Pure except ``subscribe``, which applies a checked subscription to a store.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, quote, unquote, unquote_plus, urlsplit

from redline.errors import ConfigError
from redline.frontier.urls import canonicalize_url
from redline.notify.rules import (
    DEFAULT_LEVEL,
    DestinationKind,
    Level,
    Rule,
    Subscription,
    destination_kind,
    unknown_classes,
)

if TYPE_CHECKING:
    from redline.storage import Store

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_DIGEST = 7 * 24 * 60  # a week, in minutes
MASK = "****"
FIELDS = (
    "name",
    "destination",
    "sources",
    "articles",
    "url_pattern",
    "min_level",
    "classes",
    "stealth_only",
    "removals",
    "digest_minutes",
)


class InvalidSubscription(ConfigError):
    """What was wrong, per field (the page shows each message next to its field)."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        super().__init__("; ".join(fields.values()))


@dataclass(frozen=True)
class SubscriptionSpec:
    """A subscription as typed: ``redline notify add``'s arguments, a form, or an API body."""

    name: str
    destination: str
    sources: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    url_pattern: str | None = None
    min_level: str = DEFAULT_LEVEL
    classes: tuple[str, ...] = ()
    stealth_only: bool = False
    removals: bool = True
    digest_minutes: int | None = None


def check(spec: SubscriptionSpec, known_sources: Collection[str]) -> tuple[Rule, DestinationKind]:
    """The rule and destination kind of a subscription, or InvalidSubscription naming every bad
    field at once."""
    from redline.notify.send import check_destination

    errors: dict[str, str] = {}
    if not NAME.match(spec.name):
        errors["name"] = (
            f"invalid subscription name {spec.name[:80]!r}: use letters, digits, '-', '_' or '.' "
            "(max 64)"
        )
    kind = destination_kind(spec.destination)
    if not spec.destination.strip():
        errors["destination"] = "give a destination: an apprise URL or an http(s) webhook URL"
    else:
        try:
            kind = check_destination(spec.destination)
        except ConfigError as exc:
            errors["destination"] = str(exc)
    if unknown := [s for s in spec.sources if s not in known_sources]:
        errors["sources"] = f"no source named {', '.join(map(repr, unknown))}; see the sources list"
    articles: list[str] = []
    for url in spec.articles:
        try:
            articles.append(canonicalize_url(url))
        except ConfigError as exc:
            errors["articles"] = str(exc)
            break
    try:
        level = Level(spec.min_level)
    except ValueError:
        errors["min_level"] = f"min level {spec.min_level[:40]!r} is not one of {', '.join(Level)}"
        level = DEFAULT_LEVEL
    if bad := unknown_classes(spec.classes):
        errors["classes"] = f"unknown change class(es): {', '.join(bad)} (see docs/diff.md)"
    if spec.digest_minutes is not None and not 1 <= spec.digest_minutes <= MAX_DIGEST:
        errors["digest_minutes"] = f"digest minutes must be between 1 and {MAX_DIGEST}"
    if errors:
        raise InvalidSubscription(errors)
    rule = Rule(
        sources=tuple(dict.fromkeys(spec.sources)),
        articles=tuple(dict.fromkeys(articles)),
        url_pattern=spec.url_pattern or None,
        min_level=level,
        classes=tuple(dict.fromkeys(spec.classes)),
        stealth_only=spec.stealth_only,
        removals=spec.removals,
    )
    return rule, kind


def spec_from_json(body: Mapping[str, Any]) -> SubscriptionSpec:
    """A spec from an API body (the keys of FIELDS); a wrong type is a field error."""
    errors: dict[str, str] = {}
    if extra := sorted(set(body) - set(FIELDS)):
        for key in extra:
            errors[str(key)[:40]] = f"unknown key {str(key)[:40]!r}: use {', '.join(FIELDS)}"

    def text(key: str, default: str | None = None) -> str | None:
        value = body.get(key, default)
        if value is None or isinstance(value, str):
            return value
        errors[key] = f"{key} must be a string"
        return default

    def strings(key: str) -> tuple[str, ...]:
        value = body.get(key) or []
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        errors[key] = f"{key} must be a list of strings"
        return ()

    def flag(key: str, default: bool) -> bool:
        value = body.get(key, default)
        if isinstance(value, bool):
            return value
        errors[key] = f"{key} must be true or false"
        return default

    digest = body.get("digest_minutes")
    if digest is not None and (isinstance(digest, bool) or not isinstance(digest, int)):
        errors["digest_minutes"] = "digest_minutes must be a whole number of minutes or null"
        digest = None
    spec = SubscriptionSpec(
        name=text("name", "") or "",
        destination=text("destination", "") or "",
        sources=strings("sources"),
        articles=strings("articles"),
        url_pattern=text("url_pattern"),
        min_level=text("min_level", DEFAULT_LEVEL) or DEFAULT_LEVEL,
        classes=strings("classes"),
        stealth_only=flag("stealth_only", False),
        removals=flag("removals", True),
        digest_minutes=digest,
    )
    if errors:
        raise InvalidSubscription(errors)
    return spec


def subscribe(
    store: Store, spec: SubscriptionSpec, now: datetime
) -> tuple[Subscription, str | None]:
    """Check and store a subscription; a webhook gets a fresh signing secret, returned here
    (and only here: it is never shown again)."""
    from redline.notify.send import new_secret

    rule, kind = check(spec, {s.name for s in store.list_sources()})
    if spec.name in {s.name for s in store.subscriptions()}:
        raise InvalidSubscription({"name": f"a subscription named {spec.name!r} already exists"})
    secret = new_secret() if kind == DestinationKind.WEBHOOK else None
    try:
        sub = store.add_subscription(
            spec.name,
            spec.destination,
            rule,
            now,
            secret=secret,
            digest_minutes=spec.digest_minutes,
        )
    except ConfigError as exc:  # another writer took the name meanwhile
        raise InvalidSubscription({"name": str(exc)}) from exc
    return sub, secret


# ---- showing a destination once it is stored ---------------------------------------------
#
# Apprise knows where each of its services keeps a credential (Telegram's bot token where a
# host would be, Pushover's user and app keys either side of '@', ntfy's token as a username),
# so an apprise URL is shown in apprise's own privacy form, and every piece of the typed URL
# that this form no longer shows is a secret. Apprise keeps some things a heuristic still has
# to catch (a json:// path token, custom headers in the query), and a webhook or a URL apprise
# cannot read gets the heuristic alone.

_PIECES = re.compile(r"[/:@?&=#]")


def _token_like(segment: str) -> bool:
    """A path segment that looks like a credential (Slack and Discord put theirs in the path)."""
    s = unquote(segment)
    has_digit = any(c.isdigit() for c in s)
    has_alpha = any(c.isalpha() for c in s)
    return len(s) >= 20 or (len(s) >= 8 and has_digit and has_alpha)


@lru_cache(maxsize=256)
def _apprise_private(destination: str) -> str | None:
    """Apprise's privacy rendering of ``destination`` (None when apprise cannot read it)."""
    if destination_kind(destination) != DestinationKind.APPRISE:
        return None
    import apprise

    quiet = logging.getLogger("apprise")
    was, quiet.propagate = quiet.propagate, False
    try:
        plugin = apprise.Apprise.instantiate(destination)
        return str(plugin.url(privacy=True)) if plugin else None
    except Exception:  # a plugin that cannot render itself: the heuristic alone then
        return None
    finally:
        quiet.propagate = was


def _split(destination: str) -> SplitResult | None:
    try:
        return urlsplit(destination)
    except ValueError:
        return None


def _userinfo(u: SplitResult) -> tuple[str, str | None] | None:
    """(username, password or None) as typed, or None without '@' in the netloc."""
    if "@" not in u.netloc:
        return None
    info = u.netloc.rsplit("@", 1)[0]
    user, colon, password = info.partition(":")
    return user, (password if colon else None)


def secret_parts(destination: str) -> list[str]:
    """The pieces of a destination URL that may be credentials, as typed and (un)quoted: its
    password (or its username when there is none: a token), query values, token-like path
    segments, whatever apprise's privacy form hides, and the whole netloc of a non-http URL
    apprise cannot read (such schemes keep tokens where a host would be)."""
    u = _split(destination)
    if u is None:
        return [destination] if destination else []
    parts: list[str] = []
    if info := _userinfo(u):
        user, password = info
        parts += [password] if password is not None else [user]
    parts += [seg for seg in u.path.split("/") if seg and _token_like(seg)]
    values = [pair.partition("=")[2] for pair in u.query.split("&")]
    parts += values + [word for v in values for word in unquote_plus(v).split()]  # "Bearer X"
    if u.fragment and _token_like(u.fragment):
        parts.append(u.fragment)
    private = _apprise_private(destination)
    if private is not None:
        shown = set(_PIECES.split(unquote(private)))
        typed = _PIECES.split(u.netloc) + u.path.split("/")
        parts += [p for p in typed if unquote(p) not in shown]
    elif u.scheme.lower() not in ("http", "https") and u.netloc:
        parts += [u.netloc.rsplit("@", 1)[-1], *_PIECES.split(u.netloc)]
    variants = {v for p in parts for v in (p, unquote_plus(p), quote(unquote_plus(p), safe=""))}
    return sorted({v for v in variants if len(v) >= 3}, key=len, reverse=True)


def redact(text: str, destination: str) -> str:
    """``text`` (an error message, a log line) with every secret part of ``destination`` masked."""
    for part in secret_parts(destination):
        text = text.replace(part, MASK)
    return text


def shown_destination(destination: str) -> str:
    """A destination as lists, logs, the page and the API show it: an apprise URL in apprise's
    privacy form (``tgram://1...w/12315544/``), a webhook with its password or token user,
    query values and token-like path segments masked; then every secret part masked again."""
    u = _split(destination)
    if u is None:
        return MASK
    query = "&".join(
        f"{pair.partition('=')[0]}={MASK}" if "=" in pair else pair
        for pair in u.query.split("&")
        if pair
    )
    private = _apprise_private(destination)
    if private is not None:
        p = urlsplit(private)
        shown = SplitResult(p.scheme, p.netloc, p.path.rstrip("/"), query, "").geturl()
        return redact(shown, destination)
    netloc = u.netloc
    if u.scheme.lower() not in ("http", "https"):
        netloc = MASK if netloc else ""
    elif info := _userinfo(u):
        host = netloc.rsplit("@", 1)[1]
        netloc = f"{info[0]}:{MASK}@{host}" if info[1] is not None else f"{MASK}@{host}"
    return redact(SplitResult(u.scheme, netloc, u.path, query, "").geturl(), destination)
