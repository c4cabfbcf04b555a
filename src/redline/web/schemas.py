"""Response models of the JSON API: what /api/openapi.json tells a client each endpoint returns.

They describe the shapes ``redline.serialize`` and ``web.shapes`` build (those stay the one
place that builds them, shared with the CLI's ``--json``). Every model allows extra fields:
shapes change only by adding fields, and a field added there must never be dropped here.
Times are ISO 8601 strings with a UTC offset.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from redline.vocabulary import ArticleStatus, RemovalKind


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


class SourceStats(_Shape):
    articles: int = Field(description="Articles tracked")
    changed: int = Field(description="Articles with a non-cosmetic change in the last 24 hours")
    deleted: int = Field(description="Articles now removed: deleted, gone or redirected")


class Source(_Shape):
    name: str
    feeds: list[str]
    sitemaps: list[str]
    homepage: str | None
    include: list[str]
    exclude: list[str]
    respect_robots: bool
    allow_private: bool
    concurrency: int | None = None
    delay: float | None = None
    schedule: Any = None
    schedule_jitter: float | None = None
    discover_every: str | None = None
    rules: dict[str, Any] | None = None
    paused: bool = Field(False, description="Paused: neither discovered nor its articles checked")
    strip_params: list[str] | None = None
    stats: SourceStats | None = None


class Article(_Shape):
    id: int
    url: str
    source: str | None
    title: str | None
    status: ArticleStatus
    version_count: int
    check_count: int
    first_seen: str
    last_checked: str | None
    last_changed: str | None
    next_check: str | None
    last_error: str | None


class Change(_Shape):
    level: str = Field(description="none, cosmetic, minor, substantive or major")
    score: float
    classes: list[str]
    summary: str
    stealth: bool


class Provenance(_Shape):
    """Where a version comes from (docs/archive.md)."""

    kind: Literal["capture", "archive"] = Field(description="Redline's own capture or a memento")
    captured_at: str | None
    status: int | None = Field(description="HTTP status of the capture")
    final_url: str | None
    sha256: str | None = Field(description="SHA-256 of the raw response body")
    warc_record_id: str | None
    warc_date: str | None = Field(
        None, description="WARC-Date of that record: the timestamp replay tools file it under"
    )
    memento_url: str | None = None
    memento_datetime: str | None = None
    note: str | None = Field(None, description="Why there is no WARC record, when there is none")


_LEAD_CAPTION = "The caption of the photo above the story, if any (a field like the standfirst)"


class VersionMeta(_Shape):
    number: int
    captured_at: str
    title: str
    standfirst: str | None = Field(None, description="The dek under the headline, if any")
    lead_caption: str | None = Field(None, description=_LEAD_CAPTION)
    byline: str | None
    url: str | None
    chars: int
    change: Change | None = None


class Version(_Shape):
    number: int
    captured_at: str
    title: str
    standfirst: str | None = Field(
        None, description="The dek under the headline, if any (a field like the title)"
    )
    lead_caption: str | None = Field(None, description=_LEAD_CAPTION)
    byline: str | None
    published: str | None
    modified: str | None
    text: str
    paragraphs: list[str]
    url: str | None
    extractor: str
    raw_sha256: str | None
    change: Change | None = None
    provenance: Provenance | None = None


class Event(_Shape):
    at: str
    kind: str
    detail: str | None


_LATEST_STANDFIRST = "The latest version's standfirst (the dek under the headline), if any"
_LATEST_LEAD_CAPTION = "The latest version's lead photo caption, if any"


class ArticleDetail(Article):
    standfirst: str | None = Field(None, description=_LATEST_STANDFIRST)
    lead_caption: str | None = Field(None, description=_LATEST_LEAD_CAPTION)
    versions: list[VersionMeta]
    events: list[Event]


class History(Article):
    standfirst: str | None = Field(None, description=_LATEST_STANDFIRST)
    lead_caption: str | None = Field(None, description=_LATEST_LEAD_CAPTION)
    versions: list[Version]
    events: list[Event]


class StreamArticle(_Shape):
    id: int
    url: str
    source: str | None
    status: str
    title: str | None


class Removal(_Shape):
    kind: RemovalKind
    label: str = Field(description='How it went, e.g. "Redirected to the World section"')
    redirect_to: str | None


class StreamEntry(_Shape):
    kind: Literal["change", "deleted", "gone", "redirected"]
    at: str
    article: StreamArticle
    version: int | None = None
    old_title: str | None = None
    level: str | None = None
    score: float | None = None
    classes: list[str] | None = None
    summary: str | None = None
    stealth: bool | None = None
    headline_changed: bool | None = None
    detail: str | None = None
    removal: Removal | None = None
    links: dict[str, str]


class FieldChange(_Shape):
    field: Literal["title", "standfirst", "lead_caption", "byline", "published", "modified"]
    old: str | None
    new: str | None
    tokens: list[tuple[str, str]] = Field(description='Word diff: ("=" | "-" | "+", text)')
    classes: list[str]
    details: list[str]


class AlignedItem(_Shape):
    op: Literal["equal", "edited", "added", "removed", "moved"]
    old: tuple[int, int] | None
    new: tuple[int, int] | None
    old_text: str | None
    new_text: str | None
    tokens: list[tuple[str, str]]
    sep: str
    new_count: int
    old_count: int
    classes: list[str]
    level: str
    details: list[str]


class ChangeResult(_Shape):
    engine: str
    initial: bool
    level: str
    score: float
    classes: list[str]
    summary: str
    stealth: bool
    fields: list[FieldChange]
    items: list[AlignedItem]
    counts: dict[str, int]


class Diff(_Shape):
    article_id: int
    from_: int = Field(alias="from")
    to: int
    stored: bool
    change: ChangeResult
    links: dict[str, str]

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class SearchArticle(StreamArticle):
    version_count: int


class SearchVersion(_Shape):
    number: int
    captured_at: str
    title: str


class SearchHit(_Shape):
    article: SearchArticle
    versions: list[SearchVersion]
    snippet: str
    links: dict[str, str]


class SourceList(_Shape):
    items: list[Source]
    next: None


class ChangeList(_Shape):
    items: list[StreamEntry]
    next: str | None = Field(description="Pass as `before` for the next page")


class ArticleList(_Shape):
    items: list[Article]
    next: str | None


class VersionList(_Shape):
    items: list[VersionMeta]
    next: None


class SearchList(_Shape):
    items: list[SearchHit]
    next: str | None


# ---- operators: subscriptions (docs/notify.md) ----------------------------------------------


class SubscriptionRule(_Shape):
    sources: list[str] = Field(description="Only these sources (empty: every source)")
    articles: list[str] = Field(description="Only these articles' canonical URLs")
    url_pattern: str | None = Field(description="Only article URLs matching this glob")
    min_level: Literal["cosmetic", "minor", "substantive", "major"]
    classes: list[str] = Field(description="Only changes with one of these classes (empty: any)")
    stealth_only: bool
    removals: bool = Field(description="Announce deleted, gone and redirected stories")


class Subscription(_Shape):
    name: str
    kind: Literal["webhook", "apprise"]
    destination: str = Field(description="Masked: passwords, query values and tokens are ****")
    encrypted: bool = Field(False, description="Stored encrypted with `notify.secret_key`")
    rule: SubscriptionRule
    digest_minutes: int | None = Field(description="At most one message per this many minutes")
    status: Literal["ok", "failing"]
    failing: bool
    failing_since: str | None
    retry_at: str | None = Field(description="When a failing destination is tried next")
    last_error: str | None
    last_sent: str | None = Field(description="The last successful delivery")
    created_at: str
    pending: int
    delivered: int
    failed: int = Field(description="Deliveries given up after `notify.max_attempts` tries")


class SubscriptionList(_Shape):
    items: list[Subscription]
    next: None


class SubscriptionCreated(_Shape):
    subscription: Subscription
    secret: str | None = Field(
        description="A webhook's `whsec_…` signing secret: shown in this answer only, never again"
    )


class SubscriptionRemoved(_Shape):
    removed: str


class SendAnswer(_Shape):
    ok: bool
    status: int | None = Field(description="The destination's HTTP status, when there was one")
    error: str | None
    line: str = Field(description="One line, as `redline notify test` prints it")


class Delivery(_Shape):
    id: int
    subscription: str
    message_id: str = Field(description="The webhook-id, the same on every redelivery")
    type: Literal["change", "removal"]
    article_id: int
    change_id: int | None
    event_id: int | None
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    last_error: str | None
    last_status: int | None
    created_at: str
    next_attempt: str | None
    delivered_at: str | None


class DeliveryList(_Shape):
    items: list[Delivery]
    next: None
