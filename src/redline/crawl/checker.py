"""Check one article: fetch, extract, judge, record. The heart of the pipeline.

Every fetch ends in exactly one capture row (see docs/architecture.md for the outcomes):
new_version, unchanged, not_modified, suspect, error, missing, redirected, merged.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redline import __version__, metrics
from redline.errors import ExtractionError, FetchError, StorageError
from redline.extract import Extraction, ExtractRules, extract, region_fingerprint
from redline.extract.decode import decode_html
from redline.fetch.addresses import PUBLIC_ONLY, AddressPolicy
from redline.fetch.client import Fetcher
from redline.fetch.result import FetchResult
from redline.frontier.links import judge_redirect, redirect_confirmed, usable_canonical
from redline.frontier.schedule import SchedulePolicy, next_check_at
from redline.frontier.urls import identity_key
from redline.settings import CrawlSettings
from redline.sources.model import SourceConfig
from redline.storage import ArticleRow, CheckRecord, NewVersion, Store, VersionConflict
from redline.versions.changes import change_between
from redline.versions.policy import content_hash, judge

log = logging.getLogger(__name__)
EXTRACTOR_VERSION = __version__


@dataclass(frozen=True)
class CheckOutcome:
    url: str
    outcome: str
    reason: str | None = None
    version: int | None = None
    http_status: int | None = None
    summary: str | None = None  # the change summary of a new version


@dataclass
class CheckContext:
    store: Store
    fetcher: Fetcher
    settings: CrawlSettings
    policy: SchedulePolicy
    rng: random.Random
    worker: str | None = None


def address_policy(source: SourceConfig | None, article_url: str | None = None) -> AddressPolicy:
    """A source's ``allow_private`` covers its own hosts only: those of its feeds, sitemaps and
    homepage. Links it or another source discovers elsewhere, and redirects from a public
    host, get no private address. A source with none of those discovers nothing: its articles
    were all added by hand, so the permission covers the host of the article being checked."""
    if source is None or not source.allow_private:
        return PUBLIC_ONLY
    own = (*source.feeds, *source.sitemaps, *([source.homepage] if source.homepage else []))
    if not own and article_url:
        own = (article_url,)
    return AddressPolicy.private_for(own)


def rules_for(source: SourceConfig | None) -> ExtractRules | None:
    if not source or not source.rules:
        return None
    r = source.rules
    return ExtractRules(
        title=r.get("title"),
        byline=r.get("byline"),
        body=r.get("body"),
        drop=tuple(r.get("drop") or ()),
    )


async def check_article(
    ctx: CheckContext, article: ArticleRow, source: SourceConfig | None, now: datetime
) -> CheckOutcome:
    """Fetch and judge one article, write the capture (and version), return what happened."""
    use_validators = article.status == "live" and article.version_count > 0
    try:
        fr = await ctx.fetcher.fetch(
            article.url,
            etag=article.etag if use_validators else None,
            last_modified=article.last_modified if use_validators else None,
            respect_robots=source.respect_robots if source else True,
            scope=address_policy(source, article.url),
        )
    except FetchError as exc:
        return _record(ctx, article, now, outcome="error", reason=f"{exc.kind}: {exc}")
    metrics.FETCH_SECONDS.observe(fr.duration_ms / 1000)
    try:
        return await _judge_response(ctx, article, source, fr, now)
    except VersionConflict as exc:
        log.info("version conflict on %s: %s", article.url, exc)
        return CheckOutcome(article.url, "conflict", str(exc))


def record_internal_error(
    ctx: CheckContext, article: ArticleRow, now: datetime, exc: BaseException
) -> CheckOutcome:
    """A bug met while checking ``article``: recorded as an error capture (so the article is
    rescheduled, not retried in a loop); when even that fails, only the outcome is returned."""
    reason = "internal: " + " ".join(f"{type(exc).__name__}: {exc}".split())[:500]
    try:
        return _record(ctx, article, now, outcome="error", reason=reason)
    except StorageError:
        raise
    except Exception:
        log.exception("could not record the internal error of %s", article.url)
        return CheckOutcome(article.url, "error", reason)


def _next_check(
    ctx: CheckContext, article: ArticleRow, now: datetime, changed_at: datetime | None
) -> datetime | None:
    ref = changed_at or article.last_changed or article.first_seen
    return next_check_at(now, ref, ctx.policy, ctx.rng)


def _record(
    ctx: CheckContext, article: ArticleRow, now: datetime, *, outcome: str, fr: FetchResult | None = None,
    reason: str | None = None, **fields: Any,
) -> CheckOutcome:  # fmt: skip
    next_check = fields.pop("next_check", _next_check(ctx, article, now, None))
    rec = CheckRecord(
        article_id=article.id, captured_at=now, url=article.url, outcome=outcome, reason=reason,
        final_url=fr.final_url if fr else None, http_status=fr.status if fr else None,
        duration_ms=fr.duration_ms if fr else None, bytes=len(fr.body) if fr else None,
        next_check=next_check, worker=ctx.worker, **fields,
    )  # fmt: skip
    ctx.store.record_check(rec)
    return CheckOutcome(article.url, outcome, reason, http_status=fr.status if fr else None)


async def _judge_response(
    ctx: CheckContext,
    article: ArticleRow,
    source: SourceConfig | None,
    fr: FetchResult,
    now: datetime,
) -> CheckOutcome:
    store = ctx.store
    if fr.not_modified:
        return _record(ctx, article, now, outcome="not_modified", fr=fr, missing_count=0)
    if fr.status in (404, 410):
        missing = article.missing_count + 1
        status, gone_events = None, []
        if missing >= ctx.settings.missing_checks_for_deletion and article.status == "live":
            status = "gone" if fr.status == 410 else "deleted"
            gone_events.append((status, f"HTTP {fr.status} on {missing} consecutive checks"))
        return _record(
            ctx, article, now, outcome="missing", fr=fr, reason=f"http_status: {fr.status}",
            missing_count=missing, status=status, events=gone_events,
        )  # fmt: skip
    if not fr.ok:
        return _record(
            ctx, article, now, outcome="error", fr=fr, reason=f"http_status: {fr.status}"
        )

    # Redirected: the story moved (same slug or id: an alias), or it is gone (to a homepage, a
    # section front, another article), or only the page it led to can say (after extraction).
    undecided = False
    if fr.redirects and identity_key(fr.final_url) != identity_key(article.url):
        other = store.find_article(fr.final_url)
        move = judge_redirect(
            article.url, fr.final_url, homepages=_homepages(source),
            target_is_other_article=other is not None and other.id != article.id,
        )  # fmt: skip
        if move == "away":
            return _redirected(ctx, article, now, fr)
        if move == "moved" or article.version_count == 0:  # a new link: where it leads is it
            store.add_alias(article.id, fr.final_url)
        undecided = move == "undecided" and article.version_count > 0

    restored = article.status in ("deleted", "gone")
    known_fp = article.region_fp if article.version_count and not restored else None
    # Decoding, fingerprinting and extraction are CPU work: a thread keeps the event loop (and
    # the timeouts of every other fetch in flight) running while a heavy page is parsed.
    fp, extracted = await asyncio.to_thread(_analyse, fr, rules_for(source), known_fp)
    if undecided and isinstance(extracted, ExtractionError):
        return _redirected(ctx, article, now, fr)  # led to something that is not an article
    if isinstance(extracted, ExtractionError):
        reason = extracted.reason
        return _record(
            ctx, article, now, outcome="suspect", fr=fr, reason=reason, events=[("suspect", reason)]
        )
    if extracted is None:
        # Fast path: the article's own region is byte-for-byte what we saw last time.
        if undecided:
            store.add_alias(article.id, fr.final_url)  # the very same story at a new URL
        return _record(
            ctx, article, now, outcome="unchanged", fr=fr, etag=fr.etag,
            last_modified=fr.last_modified, missing_count=0,
        )  # fmt: skip
    ext = extracted
    latest = store.latest_version(article.id) if article.version_count else None
    if undecided:
        same = redirect_confirmed(
            article.url, ext.canonical_url, title=ext.title,
            previous_title=latest.title if latest else None,
        )  # fmt: skip
        if not same:
            return _redirected(ctx, article, now, fr)
        store.add_alias(article.id, fr.final_url)

    merged = _follow_canonical(ctx, article, source, ext.canonical_url, now)
    if merged is not None:
        return _record(
            ctx, merged, now, outcome="merged", fr=fr, reason=f"same article as {merged.url}"
        )

    verdict = judge(
        title=ext.title, byline=ext.byline, paragraphs=ext.paragraphs,
        previous_hash=latest.content_hash if latest else None,
        previous_words=len(latest.text.split()) if latest else None, settings=ctx.settings,
    )  # fmt: skip
    events: list[tuple[str, str | None]] = []
    if restored and verdict.outcome != "suspect":
        events.append(("restored", f"HTTP {fr.status} after {article.status}"))
    common: dict[str, Any] = dict(
        etag=fr.etag,
        last_modified=fr.last_modified,
        missing_count=0,
        status="live" if restored else None,
    )
    if verdict.outcome == "suspect":
        events.append(("suspect", verdict.reason))
        return _record(
            ctx,
            article,
            now,
            outcome="suspect",
            fr=fr,
            reason=verdict.reason,
            events=events,
            **common,
        )
    if verdict.outcome == "unchanged":
        return _record(
            ctx, article, now, outcome="unchanged", fr=fr, region_fp=fp, events=events, **common
        )

    version = NewVersion(
        title=ext.title, byline=ext.byline, published=ext.published, modified=ext.modified,
        text="\n\n".join(ext.paragraphs), content_hash=content_hash(ext.title, ext.byline, ext.paragraphs),
        extractor=ext.method, extractor_version=EXTRACTOR_VERSION, raw_html=fr.body,
    )  # fmt: skip
    change = change_between(latest, version) if latest else None
    # Age for the schedule: a first version counts from the page's own dates when older.
    changed_at = now
    if latest is None:
        changed_at = min(d for d in (now, ext.modified or ext.published or now) if d is not None)
    rec = CheckRecord(
        article_id=article.id, captured_at=now, url=article.url, outcome="new_version",
        final_url=fr.final_url, http_status=fr.status, duration_ms=fr.duration_ms, bytes=len(fr.body),
        region_fp=fp, next_check=_next_check(ctx, article, now, changed_at),
        expected_version_count=article.version_count, version=version, change=change,
        last_changed=now, events=events, worker=ctx.worker, **common,
    )  # fmt: skip
    store.record_check(rec)
    return CheckOutcome(
        article.url,
        "new_version",
        None,
        version=article.version_count + 1,
        http_status=fr.status,
        summary=change.summary if change else None,
    )


def _redirected(
    ctx: CheckContext, article: ArticleRow, now: datetime, fr: FetchResult
) -> CheckOutcome:
    """The article redirects to something that is not it: recorded, never checked again."""
    return _record(
        ctx, article, now, outcome="redirected", fr=fr, reason=f"redirect to {fr.final_url}",
        status="redirected", next_check=None, events=[("redirected", fr.final_url)],
    )  # fmt: skip


def _analyse(
    fr: FetchResult, rules: ExtractRules | None, known_fp: str | None
) -> tuple[str | None, Extraction | ExtractionError | None]:
    """(fingerprint, extraction); extraction None when the fingerprint matched (fast path)."""
    try:
        html = decode_html(fr.body, fr.content_type)
    except ExtractionError as exc:
        return None, exc
    fp = region_fingerprint(html, rules)
    if fp is not None and fp == known_fp:
        return fp, None
    try:
        return fp, extract(html, fr.final_url, rules)
    except ExtractionError as exc:
        return fp, exc


def _homepages(source: SourceConfig | None) -> tuple[str, ...]:
    return (source.homepage,) if source and source.homepage else ()


def _follow_canonical(
    ctx: CheckContext, article: ArticleRow, source: SourceConfig | None, canonical: str | None,
    now: datetime,
) -> ArticleRow | None:  # fmt: skip
    """Apply the page's own canonical URL (when ``usable_canonical`` trusts it). Returns the
    article this one was merged into, if any."""
    canon = usable_canonical(article.url, canonical, homepages=_homepages(source))
    if canon is None:
        return None
    other = ctx.store.find_article(canon)
    if other is None:
        ctx.store.rename_article(article.id, canon)
        return None
    if other.id != article.id and article.version_count == 0:
        ctx.store.merge_article(article.id, other.id, now)
        return other
    return None
