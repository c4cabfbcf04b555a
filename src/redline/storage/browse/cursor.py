"""Keyset positions shared by every browse list: a cursor into a newest-first stream, a page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from redline.errors import ConfigError

T = TypeVar("T")

LEVELS = ("none", "cosmetic", "minor", "substantive", "major")

_CURSOR = re.compile(r"^(\d{1,19})([ce])(\d{1,10})$")
_MAX_ID = 2**31 - 1


class BadCursor(ConfigError):
    """A pagination cursor that this server did not hand out."""


@dataclass(frozen=True, order=True)
class Cursor:
    """A position in a newest-first stream: (time, rank, id). Changes rank above events that
    happened at the same instant, so one cursor can page through both at once."""

    at: datetime
    rank: int  # 1: change (or any single-kind row), 0: event
    id: int

    def encode(self) -> str:
        micros = int(self.at.timestamp()) * 1_000_000 + self.at.microsecond
        return f"{micros}{'c' if self.rank else 'e'}{self.id}"

    @classmethod
    def decode(cls, raw: str) -> Cursor:
        m = _CURSOR.match(raw)
        if not m or int(m.group(3)) > _MAX_ID:
            raise BadCursor(f"invalid cursor {raw[:40]!r}: use the 'next' value a page returned")
        micros = int(m.group(1))
        try:
            at = datetime.fromtimestamp(micros // 1_000_000, UTC).replace(
                microsecond=micros % 1_000_000
            )
        except (OverflowError, OSError, ValueError) as exc:
            raise BadCursor(f"invalid cursor {raw[:40]!r}: time out of range") from exc
        return cls(at=at, rank=1 if m.group(2) == "c" else 0, id=int(m.group(3)))


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next: Cursor | None
