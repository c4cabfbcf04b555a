"""Jinja2 set-up: autoescaping everywhere, and the small formatting filters the pages share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from redline.diff import CLASS_LABELS
from redline.web.wording import removal_label

LEVEL_LABELS = {
    "none": "No change",
    "cosmetic": "Cosmetic",
    "minor": "Minor",
    "substantive": "Substantive",
    "major": "Major",
}
EVENT_LABELS = {
    "first_seen": "First seen",
    "deleted": "Deleted",
    "gone": "Gone (HTTP 410)",
    "redirected": "Redirected",
    "suspect": "Suspect capture",
    "restored": "Restored",
    "moved": "Moved to a new URL",
}


def fmt_time(d: datetime | None) -> str:
    """A time as people write it ('20 Nov 2026, 13:00 UTC'); the exact ISO time goes in the
    <time> element's datetime and title attributes."""
    if d is None:
        return "—"
    u = d.astimezone(UTC)
    return f"{u.day} {u:%b %Y, %H:%M} UTC"


def as_datetime(value: str | None) -> datetime | None:
    """A date field of a version (ISO text from the page's metadata) as a time, or None when it
    is not one; a date without a zone is taken as UTC."""
    if not value:
        return None
    try:
        d = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def fmt_iso(d: datetime | None) -> str:
    return "" if d is None else d.astimezone(UTC).isoformat()


def ago(d: datetime | None, now: datetime) -> str:
    """'3 min ago', 'in 2 h': short relative times for lists."""
    if d is None:
        return ""
    secs = (now - d).total_seconds()
    future, secs = secs < 0, abs(secs)
    if secs < 60:
        text = "just now" if not future else "in under a minute"
        return text
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if secs >= size:
            n = int(secs // size)
            return f"in {n} {unit}" if future else f"{n} {unit} ago"
    return ""


@pass_context
def _ago(ctx: Context, d: datetime | None) -> str:
    return ago(d, ctx["now"])


def class_label(name: str) -> str:
    return CLASS_LABELS.get(name, name.replace("_", " ").capitalize())


def path_segment(value: str) -> str:
    """``value`` as one URL path segment: every reserved character encoded, '/' included
    (Jinja's ``urlencode`` keeps '/', so a name like ``team/desk`` would become two segments)."""
    return quote(str(value), safe="")


def make_env() -> Environment:
    env = Environment(
        loader=PackageLoader("redline.web", "templates"),
        autoescape=select_autoescape(["html", "xml"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates ship with the package: no stat() of each file per page
    )
    env.filters.update(
        time=fmt_time,
        iso=fmt_iso,
        class_label=class_label,
        level_label=lambda lv: LEVEL_LABELS.get(lv or "", lv or ""),
        event_label=lambda k: EVENT_LABELS.get(k, k),
        removal_label=removal_label,
        as_datetime=as_datetime,
        path_segment=path_segment,
    )
    env.globals.update(LEVEL_LABELS=LEVEL_LABELS, CLASS_LABELS=CLASS_LABELS, ago=_ago)
    return env


def render(env: Environment, name: str, **context: Any) -> str:
    return env.get_template(name).render(**context)
