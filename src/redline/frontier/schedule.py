"""When to check an article next: a pure function of how long ago it last changed.

Articles change most just after publication, so they are checked often while young and
rarely when old, in the spirit of NewsDiffs. The policy is a list of tiers
``(younger_than, check_every)``; past the last tier the article is never checked again.
Jitter spreads checks so that articles found together are not all due at one instant.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from redline.errors import ConfigError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(text: str | int | float) -> timedelta:
    """'15m', '3h', '7d', '30s' or a number of seconds."""
    if isinstance(text, int | float):
        return timedelta(seconds=float(text))
    m = _DURATION.match(text)
    if not m:
        raise ConfigError(
            f"invalid duration {text!r}: use a number and a unit, e.g. '15m', '3h', '7d'"
        )
    return timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2).lower()])


def format_duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@dataclass(frozen=True)
class SchedulePolicy:
    """Tiers of (age since last change, interval between checks), youngest first."""

    tiers: tuple[tuple[timedelta, timedelta], ...]
    jitter: float = 0.1  # +/- fraction of the interval

    @classmethod
    def default(cls) -> SchedulePolicy:
        """The default tiers of the settings (``crawl.schedule``)."""
        from redline.settings import CrawlSettings

        return cls.from_config(CrawlSettings.schedule, CrawlSettings.schedule_jitter)

    @classmethod
    def from_config(
        cls, tiers: Sequence[Sequence[str | int | float]], jitter: float = 0.1
    ) -> SchedulePolicy:
        """Build from ``[["3h", "15m"], ["1d", "1h"], ...]`` as written in a sources file."""
        parsed = []
        for tier in tiers:
            if len(tier) != 2:
                raise ConfigError(
                    f"schedule tier {tier!r} must be [age, interval], e.g. ['3h', '15m']"
                )
            parsed.append((parse_duration(tier[0]), parse_duration(tier[1])))
        if not parsed:
            raise ConfigError("a schedule needs at least one tier")
        if any(b[0] <= a[0] for a, b in pairwise(parsed)):
            raise ConfigError("schedule tiers must be in increasing order of age")
        if any(interval.total_seconds() <= 0 for _, interval in parsed):
            raise ConfigError("schedule intervals must be positive")
        if not 0 <= jitter < 1:
            raise ConfigError("schedule jitter must be between 0 and 1")
        return cls(tiers=tuple(parsed), jitter=jitter)

    def scaled(self, factor: float) -> SchedulePolicy:
        """The same shape, every duration multiplied (the demo runs hours in seconds)."""
        return SchedulePolicy(
            tiers=tuple((age * factor, every * factor) for age, every in self.tiers),
            jitter=self.jitter,
        )

    def to_config(self) -> list[list[str]]:
        return [[format_duration(a), format_duration(b)] for a, b in self.tiers]


def interval_for(age: timedelta, policy: SchedulePolicy) -> timedelta | None:
    """The check interval for an article whose last change was ``age`` ago; None = never again."""
    for younger_than, every in policy.tiers:
        if age < younger_than:
            return every
    return None


def next_check_at(
    now: datetime,
    last_changed: datetime,
    policy: SchedulePolicy,
    rng: random.Random | None = None,
) -> datetime | None:
    """Next check time, or None when the article is old enough never to be checked again."""
    age = max(now - last_changed, timedelta(0))
    every = interval_for(age, policy)
    if every is None:
        return None
    if policy.jitter:
        r = (rng or random).uniform(-policy.jitter, policy.jitter)
        every = every * (1 + r)
    return now + every
