"""Backfill: versions of an article from before tracking began, from a Wayback-compatible web
archive (the Internet Archive by default, any server with its CDX API and raw mementos).

httpx, not the ``wayback`` library: ``wayback`` (0.5) hard-codes web.archive.org in module
constants (CDX_SEARCH_URL, the memento URL templates) and is synchronous (requests), so it cannot
be pointed at another archive; see docs/archive.md.

Plan, then apply: the CDX rows of every URL variant are read; consecutive rows with the same
payload digest are fetched once; each raw memento (``BASE/web/<timestamp>id_/<url>``) that is a
200 HTML page is extracted with the rules the source's articles are read with today (its
sources-file rules and learned furniture); a memento whose content is the one kept before it, or
differs from it only by furniture, collapses into it, by the judgement the checker applies to
each capture (``furniture.compare.collapses``), and so does the newest memento into the earliest
version held; what is older than the earliest version held is inserted, with the changes
between neighbours, in one transaction (``Store.insert_archive_versions``).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import quote

import httpx

from redline import __version__
from redline.archive.warc import exchange_records
from redline.diff import compare
from redline.errors import ExtractionError, FetchError
from redline.extract import Extraction, ExtractRules, extract
from redline.extract.decode import decode_html
from redline.fetch.result import exchange_of
from redline.furniture import Block, FurniturePolicy
from redline.furniture.compare import SAME_CONTENT, Body, collapses, without_learned
from redline.settings import USER_AGENT, ArchiveSettings
from redline.storage import (
    ArchiveVersion,
    ArticleRow,
    FurnitureUpdate,
    NewVersion,
    Store,
    WarcRecordData,
)
from redline.versions.changes import as_doc, as_new_change
from redline.versions.policy import hash_of
from redline.versions.stored import StoredPage

log = logging.getLogger(__name__)
_TS = "%Y%m%d%H%M%S"


@dataclass
class BackfillStats:
    seen: int = 0  # CDX captures listed
    fetched: int = 0  # mementos fetched
    kept: int = 0  # versions inserted
    skipped: dict[str, int] = field(default_factory=dict)  # why captures were not kept
    requests: int = 0  # HTTP requests sent to the archive (retries included)

    def skip(self, why: str, n: int = 1) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + n

    def add(self, other: BackfillStats) -> None:
        self.seen += other.seen
        self.fetched += other.fetched
        self.kept += other.kept
        for k, v in other.skipped.items():
            self.skip(k, v)


@dataclass(frozen=True)
class CdxRow:
    timestamp: str
    original: str
    mimetype: str
    status: str
    digest: str

    @property
    def when(self) -> datetime:
        return datetime.strptime(self.timestamp[:14].ljust(14, "0"), _TS).replace(tzinfo=UTC)


def parse_ts(value: str) -> datetime:
    return datetime.strptime(value[:14].ljust(14, "0"), _TS).replace(tzinfo=UTC)


def _retry_after(value: str | None, attempt: int, cap: float) -> float:
    """Seconds to wait after a 429/503: the server's Retry-After (seconds or HTTP date) or an
    exponential backoff, capped."""
    wait = float(2**attempt)
    if value:
        value = value.strip()
        if value.isdigit():
            wait = float(value)
        else:
            try:
                when = email.utils.parsedate_to_datetime(value)
                wait = max(0.0, (when - datetime.now(UTC)).total_seconds())
            except (TypeError, ValueError):
                pass
    return min(wait, cap)


class WaybackClient:
    """A small, polite client of one Wayback-compatible archive."""

    def __init__(self, base: str, settings: ArchiveSettings | None = None) -> None:
        self.base = base.rstrip("/")
        self.settings = settings or ArchiveSettings()
        self.requests = 0
        self._resume_at = 0.0  # monotonic time before which nobody asks (after a 429)
        self._slots = asyncio.Semaphore(self.settings.backfill_concurrency)
        self._client = httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT.replace("Redline/", "Redline-backfill/")},
            timeout=httpx.Timeout(self.settings.timeout),
            follow_redirects=False,
            trust_env=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(self, url: str) -> httpx.Response:
        """GET with retries on 429 (honouring Retry-After, for every task), 5xx and connection
        errors; the last answer is returned as it is."""
        s = self.settings
        attempt = 0
        while True:
            async with self._slots:
                pause = self._resume_at - time.monotonic()
                if pause > 0:
                    await asyncio.sleep(pause)
                self.requests += 1
                try:
                    resp = await self._client.get(url)
                except httpx.HTTPError as exc:
                    if attempt >= s.backfill_retries:
                        raise FetchError(
                            "connect", f"cannot reach the archive at {url}: {exc}"
                        ) from exc
                    resp = None
            if resp is not None and resp.status_code not in (429, 502, 503, 504):
                return resp
            if attempt >= s.backfill_retries:
                assert resp is not None
                return resp
            wait = _retry_after(
                resp.headers.get("retry-after") if resp else None, attempt, s.max_retry_after
            )
            if resp is not None and resp.status_code == 429:
                self._resume_at = max(self._resume_at, time.monotonic() + wait)
            log.info(
                "archive answered %s; retrying %s in %.1fs",
                resp.status_code if resp else "error",
                url,
                wait,
            )
            attempt += 1
            await asyncio.sleep(wait)

    async def cdx(self, url: str, since: datetime | None, until: datetime | None) -> list[CdxRow]:
        q = f"{self.base}/cdx/search/cdx?url={quote(url, safe='')}&output=json"
        if since:
            q += f"&from={since.astimezone(UTC).strftime(_TS)}"
        if until:
            q += f"&to={until.astimezone(UTC).strftime(_TS)}"
        resp = await self.get(q)
        if resp.status_code == 404:
            return []
        if resp.status_code != 200:
            raise FetchError(
                "http_status",
                f"the archive's CDX API answered {resp.status_code} for {url}",
                status=resp.status_code,
            )
        try:
            rows = resp.json() if resp.content.strip() else []
        except ValueError as exc:
            raise FetchError("protocol", f"the archive's CDX API sent no JSON for {url}") from exc
        if not rows:
            return []
        cols = [str(c) for c in rows[0]]
        need = ("timestamp", "original", "mimetype", "statuscode", "digest")
        if not all(c in cols for c in need):
            raise FetchError("protocol", f"the archive's CDX answer lacks {need}")
        ix = [cols.index(c) for c in need]
        return [CdxRow(*(str(r[i]) for i in ix)) for r in rows[1:] if len(r) == len(cols)]

    def raw_url(self, row: CdxRow) -> str:
        return f"{self.base}/web/{row.timestamp}id_/{row.original}"

    def memento_url(self, row: CdxRow) -> str:
        return f"{self.base}/web/{row.timestamp}/{row.original}"


@dataclass(frozen=True)
class _Found:
    row: CdxRow
    when: datetime
    version: NewVersion
    warc: tuple[WarcRecordData, ...]
    body: Body  # what the version is made of, to compare
    html: str  # its page, for the furniture judgement


@dataclass(frozen=True)
class Judged:
    """How an article's archived copies are read and judged, as its source's captures are: the
    rules extraction applies (``LearnedCache.rules``), the furniture thresholds, whether blocks
    seen rotating are learned for the source (``furniture.learn``, and only for an article of a
    source), and the blocks its operator vetoed (``furniture_veto``, as keys), never furniture."""

    rules: ExtractRules | None = None
    policy: FurniturePolicy = field(default_factory=FurniturePolicy)
    learn: bool = False
    veto: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Held:
    """The earliest version held, as stored and as its page reads today: a memento alike to
    either is the same page."""

    body: Body
    html: str | None


async def _fetch(
    client: WaybackClient, row: CdxRow, stats: BackfillStats, rules: ExtractRules | None
) -> _Found | None:
    url = client.raw_url(row)
    resp = await client.get(url)
    stats.fetched += 1
    if 300 <= resp.status_code < 400:
        stats.skip("redirect")
        return None
    if resp.status_code != 200:
        stats.skip(f"http {resp.status_code}")
        return None
    body = resp.content
    original_status = resp.headers.get("x-archive-src-status") or resp.headers.get(
        "x-archive-orig-status"
    )
    if original_status and not original_status.strip().startswith("2"):
        stats.skip("error page")
        return None
    when = row.when
    if resp.headers.get("memento-datetime"):
        with contextlib.suppress(TypeError, ValueError):
            when = email.utils.parsedate_to_datetime(resp.headers["memento-datetime"]).astimezone(
                UTC
            )
    try:
        html = await asyncio.to_thread(decode_html, body, resp.headers.get("content-type"))
        ext = await asyncio.to_thread(extract, html, row.original, rules)
    except ExtractionError as exc:
        stats.skip(f"not an article ({exc.reason})")
        return None
    warc = tuple(exchange_records(exchange_of(resp), body))
    return _Found(row, when, memento_version(ext, body), warc, Body.of(ext), html)


def memento_version(ext: Extraction, raw: bytes) -> NewVersion:
    """The version a memento's extraction makes (what the checker would store for that page)."""
    return NewVersion(
        title=ext.title,
        byline=ext.byline,
        published=ext.published,
        modified=ext.modified,
        text="\n\n".join(ext.paragraphs),
        content_hash=hash_of(ext),
        extractor=ext.method,
        extractor_version=__version__,
        raw_html=raw,
        standfirst=ext.standfirst,
        lead_caption=ext.lead_caption,
    )


async def backfill_article(
    store: Store,
    client: WaybackClient,
    article: ArticleRow,
    *,
    judged: Judged | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> BackfillStats:
    """Insert the article's distinct archived versions older than every version held.

    Version numbers never change, so only what is older than the earliest version held can
    become a version (numbered 0, -1 ... below it); captures dated within the history held (a
    first backfill narrowed by ``--to``, tracking paused) are never inserted, and the archive is
    not even asked for them: its capture list is requested up to the earliest version held only,
    which keeps a ``--source`` run small for the archive. A later run with an earlier ``since``
    extends the history further back. ``judged``: how the source's pages are read and judged
    today, so an archived copy is read as a check reads the live page."""
    judged = judged or Judged()
    rules = judged.rules
    stats = BackfillStats()
    earliest = store.earliest_version(article.id)
    limit = earliest[1] if earliest else None
    if limit is not None and (until is None or until > limit):
        until = limit
    held = store.memento_times(article.id)
    rows: dict[tuple[str, str], CdxRow] = {}
    for variant in store.article_variants(article.id):
        for r in await client.cdx(variant, since, until):
            rows.setdefault((r.timestamp, r.original), r)
    ordered = sorted(rows.values(), key=lambda r: r.timestamp)
    stats.seen = len(ordered)
    todo = plan_fetches(ordered, limit, held, stats)
    if progress:
        progress("todo", len(todo))

    async def one(r: CdxRow) -> _Found | None:
        try:
            return await _fetch(client, r, stats, rules)
        finally:
            if progress:
                progress("fetched", 1)

    found = [f for f in await asyncio.gather(*(one(r) for r in todo)) if f is not None]
    first_page = None  # the earliest version held and its stored page
    if earliest is not None:
        first_page = StoredPage(store, store.version(article.id, earliest[0]), article.url)
    as_held = await asyncio.to_thread(_as_held, first_page, rules) if first_page else []
    walked = distinct_versions(found, limit, as_held, stats, judged)
    kept = walked.kept
    items = []
    for i, f in enumerate(kept):
        change = (
            as_new_change(compare(as_doc(kept[i - 1].version), as_doc(f.version))) if i else None
        )
        items.append(
            ArchiveVersion(
                version=f.version,
                memento_url=client.memento_url(f.row),
                memento_datetime=f.when,
                final_url=f.row.original,
                change=change,
                warc=f.warc,
            )
        )
    successor = None
    if items and first_page is not None:
        # the earliest version held as a check would see it now: without the furniture learned
        # since it was stored, nor the blocks the archive's copies showed rotating
        first = as_doc(first_page.version)
        first = replace(first, paragraphs=without_learned(first.paragraphs, walked.rules))
        successor = as_new_change(compare(as_doc(kept[-1].version), first))
    learned = None
    if walked.rotating and article.source_id is not None:
        learned = FurnitureUpdate(article.source_id, rotating=walked.rotating)
    store.insert_archive_versions(
        article.id,
        items,
        successor,
        expected_first=earliest[0] if earliest else None,
        furniture=learned,
        now=datetime.now(UTC),
    )
    stats.kept = len(items)
    return stats


def plan_fetches(
    ordered: list[CdxRow], limit: datetime | None, held: set[datetime], stats: BackfillStats
) -> list[CdxRow]:
    """The CDX rows worth fetching (oldest first); why the others are not, counted in
    ``stats``. Pure: rows at or after the earliest version held cannot become versions."""
    todo: list[CdxRow] = []
    last_digest = None
    for r in ordered:
        if r.when in held:
            stats.skip("already held")
        elif limit is not None and r.when >= limit:
            stats.skip("within the history held")
        elif r.status.startswith("3"):
            stats.skip("redirect")
        elif r.status != "200":
            stats.skip("error" if r.status != "-" else "no status")
        elif r.digest == last_digest:
            stats.skip("duplicate")
        else:
            todo.append(r)
        if r.status == "200":
            last_digest = r.digest
    return todo


def _as_held(page: StoredPage, rules: ExtractRules | None) -> list[_Held]:
    """The earliest version held, as stored and as its stored page is read today with the same
    rules as the mementos: a version stored by an older extractor, or before a rule, reads
    otherwise, and the archive's copy of the same page must not become a version before it."""
    today = page.read_or_none(rules)
    held = [_Held(Body.of(page.version), page.html)]
    return held + ([_Held(Body.of(today), page.html)] if today is not None else [])


@dataclass(frozen=True)
class Walked:
    """The mementos that are versions, and the rules they were judged with: the source's, plus
    the blocks the copies showed rotating."""

    kept: list[_Found]
    rules: ExtractRules | None
    rotating: tuple[Block, ...] = ()  # to learn for the source (when it learns), as a check does


def distinct_versions(
    found: list[_Found],
    limit: datetime | None,
    earliest: list[_Held],
    stats: BackfillStats,
    judged: Judged,
) -> Walked:
    """The fetched mementos that are versions: older than every version held, each a version
    after the one kept before it, and the newest one after the earliest version held (never a
    duplicate, never furniture alone: ``furniture.compare.collapses``).

    A block seen rotating between two copies (a teaser, a link-dense line) is furniture in every
    copy, as the checker learns it from one rotation: when the source learns, the walk is done
    again with those blocks left out, so no kept version holds them and no change between
    neighbours shows them. A block that only flips back (A→B→A) is neither left out nor learned:
    a short paragraph edited and then reverted looks the same, and that edit stays a version."""
    older: list[_Found] = []
    for f in sorted(found, key=lambda f: f.when):
        if limit is not None and f.when >= limit:
            stats.skip("within the history held")
        else:
            older.append(f)
    rules, policy = judged.rules, judged.policy
    kept, skipped, rotating = _walk(older, earliest, rules, policy)
    rotating = tuple(b for b in rotating if b.key not in judged.veto)
    if rotating and judged.learn:
        base = rules or ExtractRules()
        keys = frozenset(b.key for b in rotating)
        rules = replace(base, furniture_texts=base.furniture_texts | keys)
        older = [_without_learned(f, rules) for f in older]
        kept, skipped, _ = _walk(older, earliest, rules, policy)
    for why in skipped:
        stats.skip(why)
    return Walked(kept, rules, rotating if judged.learn else ())


def _walk(
    older: list[_Found],
    earliest: list[_Held],
    rules: ExtractRules | None,
    policy: FurniturePolicy,
) -> tuple[list[_Found], list[str], tuple[Block, ...]]:
    """(kept, why each other was skipped, the blocks seen rotating, to learn)."""
    kept: list[_Found] = []
    skipped: list[str] = []
    rotating: dict[str, Block] = {}
    for f in older:
        if kept:
            earlier = kept[-2].body.paragraphs if len(kept) > 1 else ()
            found = collapses(
                kept[-1].body,
                f.body,
                rules=rules,
                policy=policy,
                html=f.html,
                before_html=kept[-1].html,
                earlier=earlier,
            )
            if found is not None:
                same = found.reason == SAME_CONTENT
                skipped.append("same article text" if same else "only furniture")
                rotating.update((b.key, b) for b in found.rotating)  # never flip-backs alone
                continue
        kept.append(f)
    if kept and _alike_held(kept[-1], earliest, rules, policy):
        kept.pop()
        skipped.append("same as the earliest version held")
    return kept, skipped, tuple(rotating.values())


def _alike_held(
    last: _Found, earliest: list[_Held], rules: ExtractRules | None, policy: FurniturePolicy
) -> bool:
    """Whether the newest memento kept is the earliest version held again: the memento first
    (the older), and the held version first too, as the checker holds a stored version, seen
    today (furniture learned since it was stored left out, a standfirst now a field). Never by
    a flip back: the memento before it is no evidence about the held version's blocks."""
    return any(
        collapses(last.body, h.body, rules=rules, policy=policy, html=h.html, before_html=last.html)
        or collapses(
            h.body, last.body, rules=rules, policy=policy, html=last.html, before_html=h.html
        )
        for h in earliest
    )


def _without_learned(f: _Found, rules: ExtractRules) -> _Found:
    paragraphs = without_learned(f.body.paragraphs, rules)
    if paragraphs == f.body.paragraphs:
        return f
    body = replace(f.body, paragraphs=paragraphs)
    version = replace(f.version, text="\n\n".join(paragraphs), content_hash=hash_of(body))
    return replace(f, body=body, version=version)
