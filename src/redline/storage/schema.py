"""Tables, as SQLAlchemy Core metadata. Alembic migrations in ``migrations/`` create them.

Times are stored in UTC. On SQLite they are naive (SQLite has no time zone type) and made
aware again on read by ``UTCDateTime``; on PostgreSQL they are ``timestamptz``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware (UTC) datetimes out, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("config", Text, nullable=False),  # JSON of SourceConfig.to_dict()
    Column("created_at", UTCDateTime, nullable=False),
    Column("next_discovery", UTCDateTime),
    Column("last_discovery", UTCDateTime),
    Column("lease_owner", String(64)),
    Column("lease_expires", UTCDateTime),
    # A paused source is neither discovered nor are its articles checked (`source pause`).
    Column("paused", Boolean, nullable=False, server_default=false()),
)

# Conditional-request state of each feed / sitemap / homepage a source polls, so an unchanged
# one costs a 304. Per (source, url, kind): two sources polling one URL each keep their own
# validators, else the second would get a 304 for what only the first has seen.
discovery_state = Table(
    "discovery_state",
    metadata,
    Column(
        "source_id",
        Integer,
        ForeignKey("sources.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("url", Text, primary_key=True),
    Column("kind", String(16), primary_key=True),  # feed, sitemap, homepage
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_fetched", UTCDateTime),
    Column("last_error", Text),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="SET NULL")),
    Column("url", Text, nullable=False, unique=True),  # canonical URL
    Column("status", String(16), nullable=False, default="live"),
    Column("title", Text),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_checked", UTCDateTime),
    Column("last_changed", UTCDateTime),
    Column("next_check", UTCDateTime),  # NULL: never checked again
    Column("version_count", Integer, nullable=False, default=0),
    Column("check_count", Integer, nullable=False, default=0),
    Column("missing_count", Integer, nullable=False, default=0),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("region_fp", String(64)),  # fast path: fingerprint of the article region last seen
    Column("last_error", Text),
    Column("lease_owner", String(64)),
    Column("lease_expires", UTCDateTime),
    Index("ix_articles_due", "status", "next_check"),
    Index("ix_articles_next_check", "next_check"),  # 0003: the frontier claim walks it in order
    Index("ix_articles_source_changed", "source_id", "last_changed"),
    Index("ix_articles_last_changed", "last_changed"),
    Index("ix_articles_first_seen", "first_seen", "id"),  # 0002: article lists
    Index("ix_articles_source_first_seen", "source_id", "first_seen", "id"),
)

# Every URL variant that led to an article: tracking-parameter variants, AMP, redirects.
article_urls = Table(
    "article_urls",
    metadata,
    Column("key", Text, primary_key=True),  # frontier.urls.identity_key(url)
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False),
    Index("ix_article_urls_article", "article_id"),
)

blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),  # uncompressed bytes
    Column("data", LargeBinary, nullable=False),  # zstd-compressed
)

versions = Table(
    "versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("captured_at", UTCDateTime, nullable=False),
    Column("title", Text, nullable=False),
    Column("byline", Text),
    Column("published", UTCDateTime),
    Column("modified", UTCDateTime),
    Column("text", Text, nullable=False),  # paragraphs joined by a blank line
    Column("content_hash", String(64), nullable=False),
    Column("raw_sha256", String(64), ForeignKey("blobs.sha256")),
    Column("url", Text),  # the URL the page was fetched from
    Column("extractor", String(32), nullable=False),  # which step of the cascade won
    Column("extractor_version", String(32), nullable=False),
    # 0007: where the version comes from. NULL: a capture of Redline's own; 'archive': backfilled
    # from a web archive's memento (numbered 0, -1, ... before version 1; docs/archive.md).
    Column("origin", String(16)),
    Column("memento_url", Text),
    Column("memento_datetime", UTCDateTime),
    # 0013: the dek under the headline (extract/standfirst.py); NULL when the page has none, and
    # on versions stored before 0013 (their standfirst, if any, is their first paragraph)
    Column("standfirst", Text),
    # 0014: the caption of the photo above the story (extract/leadcaption.py); NULL when the page
    # has none, and on versions stored before 0014
    Column("lead_caption", Text),
    UniqueConstraint("article_id", "number"),
    Index("ix_versions_captured_at", "captured_at"),
)

# What separates a version from the one before it (filled by the diff engine).
changes = Table(
    "changes",
    metadata,
    Column("version_id", Integer, ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("engine_version", String(32), nullable=False),
    Column("level", String(16), nullable=False),
    Column("score", Float, nullable=False),
    Column("classes", Text, nullable=False),  # JSON list
    Column("summary", Text, nullable=False),
    Column("stealth", Boolean, nullable=False),
    Column("headline_changed", Boolean, nullable=False),
    Column("data", Text, nullable=False),  # JSON of the full result
    Index("ix_changes_created", "created_at"),
    Index("ix_changes_level_created", "level", "created_at"),
    Index("ix_changes_article", "article_id", "version_id"),  # 0002
    Index("ix_changes_created_version", "created_at", "version_id"),  # 0002: front page keyset
    # 0002 also adds partial indexes (headline, stealth, correction) and full-text search
    # (SQLite FTS5 table versions_fts, PostgreSQL GIN ix_versions_fts); see that migration.
)

captures = Table(
    "captures",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("captured_at", UTCDateTime, nullable=False),
    Column("url", Text, nullable=False),
    Column("final_url", Text),
    Column("http_status", Integer),
    Column("duration_ms", Integer),
    Column("bytes", Integer),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("outcome", String(16), nullable=False),
    Column("reason", Text),
    Column("version_id", Integer, ForeignKey("versions.id", ondelete="SET NULL")),
    Column("worker", String(64)),
    Index("ix_captures_article", "article_id", "captured_at"),
    Index("ix_captures_outcome_time", "outcome", "captured_at"),
)

# 0007: WARC records of captures (request, response, revisit) and of backfilled mementos. The
# head (WARC headers + HTTP headers, zstd) is stored here; the payload is the raw page in
# ``blobs`` (content-addressed by SHA-256), so a record is head + payload + CRLF CRLF.
warc_records = Table(
    "warc_records",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("capture_id", BigInteger, ForeignKey("captures.id", ondelete="SET NULL")),
    Column("version_id", Integer, ForeignKey("versions.id", ondelete="SET NULL")),
    Column("record_id", String(64), nullable=False, unique=True),  # <urn:uuid:...>
    Column("record_type", String(16), nullable=False),  # request, response, revisit
    Column("target_uri", Text, nullable=False),
    Column("warc_date", UTCDateTime, nullable=False),
    Column("http_status", Integer),
    Column("content_type", Text),
    Column("payload_digest", String(64)),  # WARC-Payload-Digest (sha1:BASE32)
    Column("payload_sha256", String(64), ForeignKey("blobs.sha256")),  # response payload
    Column("head", LargeBinary, nullable=False),  # zstd of the record up to the payload
    Index("ix_warc_records_article", "article_id", "id"),
    Index("ix_warc_records_version", "version_id"),
    Index("ix_warc_records_digest", "payload_digest"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("detail", Text),
    Index("ix_events_article", "article_id", "at"),
    Index("ix_events_kind_at", "kind", "at"),
    Index("ix_events_kind_at_id", "kind", "at", "id"),  # 0002: deletions stream
)

workers = Table(
    "workers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("host", Text),
    Column("pid", Integer),
    Column("started_at", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("checks", Integer, nullable=False, default=0),
    Column("errors", Integer, nullable=False, default=0),
    Column("last_check", UTCDateTime, nullable=True),  # its last completed check
    Column("last_progress", UTCDateTime, nullable=True),  # last check, or found nothing due
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("token_hash", String(128), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used", UTCDateTime),
)

# 0008: what Redline learned about each source's furniture (redline.furniture). A ``text`` row
# counts the different articles whose first version had that block (a rule once ``articles``
# reaches FurnitureSettings.min_articles); ``rotating`` and ``teaser`` rows are rules at once.
# ``fired``: how many extractions dropped a block because of the rule.
furniture_rules = Table(
    "furniture_rules",
    metadata,
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(16), primary_key=True),  # furniture.RuleKind
    Column("key_hash", String(64), primary_key=True),  # SHA-256 of the key
    Column("key", Text, nullable=False),  # extract.furniture.furniture_key of the block
    Column("sample", Text, nullable=False),  # the block as first seen
    Column("articles", Integer, nullable=False, default=0),
    Column("fired", Integer, nullable=False, default=0),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("last_fired", UTCDateTime),
    Index("ix_furniture_rules_active", "source_id", "kind", "articles"),
)

# ---- notifications (0009) -------------------------------------------------------------------

# A subscription: a rule (JSON of notify.rules.Rule) and a destination (an apprise URL or an
# http(s) webhook signed with ``secret``). ``retry_at`` pauses a failing destination as a whole,
# so its backlog costs one attempt per backoff step, not one per pending delivery.
subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("destination", Text, nullable=False),
    Column("secret", Text),  # whsec_… for webhooks
    Column("rule", Text, nullable=False),
    Column("digest_minutes", Integer),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_sent", UTCDateTime),
    Column("failing_since", UTCDateTime),
    Column("retry_at", UTCDateTime),
    Column("last_error", Text),
)

# The outbox: one row per (subscription, change or removal), written in the transaction of the
# version or event it announces, leased to one deliverer at a time like the frontier.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column(
        "subscription_id",
        Integer,
        ForeignKey("subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("message_id", String(96), nullable=False, unique=True),  # webhook-id, kept on retries
    Column("kind", String(16), nullable=False),  # change | removal
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("version_id", Integer),  # the change's version (kind change)
    Column("event_id", Integer),  # the removal event (kind removal)
    Column("created_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt", UTCDateTime, nullable=False),
    Column("last_error", Text),
    Column("last_status", Integer),  # HTTP status of the last attempt, if any
    Column("batch", String(96)),  # digest: the message id this row was sent under
    Column("lease_owner", String(64)),
    Column("lease_expires", UTCDateTime),
    Column("delivered_at", UTCDateTime),
    Index("ix_deliveries_due", "status", "next_attempt"),
    Index("ix_deliveries_subscription", "subscription_id", "status", "id"),
)

# Per-source counters kept exact by triggers on articles (migration 0011): the sources page
# reads one row per source instead of counting every article.
source_stats = Table(
    "source_stats",
    metadata,
    Column("source_id", Integer, primary_key=True),
    Column("articles", Integer, nullable=False, server_default="0"),
    Column("removed", Integer, nullable=False, server_default="0"),
)

# One row whose counter triggers bump when stored history is rewritten in place (migration
# 0012): web validators include it, so a rediff or re-extraction changes every ETag.
data_revision = Table(
    "data_revision",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("n", BigInteger, nullable=False, server_default="0"),
)
