"""A source's configuration, validated once when it is added or loaded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from redline.errors import ConfigError
from redline.frontier.schedule import SchedulePolicy, format_duration, parse_duration
from redline.frontier.urls import canonicalize_url, same_site

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_PARAM = re.compile(r"^[A-Za-z0-9_.\-\[\]]{1,64}\*?$")  # a query parameter name, or a prefix*
_RULE_KEYS = ("title", "byline", "standfirst", "body", "drop")


def _valid_selector(selector: str) -> bool:
    from selectolax.lexbor import LexborHTMLParser

    if not selector.strip():
        return False
    try:
        LexborHTMLParser("<p></p>").css(selector)
    except Exception:
        return False
    return True


# the keys of a source in a sources file (and of its JSON), in their documented order
KEYS = (
    "name",
    "feeds",
    "sitemaps",
    "homepage",
    "include",
    "exclude",
    "concurrency",
    "delay",
    "respect_robots",
    "allow_private",
    "schedule",
    "schedule_jitter",
    "discover_every",
    "rules",
    "strip_params",
    "exclude_selectors",
    "keep_selectors",
    "furniture_veto",
    "furniture_pin",
)
# set per source from the sources file only (selectors and furniture rules): not by an edit
FILE_ONLY = ("exclude_selectors", "keep_selectors", "furniture_veto", "furniture_pin")


@dataclass(frozen=True)
class SourceConfig:
    name: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    homepage: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    concurrency: int | None = None
    """Per-host concurrency override (None = settings default)."""
    delay: float | None = None
    """Per-host delay override in seconds (0 for a local site)."""
    respect_robots: bool = True
    allow_private: bool = False
    """Allow fetching private/loopback addresses (only for local test sites)."""
    schedule: SchedulePolicy | None = None
    discover_every: timedelta | None = None
    rules: dict[str, Any] = field(default_factory=dict)
    """CSS extraction rules: title, byline, standfirst, body (selectors) and drop (list of
    selectors)."""
    strip_params: tuple[str, ...] = ()
    """Query parameters that are tracking on this site (the Guardian's ``CMP``), on top of the
    built-in list; ``name*`` strips every parameter starting with ``name``."""
    exclude_selectors: tuple[str, ...] = ()
    """CSS selectors of page furniture removed before extraction (with ``rules.drop``)."""
    keep_selectors: tuple[str, ...] = ()
    """CSS selectors of article text never dropped as furniture, learned or not."""
    furniture_veto: tuple[str, ...] = ()
    """Block texts (or headlines) Redline must never treat as furniture, though it learned them."""
    furniture_pin: tuple[str, ...] = ()
    """Block texts always dropped from this source's bodies, learned or not."""

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ConfigError(
                f"invalid source name {self.name!r}: use letters, digits, '-', '_' or '.' (max 64)"
            )
        for url in (*self.feeds, *self.sitemaps, *([self.homepage] if self.homepage else [])):
            canonicalize_url(url)  # raises ConfigError with the URL in the message
        for pattern in (*self.include, *self.exclude):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"invalid regular expression {pattern!r}: {exc}") from exc
        for param in self.strip_params:
            if not _PARAM.match(param):
                raise ConfigError(
                    f"invalid strip_params entry {param!r} in source {self.name!r}: a query "
                    "parameter name (letters, digits, '_', '-', '.'), optionally ending in '*'"
                )
        if self.concurrency is not None and self.concurrency < 1:
            raise ConfigError("concurrency must be at least 1")
        if self.delay is not None and self.delay < 0:
            raise ConfigError("delay must be zero or positive")
        for key in ("exclude_selectors", "keep_selectors"):
            for sel in getattr(self, key):
                if not _valid_selector(sel):
                    raise ConfigError(
                        f"source {self.name!r}: {key} entry {sel!r} is not a valid CSS selector"
                    )
        for key in ("furniture_veto", "furniture_pin"):
            if any(not v.strip() for v in getattr(self, key)):
                raise ConfigError(f"source {self.name!r}: {key} entries must not be empty")
        clash = {v.casefold().strip() for v in self.furniture_veto} & {
            v.casefold().strip() for v in self.furniture_pin
        }
        if clash:
            raise ConfigError(
                f"source {self.name!r}: {sorted(clash)[0]!r} is both in furniture_veto and "
                "furniture_pin"
            )
        unknown = set(self.rules) - set(_RULE_KEYS)
        if unknown:
            raise ConfigError(
                f"unknown extraction rule(s) {sorted(unknown)}: use {', '.join(_RULE_KEYS)}"
            )

    @property
    def has_discovery(self) -> bool:
        return bool(self.feeds or self.sitemaps or self.homepage)

    def covers(self, url: str) -> bool:
        """True when ``url`` is on the site of one of this source's feeds, sitemaps or homepage."""
        return any(
            same_site(u, url)
            for u in (*self.feeds, *self.sitemaps, *([self.homepage] if self.homepage else []))
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.name,
            "feeds": list(self.feeds),
            "sitemaps": list(self.sitemaps),
            "homepage": self.homepage,
            "include": list(self.include),
            "exclude": list(self.exclude),
            "respect_robots": self.respect_robots,
            "allow_private": self.allow_private,
        }
        if self.concurrency is not None:
            d["concurrency"] = self.concurrency
        if self.delay is not None:
            d["delay"] = self.delay
        if self.schedule is not None:
            d["schedule"] = self.schedule.to_config()
            d["schedule_jitter"] = self.schedule.jitter
        if self.discover_every is not None:
            d["discover_every"] = format_duration(self.discover_every)
        if self.rules:
            d["rules"] = dict(self.rules)
        if self.strip_params:
            d["strip_params"] = list(self.strip_params)
        for key in ("exclude_selectors", "keep_selectors", "furniture_veto", "furniture_pin"):
            if getattr(self, key):
                d[key] = list(getattr(self, key))
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SourceConfig:
        known = set(KEYS)
        unknown = set(d) - known
        if unknown:
            raise ConfigError(
                f"unknown key(s) {sorted(unknown)} in source {d.get('name')!r}; "
                f"allowed: {', '.join(sorted(known))}"
            )
        if not isinstance(d.get("name"), str):
            raise ConfigError("every source needs a name (a string)")

        def strings(key: str) -> tuple[str, ...]:
            value = d.get(key) or []
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"source {d['name']!r}: {key} must be a list of strings")
            return tuple(value)

        def number(key: str, kind: type = float, default: Any = None) -> Any:
            value = d.get(key, default)
            if value is None:
                return None
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or (kind is int and not isinstance(value, int))
            ):
                what = "a whole number" if kind is int else "a number"
                raise ConfigError(f"source {d['name']!r}: {key} must be {what}, not {value!r}")
            return kind(value)

        def flag(key: str, default: bool) -> bool:
            value = d.get(key, default)
            if not isinstance(value, bool):
                raise ConfigError(
                    f"source {d['name']!r}: {key} must be true or false, not {value!r}"
                )
            return value

        schedule = None
        if d.get("schedule") is not None:
            schedule = SchedulePolicy.from_config(
                d["schedule"], number("schedule_jitter", default=0.1)
            )
        rules = d.get("rules") or {}
        if not isinstance(rules, dict):
            raise ConfigError(f"source {d['name']!r}: rules must be a table")
        try:
            return cls(
                name=d["name"],
                feeds=strings("feeds"),
                sitemaps=strings("sitemaps"),
                homepage=d.get("homepage"),
                include=strings("include"),
                exclude=strings("exclude"),
                concurrency=number("concurrency", int),
                delay=number("delay"),
                respect_robots=flag("respect_robots", True),
                allow_private=flag("allow_private", False),
                schedule=schedule,
                discover_every=parse_duration(d["discover_every"])
                if d.get("discover_every")
                else None,
                rules=rules,
                strip_params=strings("strip_params"),
                exclude_selectors=strings("exclude_selectors"),
                keep_selectors=strings("keep_selectors"),
                furniture_veto=strings("furniture_veto"),
                furniture_pin=strings("furniture_pin"),
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"source {d['name']!r}: {exc}") from exc
