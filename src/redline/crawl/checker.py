"""Check one article: fetch, extract, judge, record. The heart of the pipeline.

Every fetch ends in exactly one capture row (see docs/architecture.md for the outcomes):
new_version, unchanged, not_modified, suspect, error, missing, redirected, merged.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from redline import __version__, metrics
from redline.archive.warc import capture_records
from redline.crawl.learned import Learned, LearnedCache, furniture_policy, rules_for
from redline.crawl.moves import plan_moved_merge
from redline.discovery.methods import source_documents
from redline.errors import ExtractionError, FetchError, StorageError
from redline.extract import Extraction, ExtractRules, extract, region_fingerprint
from redline.extract.decode import decode_html
from redline.extract.furniture import furniture_key, teaser_match
from redline.extract.model import DropReason
from redline.fetch.addresses import PUBLIC_ONLY, AddressPolicy
from redline.fetch.client import Fetcher
from redline.fetch.result import FetchResult
from redline.frontier.links import judge_redirect, same_story_page, usable_canonical
from redline.frontier.schedule import SchedulePolicy, next_check_at
from redline.frontier.urls import identity_key
from redline.furniture import RuleKind, template_blocks
from redline.furniture.compare import (
    Body,
    OnlyFurniture,
    only_furniture,
    read_alike,
    seen_today,
    without_learned,
)
from redline.furniture.policy import Block
from redline.furniture.slots import new_slots
from redline.settings import CrawlSettings, ExtractSettings, FurnitureSettings
from redline.sources.model import SourceConfig
from redline.storage import (
    ArticleRow,
    CheckRecord,
    FurnitureUpdate,
    NewVersion,
    Store,
    VersionConflict,
    VersionRow,
    WarcRecordData,
)
from redline.versions.changes import change_between
from redline.versions.policy import hash_of, judge
from redline.versions.stored import StoredPage
from redline.vocabulary import ArticleStatus, EventKind, Outcome

log = logging.getLogger(__name__)
EXTRACTOR_VERSION = __version__


@dataclass(frozen=True)
class CheckOutcome:
    url: str
    outcome: Outcome
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
    limits: ExtractSettings = field(default_factory=ExtractSettings)
    furniture: FurnitureSettings = field(default_factory=FurnitureSettings)
    learned: LearnedCache | None = None

    def learned_for(self, article: ArticleRow, source: SourceConfig | None) -> Learned | None:
        if source is None or article.source_id is None:
            return None
        if self.learned is None:
            self.learned = LearnedCache(self.furniture)
        return self.learned.get(self.store, source, article.source_id)


def address_policy(source: SourceConfig | None, article_url: str | None = None) -> AddressPolicy:
    """A source's ``allow_private`` covers its own hosts only: those of its feeds, sitemaps and
    homepage. Links it or another source discovers elsewhere, and redirects from a public
    host, get no private address. A source with none of those discovers nothing: its articles
    were all added by hand, so the permission covers the host of the article being checked."""
    if source is None or not source.allow_private:
        return PUBLIC_ONLY
    own = tuple(url for _, url in source_documents(source))
    if not own and article_url:
        own = (article_url,)
    return AddressPolicy.private_for(own)


__all__ = ["CheckContext", "CheckOutcome", "check_article", "rules_for"]


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
        outcome = _record(ctx, article, now, outcome=Outcome.ERROR, reason=f"{exc.kind}: {exc}")
        _log_fetch(article.url, exc.status, None, None, outcome)
        return outcome
    metrics.FETCH_SECONDS.observe(fr.duration_ms / 1000)
    try:
        outcome = await _judge_response(ctx, article, source, fr, now)
    except VersionConflict as exc:
        log.info("version conflict on %s: %s", article.url, exc)
        outcome = CheckOutcome(article.url, Outcome.CONFLICT, str(exc))
    _log_fetch(article.url, fr.status, len(fr.body), fr.duration_ms, outcome)
    return outcome


def _log_fetch(
    url: str, status: int | None, size: int | None, ms: int | None, outcome: CheckOutcome
) -> None:
    """One structured line per article fetch (`redline -v`)."""
    if log.isEnabledFor(logging.INFO):
        fields = {"url": url, "status": status, "bytes": size, "ms": ms, "outcome": outcome.outcome}
        if outcome.reason:
            fields["reason"] = outcome.reason
        log.info("fetch", extra={"fields": fields})


def record_internal_error(
    ctx: CheckContext, article: ArticleRow, now: datetime, exc: BaseException
) -> CheckOutcome:
    """A bug met while checking ``article``: recorded as an error capture (so the article is
    rescheduled, not retried in a loop); when even that fails, only the outcome is returned."""
    reason = "internal: " + " ".join(f"{type(exc).__name__}: {exc}".split())[:500]
    try:
        return _record(ctx, article, now, outcome=Outcome.ERROR, reason=reason)
    except StorageError:
        raise
    except Exception:
        log.exception("could not record the internal error of %s", article.url)
        return CheckOutcome(article.url, Outcome.ERROR, reason)


def _next_check(
    ctx: CheckContext, article: ArticleRow, now: datetime, changed_at: datetime | None
) -> datetime | None:
    ref = changed_at or article.last_changed or article.first_seen
    return next_check_at(now, ref, ctx.policy, ctx.rng)


def _warc(ctx: CheckContext, fr: FetchResult) -> tuple[WarcRecordData, ...]:
    """The WARC records of a capture worth keeping as evidence (docs/archive.md)."""
    if not ctx.settings.record_warc:
        return ()
    return capture_records(fr)


@dataclass(frozen=True)
class _Decided:
    """A check decided and not yet written: the capture record, what to report, and the
    headline a new version adds to the source's known titles once it is stored."""

    record: CheckRecord
    outcome: CheckOutcome
    title: str | None = None


def _apply(ctx: CheckContext, article: ArticleRow, decided: _Decided) -> CheckOutcome:
    """Write a decided check (one transaction: ``record_check``)."""
    ctx.store.record_check(decided.record)
    if decided.title is not None and ctx.learned is not None and article.source_id is not None:
        ctx.learned.add_title(article.source_id, decided.title)
    return decided.outcome


def _record(ctx: CheckContext, article: ArticleRow, now: datetime, **capture: Any) -> CheckOutcome:
    """Decide and write at once a check that stores no version (``_capture``'s fields)."""
    return _apply(ctx, article, _capture(ctx, article, now, **capture))


def _capture(
    ctx: CheckContext,
    article: ArticleRow,
    now: datetime,
    *,
    outcome: Outcome,
    fr: FetchResult | None = None,
    reason: str | None = None,
    **fields: Any,
) -> _Decided:
    """The capture record of a check that stores no version."""
    next_check = fields.pop("next_check", _next_check(ctx, article, now, None))
    rec = CheckRecord(
        article_id=article.id,
        captured_at=now,
        url=article.url,
        outcome=outcome,
        reason=reason,
        final_url=fr.final_url if fr else None,
        http_status=fr.status if fr else None,
        duration_ms=fr.duration_ms if fr else None,
        bytes=len(fr.body) if fr else None,
        next_check=next_check,
        worker=ctx.worker,
        **fields,
    )
    return _Decided(
        rec, CheckOutcome(article.url, outcome, reason, http_status=fr.status if fr else None)
    )


class Redirect(StrEnum):
    """What a redirect means before the page it led to is read (``_plan_redirect``)."""

    NONE = "none"  # no redirect, or only to another variant of the same URL
    AWAY = "away"  # to a front page or a section: the story is gone
    ALIAS = "alias"  # a new link: where it leads is the article
    MOVED = "moved"  # the same story slug or id at a new URL
    UNDECIDED = "undecided"  # the page it led to must say
    INTO_OTHER = "into_other"  # to another tracked article: the same story (merge) or not


@dataclass(frozen=True)
class RedirectPlan:
    kind: Redirect
    other: ArticleRow | None = None  # the tracked article at the target (INTO_OTHER)


def _plan_redirect(
    store: Store, article: ArticleRow, source: SourceConfig | None, fr: FetchResult
) -> RedirectPlan:
    """Decide from the URLs (and whether the target is tracked) what a redirect means."""
    if not fr.redirects or identity_key(fr.final_url) == identity_key(article.url):
        return RedirectPlan(Redirect.NONE)
    other = store.find_article(fr.final_url)
    other = other if other is not None and other.id != article.id else None
    verdict = judge_redirect(
        article.url,
        fr.final_url,
        homepages=_homepages(source),
        target_is_other_article=other is not None and article.version_count == 0,
    )
    if verdict == "away":
        return RedirectPlan(Redirect.AWAY)
    if other is not None:  # the story may have moved to a URL already tracked on its own
        return RedirectPlan(Redirect.INTO_OTHER, other)
    if article.version_count == 0:
        return RedirectPlan(Redirect.ALIAS)
    return RedirectPlan(Redirect.MOVED if verdict == "moved" else Redirect.UNDECIDED)


def _judge_status(
    ctx: CheckContext, article: ArticleRow, fr: FetchResult, now: datetime
) -> CheckOutcome | None:
    """The answers whose status alone settles the check: 304, 404/410, other errors."""
    if fr.not_modified:
        return _record(ctx, article, now, outcome=Outcome.NOT_MODIFIED, fr=fr, missing_count=0)
    if fr.status in (404, 410):
        missing = article.missing_count + 1
        status, gone_events = None, []
        if missing >= ctx.settings.missing_checks_for_deletion and article.status == "live":
            status = ArticleStatus.GONE if fr.status == 410 else ArticleStatus.DELETED
            gone_events.append((status, f"HTTP {fr.status} on {missing} consecutive checks"))
        return _record(
            ctx,
            article,
            now,
            outcome=Outcome.MISSING,
            fr=fr,
            reason=f"http_status: {fr.status}",
            missing_count=missing,
            status=status,
            events=gone_events,
            warc=_warc(ctx, fr) if status else (),
        )
    if not fr.ok:
        return _record(
            ctx, article, now, outcome=Outcome.ERROR, fr=fr, reason=f"http_status: {fr.status}"
        )
    return None


def _same_story(
    ctx: CheckContext,
    article: ArticleRow,
    fr: FetchResult,
    ext: Extraction,
    latest: VersionRow | None,
) -> bool:
    """For an undecided redirect or one into another tracked article: is the page it led to
    the story this article holds?"""
    return same_story_page(
        article.url,
        fr.final_url,
        canonical=ext.canonical_url,
        title=ext.title,
        previous_title=latest.title if latest else None,
        text="\n\n".join(ext.paragraphs),
        previous_text=latest.text if latest else None,
        threshold=ctx.settings.same_story_similarity,
    )


async def _judge_response(
    ctx: CheckContext,
    article: ArticleRow,
    source: SourceConfig | None,
    fr: FetchResult,
    now: datetime,
) -> CheckOutcome:
    store = ctx.store
    settled = _judge_status(ctx, article, fr, now)
    if settled is not None:
        return settled
    redirect = _plan_redirect(store, article, source, fr)
    if redirect.kind is Redirect.AWAY:
        return _redirected(ctx, article, now, fr)
    if redirect.kind is Redirect.ALIAS:
        store.add_alias(article.id, fr.final_url)
    elif redirect.kind is Redirect.MOVED:
        store.move_article(article.id, fr.final_url, now)
    must_confirm = redirect.kind in (Redirect.UNDECIDED, Redirect.INTO_OTHER)

    restored = article.status in (ArticleStatus.DELETED, ArticleStatus.GONE)
    known_fp = article.region_fp if article.version_count and not restored else None

    # Decoding, fingerprinting and extraction are CPU work: a thread keeps the event loop (and
    # the timeouts of every other fetch in flight) running while a heavy page is parsed.
    def full_rules() -> tuple[ExtractRules | None, Learned | None]:
        learned = ctx.learned_for(article, source)
        return rules_for(source, learned, article.title), learned

    fp, analysed = await asyncio.to_thread(
        _analyse, fr, rules_for(source), known_fp, full_rules, ctx.limits
    )
    extracted, html, rules, learned = analysed
    if must_confirm and isinstance(extracted, ExtractionError):
        return _redirected(ctx, article, now, fr)  # led to something that is not an article
    if isinstance(extracted, ExtractionError):
        reason = extracted.reason
        return _record(
            ctx,
            article,
            now,
            outcome=Outcome.SUSPECT,
            fr=fr,
            reason=reason,
            events=[(EventKind.SUSPECT, reason)],
        )
    # The latest version is read only off the fast path (the common check costs no extra query).
    latest = (
        store.latest_version(article.id)
        if article.version_count and extracted is not None
        else None
    )
    if must_confirm:
        # The fast path (``extracted`` None) means the article's own region, byte for byte.
        if extracted is not None and not _same_story(ctx, article, fr, extracted, latest):
            return _redirected(ctx, article, now, fr)
        if redirect.other is not None:
            kept = _merge_moved(ctx, article, redirect.other, now)
            if kept.id != article.id:  # the other record was seen first and carries on
                reason = f"moved to {kept.url}; merged into article {kept.id}"
                return _record(ctx, kept, now, outcome=Outcome.MERGED, fr=fr, reason=reason)
            # One record now: judge the page against the merged history.
            article, restored = kept, False
            latest = store.latest_version(kept.id) if extracted is not None else None
        else:
            store.move_article(article.id, fr.final_url, now)  # the same story at a new URL
    if extracted is None:
        # Fast path: the article's own region is byte-for-byte what we saw last time.
        return _record(
            ctx,
            article,
            now,
            outcome=Outcome.UNCHANGED,
            fr=fr,
            etag=fr.etag,
            last_modified=fr.last_modified,
            missing_count=0,
        )
    ext = extracted
    merged = _follow_canonical(ctx, article, source, ext.canonical_url, now)
    if merged is not None:
        return _record(
            ctx, merged, now, outcome=Outcome.MERGED, fr=fr, reason=f"same article as {merged.url}"
        )
    seen = _Seen(ext, fp, html, rules, learned)
    # The furniture decision and the change re-read and diff pages: CPU work, in a thread too.
    decided = await asyncio.to_thread(_judge_content, ctx, article, fr, now, seen, latest, restored)
    return _apply(ctx, article, decided)


@dataclass(frozen=True)
class _Seen:
    """What the page gave: the extraction, its region fingerprint, the decoded page and the
    rules (configured and learned) it was extracted with."""

    ext: Extraction
    fp: str | None
    html: str | None
    rules: ExtractRules | None
    learned: Learned | None
    # the latest version's stored page (by version id), decoded and read by today's extractor
    # at most once per check: the furniture decision and the change both want it
    pages: dict[int, StoredPage] = field(default_factory=dict)


def _judge_content(
    ctx: CheckContext,
    article: ArticleRow,
    fr: FetchResult,
    now: datetime,
    seen: _Seen,
    latest: VersionRow | None,
    restored: bool,
) -> _Decided:
    """The extracted article against its latest version: suspect, unchanged, only furniture
    changed (unchanged, with the reason), or a new version. Decides only: the caller writes."""
    ext, fp, html, rules, learned = seen.ext, seen.fp, seen.html, seen.rules, seen.learned
    verdict = judge(
        title=ext.title,
        byline=ext.byline,
        paragraphs=ext.paragraphs,
        standfirst=ext.standfirst,
        lead_caption=ext.lead_caption,
        previous_hash=latest.content_hash if latest else None,
        previous_words=len(latest.text.split()) if latest else None,
        settings=ctx.settings,
    )
    fired = _fired(ext, learned)
    furnished: OnlyFurniture | None = None
    if verdict.outcome == Outcome.NEW_VERSION and latest is not None:
        furnished = _only_furniture(ctx, article, latest, seen)
    furniture = _learning(
        ctx, article, ext, fired, furnished, first=latest is None, html=html, rules=rules
    )
    events: list[tuple[EventKind, str | None]] = []
    if restored and verdict.outcome != Outcome.SUSPECT:
        events.append((EventKind.RESTORED, f"HTTP {fr.status} after {article.status}"))
    common: dict[str, Any] = dict(
        etag=fr.etag,
        last_modified=fr.last_modified,
        missing_count=0,
        status=ArticleStatus.LIVE if restored else None,
    )
    if verdict.outcome == Outcome.SUSPECT:
        events.append((EventKind.SUSPECT, verdict.reason))
        return _capture(
            ctx,
            article,
            now,
            outcome=Outcome.SUSPECT,
            fr=fr,
            reason=verdict.reason,
            events=events,
            **common,
        )
    if verdict.outcome == Outcome.UNCHANGED or furnished is not None:
        why = furnished.reason if furnished else None
        return _capture(
            ctx,
            article,
            now,
            outcome=Outcome.UNCHANGED,
            fr=fr,
            region_fp=fp,
            events=events,
            reason=why,
            furniture=furniture,
            **common,
        )
    return _new_version(ctx, article, fr, now, seen, latest, events, furniture, common)


def _new_version(
    ctx: CheckContext,
    article: ArticleRow,
    fr: FetchResult,
    now: datetime,
    seen: _Seen,
    latest: VersionRow | None,
    events: list[tuple[EventKind, str | None]],
    furniture: FurnitureUpdate | None,
    common: dict[str, Any],
) -> _Decided:
    """The capture as the article's next version, with its change against the latest one (the
    write is a compare-and-set on the version count: a worker that wrote it first wins)."""
    ext, fp = seen.ext, seen.fp
    version = NewVersion(
        title=ext.title,
        byline=ext.byline,
        published=ext.published,
        modified=ext.modified,
        text="\n\n".join(ext.paragraphs),
        content_hash=hash_of(ext),
        extractor=ext.method,
        extractor_version=EXTRACTOR_VERSION,
        raw_html=fr.body,
        standfirst=ext.standfirst,
        lead_caption=ext.lead_caption,
    )
    # The change is what a reader would call the edit: against the latest version seen with
    # today's extractor and learned rules, so furniture learned since then is not reported as
    # removed text, nor a standfirst that was read as the first paragraph as a new one.
    before = _seen_today(ctx, latest, seen) if latest else None
    change = change_between(before, version) if before else None
    # Age for the schedule: a first version counts from the page's own dates when older.
    changed_at = now
    if latest is None:
        changed_at = min(d for d in (now, ext.modified or ext.published or now) if d is not None)
    rec = CheckRecord(
        article_id=article.id,
        captured_at=now,
        url=article.url,
        outcome=Outcome.NEW_VERSION,
        final_url=fr.final_url,
        http_status=fr.status,
        duration_ms=fr.duration_ms,
        bytes=len(fr.body),
        region_fp=fp,
        next_check=_next_check(ctx, article, now, changed_at),
        expected_version_count=article.version_count,
        version=version,
        change=change,
        last_changed=now,
        events=events,
        worker=ctx.worker,
        warc=_warc(ctx, fr),
        furniture=furniture,
        **common,
    )
    outcome = CheckOutcome(
        article.url,
        Outcome.NEW_VERSION,
        None,
        version=article.version_count + 1,
        http_status=fr.status,
        summary=change.summary if change else None,
    )
    return _Decided(rec, outcome, title=ext.title)


def _merge_moved(
    ctx: CheckContext, article: ArticleRow, other: ArticleRow, now: datetime
) -> ArticleRow:
    """The story moved to a URL tracked on its own (found there first): one history again.
    The record seen first keeps its id; the story's new URL becomes its main one. Returns the
    kept record as it is now."""
    store = ctx.store
    keep, absorbed = (
        (article, other) if article.first_seen <= other.first_seen else (other, article)
    )
    plan = plan_moved_merge(
        keep.id, absorbed.id, other.url, store.latest_version(keep.id), store.versions(absorbed.id)
    )
    store.merge_moved(plan, now)
    log.info("moved story: article %s merged into %s at %s", absorbed.id, keep.id, other.url)
    return store.get_article(keep.id)


def _redirected(
    ctx: CheckContext, article: ArticleRow, now: datetime, fr: FetchResult
) -> CheckOutcome:
    """The article redirects to something that is not it: recorded, never checked again."""
    return _record(
        ctx,
        article,
        now,
        outcome=Outcome.REDIRECTED,
        fr=fr,
        reason=f"redirect to {fr.final_url}",
        status=ArticleStatus.REDIRECTED,
        next_check=None,
        events=[(EventKind.REDIRECTED, fr.final_url)],
        warc=_warc(ctx, fr),
    )


_Analysed = tuple[
    Extraction | ExtractionError | None, str | None, ExtractRules | None, Learned | None
]


def _analyse(
    fr: FetchResult,
    fp_rules: ExtractRules | None,
    known_fp: str | None,
    full_rules: Callable[[], tuple[ExtractRules | None, Learned | None]],
    limits: ExtractSettings,
) -> tuple[str | None, _Analysed]:
    """(fingerprint, (extraction, page, rules used, learned)); extraction None when the
    fingerprint matched (fast path). The learned rules are looked up only when extraction runs."""
    try:
        html = decode_html(fr.body, fr.content_type)
    except ExtractionError as exc:
        return None, (exc, None, None, None)
    fp = region_fingerprint(html, fp_rules, limits.max_region_nodes)
    if fp is not None and fp == known_fp:
        return fp, (None, html, None, None)
    rules, learned = full_rules()
    try:
        return fp, (extract(html, fr.final_url, rules, limits), html, rules, learned)
    except ExtractionError as exc:
        return fp, (exc, html, rules, learned)


def _fired(ext: Extraction, learned: Learned | None) -> tuple[tuple[RuleKind, Block], ...]:
    """The learned rules that dropped a block of this capture (counted per rule)."""
    if learned is None or not ext.dropped:
        return ()
    out: list[tuple[RuleKind, Block]] = []
    for d in ext.dropped:
        key = furniture_key(d.text)
        if d.reason is DropReason.LEARNED_TEXT and key in learned.texts:
            out.append((learned.texts[key], Block(key, d.text[:500])))
        elif d.reason is DropReason.LEARNED_SLOT and d.rule:
            out.append((RuleKind.SLOT, Block(d.rule, d.text[:500])))
        elif d.reason is DropReason.TEASER_TITLE:
            title = teaser_match(key, learned.titles)
            if title is not None:
                out.append((RuleKind.TEASER, Block(title, d.text[:500])))
    return tuple(out)


def _learning(
    ctx: CheckContext,
    article: ArticleRow,
    ext: Extraction,
    fired: tuple[tuple[RuleKind, Block], ...],
    same: OnlyFurniture | None,
    *,
    first: bool,
    html: str | None = None,
    rules: ExtractRules | None = None,
) -> FurnitureUpdate | None:
    """What this capture teaches about its source (written with it): the blocks of a first
    version (template evidence), rotating blocks, the template slots where template or
    rotating blocks sat, and which rules fired."""
    if article.source_id is None:
        return None
    learn = ctx.furniture.learn
    policy = ctx.learned.policy if ctx.learned else furniture_policy(ctx.furniture)
    rotating = same.rotating if same and learn else ()
    slots: tuple[Block, ...] = ()
    if learn and html:
        blocks = [b for k, b in fired if k in (RuleKind.TEXT, RuleKind.ROTATING)]
        blocks += list(rotating)
        if ctx.learned is not None:
            blocks = ctx.learned.to_locate(article.source_id, blocks)
        if blocks:
            slots = new_slots(
                html,
                [b.sample for b in blocks],
                rules.slots if rules else frozenset(),
                rules.furniture_texts if rules else frozenset(),
                body=ext.paragraphs,
            )
    counted = (
        ctx.learned.tally(article.source_id, fired)
        if ctx.learned
        else tuple((kind, block, 1) for kind, block in fired)
    )
    return FurnitureUpdate(
        source_id=article.source_id,
        first_blocks=template_blocks(ext.paragraphs, policy) if learn and first else (),
        rotating=rotating,
        slots=slots,
        fired=counted,
        min_articles=ctx.furniture.min_articles,
    )


def _seen_today(ctx: CheckContext, latest: VersionRow, seen: _Seen) -> VersionRow:
    ext, rules = seen.ext, seen.rules
    old = Body(latest.title, latest.byline, latest.paragraphs, latest.standfirst)
    new = Body(ext.title, ext.byline, ext.paragraphs, ext.standfirst)
    today = seen_today(old, new)
    if today.standfirst is None and new.standfirst:
        # a version from before the field, and the standfirst edited since: what today's
        # extractor reads as the standfirst of the latest version's own page
        again = _read_today(ctx, latest, seen)
        then = again.standfirst if again else None
        today = seen_today(
            old, replace(new, standfirst=then or new.standfirst), _page(ctx, latest, seen).html
        )
    lead = latest.lead_caption
    if lead is None and ext.lead_caption:
        # a version from before the lead caption was a field: its page's, as read today (so a
        # corrected caption is a change, not an added one)
        again = _read_today(ctx, latest, seen)
        lead = again.lead_caption if again else None
    kept = without_learned(today.paragraphs, rules, ext.paragraphs)
    if (kept, today.standfirst, lead) == (
        latest.paragraphs,
        latest.standfirst,
        latest.lead_caption,
    ):
        return latest
    return replace(latest, text="\n\n".join(kept), standfirst=today.standfirst, lead_caption=lead)


def _page(ctx: CheckContext, latest: VersionRow, seen: _Seen) -> StoredPage:
    if latest.id not in seen.pages:
        seen.pages[latest.id] = StoredPage(ctx.store, latest)
    return seen.pages[latest.id]


def _only_furniture(
    ctx: CheckContext, article: ArticleRow, latest: VersionRow, seen: _Seen
) -> OnlyFurniture | None:
    """Whether this capture differs from the latest version only by learned or rotating
    furniture, or only by how today's extractor reads the same page (then it is
    ``unchanged``, never a version). Furniture is judged against the stored version first, then
    against its page as read today: after an upgrade a capture can differ by both (a caption
    now kept, and a teaser that rotated)."""
    ext, rules = seen.ext, seen.rules
    earlier: tuple[str, ...] = ()
    if latest.number > 1:
        earlier = ctx.store.version(article.id, latest.number - 1).paragraphs
    latest_html = _page(ctx, latest, seen).html
    policy = ctx.learned.policy if ctx.learned else furniture_policy(ctx.furniture)
    current = Body.of(ext)

    def judge_against(body: Body) -> OnlyFurniture | None:
        return only_furniture(
            body,
            current,
            rules=rules,
            policy=policy,
            html=seen.html,
            latest_html=latest_html,
            earlier=earlier,
        )

    furnished = judge_against(Body.of(latest))
    if furnished is None and latest_html is not None:
        again = _read_today(ctx, latest, seen)
        if again is not None:
            today = Body.of(again)
            furnished = read_alike(current, today) or judge_against(today)
    return furnished


def _read_today(ctx: CheckContext, latest: VersionRow, seen: _Seen) -> Extraction | None:
    """The latest version's stored page as today's extractor and rules read it, with the URL it
    was fetched from (an upgraded extractor, or a new exclude selector, must not make every
    article a new version; `redline reextract` rewrites the stored history itself). One
    extraction per check at most, and only for a capture that differs from its latest version
    beyond furniture: until a real edit, an article stored by an older extractor costs it on
    every check whose fingerprint differs."""
    return _page(ctx, latest, seen).read_or_none(seen.rules, ctx.limits)


def _homepages(source: SourceConfig | None) -> tuple[str, ...]:
    return (source.homepage,) if source and source.homepage else ()


def _follow_canonical(
    ctx: CheckContext,
    article: ArticleRow,
    source: SourceConfig | None,
    canonical: str | None,
    now: datetime,
) -> ArticleRow | None:
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
