"""Changing a source: one merge and one validation shared by the CLI, the web forms and the API.

A change is a partial dict in the sources-file vocabulary (``feeds``, ``homepage``, ``delay``...);
keys left out keep their value, an empty value clears an optional one. The merged dict goes
through ``SourceConfig.from_dict``, so every path validates exactly as a sources file does.
"""

from __future__ import annotations

from typing import Any

from redline.errors import ConfigError
from redline.sources.model import FILE_ONLY, KEYS, SourceConfig

EDITABLE = tuple(k for k in KEYS if k != "name" and k not in FILE_ONLY)
"""What an edit may change (the name may not: it is the source's identity in URLs and feeds)."""


def _cleared(key: str, value: Any) -> bool:
    return value == "" or (value == [] and key not in ("schedule",))


def merge(cfg: SourceConfig, changes: dict[str, Any]) -> SourceConfig:
    """``cfg`` with ``changes`` applied and validated (ConfigError, one line, naming the field)."""
    unknown = set(changes) - set(EDITABLE)
    if "name" in unknown and changes.get("name") == cfg.name:
        unknown.discard("name")
    if unknown:
        raise ConfigError(
            f"cannot change {', '.join(sorted(unknown))} of source {cfg.name!r}; "
            f"editable: {', '.join(EDITABLE)}"
        )
    d = cfg.to_dict()
    for key, value in changes.items():
        if key == "name":
            continue
        if value is None or _cleared(key, value):
            d.pop(key, None)
            if key == "schedule":
                d.pop("schedule_jitter", None)
        else:
            d[key] = value
    return SourceConfig.from_dict(d)


def field_errors(d: dict[str, Any]) -> dict[str, str]:
    """Each field of a would-be source checked on its own, so a form can show every message
    next to its field at once (``from_dict`` stops at the first)."""
    errors: dict[str, str] = {}
    name = d.get("name")
    try:
        SourceConfig.from_dict({"name": name})
    except ConfigError as exc:
        errors["name"] = str(exc)
        name = "source"
    for key, value in d.items():
        if key == "name" or value in (None, "", []):
            continue
        try:
            SourceConfig.from_dict({"name": name, key: value})
        except ConfigError as exc:
            errors[key] = str(exc)
    return errors


def parse_schedule(text: str) -> list[list[str]]:
    """``"3h=15m, 1d=1h, 7d=6h"`` (age=interval tiers) as a sources file writes them."""
    tiers = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        age, sep, every = part.partition("=")
        if not sep:
            raise ConfigError(
                f"invalid schedule tier {part!r}: write age=interval, e.g. '3h=15m, 1d=1h'"
            )
        tiers.append([age.strip(), every.strip()])
    return tiers


def format_schedule(cfg: SourceConfig) -> str:
    """The inverse of ``parse_schedule`` for a form's field."""
    if cfg.schedule is None:
        return ""
    return ", ".join(f"{a}={b}" for a, b in cfg.schedule.to_config())
