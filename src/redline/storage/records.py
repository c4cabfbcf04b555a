"""Typed rows that cross the storage boundary (no SQLAlchemy objects leak out)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from redline.furniture.policy import Block, RuleKind
from redline.sources.model import SourceConfig
from redline.vocabulary import ArticleStatus, EventKind, Outcome


@dataclass(frozen=True)
class SourceRow:
    id: int
    config: SourceConfig
    created_at: datetime
    next_discovery: datetime | None
    last_discovery: datetime | None
    paused: bool = False
    """Neither discovered nor its articles checked until resumed."""

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
    origin: str | None = None  # None: Redline's own capture; 'archive': backfilled (0007)
    memento_url: str | None = None
    memento_datetime: datetime | None = None
    standfirst: str | None = None  # the dek under the headline (0013)
    lead_caption: str | None = None  # the caption of the photo above the story (0014)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(p for p in self.text.split("\n\n") if p)


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
    standfirst: str | None = None
    lead_caption: str | None = None


@dataclass(frozen=True)
class ArchiveVersion:
    """A version found in a web archive's memento, to insert before the tracked ones."""

    version: NewVersion
    memento_url: str
    memento_datetime: datetime
    final_url: str
    change: ChangeRow | None = None  # against the archive version before it, if any
    warc: tuple[WarcRecordData, ...] = ()


@dataclass(frozen=True)
class HeldPayload:
    """The first response record holding a payload: what a revisit record refers to."""

    record_id: str
    target_uri: str
    warc_date: datetime


@dataclass(frozen=True)
class WarcRecordData:
    """One WARC record as built by ``redline.archive.warc``: ``head`` is the record up to its
    payload (WARC headers, blank line, HTTP headers); the record is head + payload + CRLF CRLF.

    A response record carries ``revisit``, which builds the revisit record that replaces it
    when a response with the same payload is already held. Storage decides that in the
    transaction that writes the record (decide-then-apply), so two captures of one payload
    written at the same moment never both become responses."""

    record_id: str
    record_type: str  # request | response | revisit
    target_uri: str
    warc_date: datetime
    head: bytes
    payload: bytes | None = None  # response records only; stored once per SHA-256 in blobs
    http_status: int | None = None
    content_type: str | None = None
    payload_digest: str | None = None
    revisit: Callable[[HeldPayload], WarcRecordData] | None = field(
        default=None, compare=False, repr=False
    )


@dataclass(frozen=True)
class MovedMerge:
    """A moved story's two records becoming one (decided by the checker, applied by storage)."""

    keep: int
    absorbed: int
    url: str  # the story's new main URL
    drop: frozenset[int] = frozenset()  # absorbed versions that repeat the kept record's latest
    first_change: ChangeRow | None = None  # the first moved version against the kept latest


@dataclass(frozen=True)
class FurnitureRuleRow:
    """One learned furniture rule of a source (``redline source show``)."""

    kind: RuleKind
    key: str
    sample: str
    articles: int
    fired: int
    first_seen: datetime
    last_seen: datetime
    last_fired: datetime | None


@dataclass(frozen=True)
class FurnitureUpdate:
    """What one check teaches about its source's furniture, written with the check."""

    source_id: int
    first_blocks: tuple[Block, ...] = ()  # blocks of an article's first version (template evidence)
    rotating: tuple[Block, ...] = ()  # blocks seen rotating between two fetches
    slots: tuple[Block, ...] = ()  # template places of furniture seen in this capture (key: path)
    # rules that dropped blocks, with how many times: a worker's tally since its last write
    fired: tuple[tuple[RuleKind, Block, int], ...] = ()
    min_articles: int = 3  # FurnitureSettings.min_articles: when a text block becomes a rule

    @property
    def empty(self) -> bool:
        return not (self.first_blocks or self.rotating or self.slots or self.fired)


@dataclass(frozen=True)
class CheckRecord:
    """Everything one check of one article writes, applied in one transaction."""

    article_id: int
    captured_at: datetime
    url: str
    outcome: Outcome
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
    status: ArticleStatus | None = None  # new article status, if it changes
    missing_count: int | None = None
    events: list[tuple[EventKind, str | None]] = field(default_factory=list)
    last_changed: datetime | None = None
    worker: str | None = None
    warc: tuple[WarcRecordData, ...] = ()  # this capture's WARC records (docs/archive.md)
    furniture: FurnitureUpdate | None = None


@dataclass(frozen=True)
class RewrittenVersion:
    """A version kept by ``redline reextract``: its (maybe new) number and content."""

    version_id: int
    number: int
    title: str
    byline: str | None
    text: str
    content_hash: str
    extractor: str
    extractor_version: str
    change: ChangeRow | None  # from the version kept before it (None for the first)
    standfirst: str | None = None
    lead_caption: str | None = None


@dataclass(frozen=True)
class HistoryRewrite:
    """An article's history rebuilt by ``redline reextract``, applied in one transaction."""

    article_id: int
    expected_version_count: int  # compare-and-set: a check that wrote a version meanwhile wins
    kept: tuple[RewrittenVersion, ...]
    collapsed: tuple[tuple[int, str], ...]  # (version id, reason): its capture becomes unchanged


# ---- notifications ------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryRow:
    """One outbox row, as a deliverer (or ``notify log``) sees it."""

    id: int
    subscription_id: int
    message_id: str
    kind: str  # notify.rules.ItemKind
    article_id: int
    version_id: int | None
    event_id: int | None
    created_at: datetime
    status: str  # pending | delivered | failed
    attempts: int
    next_attempt: datetime
    last_error: str | None
    last_status: int | None
    batch: str | None
    delivered_at: datetime | None
    subscription: str = ""


@dataclass(frozen=True)
class NotifyItem:
    """What a message about one change or removal says (read once per delivery)."""

    kind: str  # change | removal
    ref_id: int  # the version id (change) or event id (removal)
    at: datetime
    article_id: int
    url: str
    title: str | None
    source: str | None
    version_from: int | None = None
    version_to: int | None = None
    old_title: str | None = None
    level: str | None = None
    classes: tuple[str, ...] = ()
    summary: str | None = None
    stealth: bool = False
    removal: str | None = None  # deleted | gone | redirected
    detail: str | None = None  # the event's detail (e.g. where it redirected)


@dataclass(frozen=True)
class StreamItem:
    """One entry of the change stream: a change or an event, with the cursor after it."""

    cursor: str
    kind: str  # change | event
    at: datetime
    article_id: int
    version_id: int | None = None
    event_id: int | None = None
    event: str | None = None
