"""Parsing the dates pages and feeds give (ISO 8601 first, then anything dateutil reads)."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from typing import Any


def parse_date(value: Any) -> datetime | None:
    """An aware datetime (UTC when the text has no offset), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    v = value.strip().replace("Z", "+00:00")
    try:
        d: datetime | None = datetime.fromisoformat(v)
    except ValueError:
        from dateutil import parser as dateparser

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                d = dateparser.parse(value)
        except (ValueError, OverflowError):
            return None
    if d is None:
        return None
    return d.replace(tzinfo=UTC) if d.tzinfo is None else d
