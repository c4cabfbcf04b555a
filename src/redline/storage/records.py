"""Typed rows that cross the storage boundary (no SQLAlchemy objects leak out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from redline.sources.model import SourceConfig


@dataclass(frozen=True)
class SourceRow:
    id: int
    config: SourceConfig
    created_at: datetime
    next_discovery: datetime | None
    last_discovery: datetime | None

    @property
    def name(self) -> str:
        return self.config.name


@dataclass(frozen=True)
class ArticleRow:
    id: int
    url: str
    source_id: int | None
    source: str | None
    status: str
    title: str | None
    first_seen: datetime
    last_checked: datetime | None
    last_changed: datetime | None
    next_check: datetime | None
    version_count: int
    check_count: int
    missing_count: int
    etag: str | None
    last_modified: str | None
    region_fp: str | None
    last_error: str | None


@dataclass(frozen=True)
class VersionRow:
    id: int
    article_id: int
    number: int
    captured_at: datetime
    title: str
    byline: str | None
    published: datetime | None
    modified: datetime | None
    text: str
    content_hash: str
    raw_sha256: str | None
    url: str | None
    extractor: str
    extractor_version: str

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(p for p in self.text.split("\n\n") if p)


class RemovalKind(StrEnum):
    """How an article stopped being there: for readers each is a removal (one stream, one feed)."""

    DELETED = "deleted"  # 404 on consecutive checks
    GONE = "gone"  # 410
    REDIRECTED = "redirected"  # sent to a section front, the homepage or another page


@dataclass(frozen=True)
class ChangeRow:
    """A version's stored change: what the diff engine said. The same record is written (with
    no ``version_id`` yet: the version gets its id in the same transaction) and read back."""

    engine_version: str
    level: str
    score: float
    classes: list[str]
    summary: str
    stealth: bool
    data: dict[str, Any]
    version_id: int | None = None


@dataclass(frozen=True)
class EventRow:
    article_id: int
    at: datetime
    kind: str
    detail: str | None


@dataclass(frozen=True)
class CaptureRow:
    id: int
    article_id: int
    captured_at: datetime
    url: str
    final_url: str | None
    http_status: int | None
    duration_ms: int | None
    bytes: int | None
    outcome: str
    reason: str | None
    version_id: int | None


# ---- write-side records -------------------------------------------------------------------


@dataclass(frozen=True)
class NewVersion:
    title: str
    byline: str | None
    published: datetime | None
    modified: datetime | None
    text: str
    content_hash: str
    extractor: str
    extractor_version: str
    raw_html: bytes | None = None


@dataclass(frozen=True)
class CheckRecord:
    """Everything one check of one article writes, applied in one transaction."""

    article_id: int
    captured_at: datetime
    url: str
    outcome: str  # new_version | unchanged | not_modified | suspect | error | missing | redirected | merged | conflict
    final_url: str | None = None
    http_status: int | None = None
    duration_ms: int | None = None
    bytes: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    reason: str | None = None
    region_fp: str | None = None
    next_check: datetime | None = None
    expected_version_count: int | None = None  # compare-and-set guard for new versions
    version: NewVersion | None = None
    change: ChangeRow | None = None
    status: str | None = None  # new article status, if it changes
    missing_count: int | None = None
    events: list[tuple[str, str | None]] = field(default_factory=list)
    last_changed: datetime | None = None
    worker: str | None = None
