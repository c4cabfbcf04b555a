"""``redline reextract``: rebuild versions and changes from the stored raw pages with today's
extractor and everything learned about each source since the pages were fetched."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from redline.crawl.checker import EXTRACTOR_VERSION
from redline.crawl.learned import LearnedCache
from redline.errors import ConfigError, ExtractionError
from redline.extract import ExtractRules
from redline.furniture.compare import Body
from redline.reextract.plan import Collapsed, Derived, HistoryPlan, plan_history
from redline.settings import FurnitureSettings
from redline.sources.model import SourceConfig
from redline.storage import ArticleRow, Store, VersionConflict, VersionRow
from redline.storage.records import HistoryRewrite, RewrittenVersion
from redline.versions.changes import change_between
from redline.versions.policy import hash_of
from redline.versions.stored import StoredPage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticlePlan:
    """What happened to one article's history (small: kept for the report, not the texts)."""

    url: str
    versions_before: int
    versions_after: int
    collapsed: tuple[Collapsed, ...]


@dataclass
class ReextractSummary:
    articles: int = 0
    versions: int = 0
    collapsed: int = 0
    rewritten: int = 0
    kept_as_stored: int = 0  # versions with no raw page, or whose page no longer extracts
    conflicts: int = 0
    plans: list[ArticlePlan] = field(default_factory=list)  # the articles whose history changes

    def line(self, dry_run: bool) -> str:
        verb = "would collapse" if dry_run else "collapsed"
        return (
            f"re-extracted {self.versions} version(s) of {self.articles} article(s): {verb} "
            f"{self.collapsed}, {'would rewrite' if dry_run else 'rewrote'} {self.rewritten}, "
            f"kept {self.kept_as_stored} as stored (no page or no longer extracts)"
            + (f", {self.conflicts} skipped (checked meanwhile)" if self.conflicts else "")
        )


def _articles(
    store: Store, source: SourceConfig | None, source_id: int | None, url: str | None
) -> Iterator[ArticleRow]:
    if url is not None:
        yield store.require_article(url)
        return
    for ids in store.article_ids():
        for article_id in ids:
            art = store.get_article(article_id)
            if source_id is None or art.source_id == source_id:
                yield art


def reextract(
    store: Store,
    *,
    source: str | None = None,
    url: str | None = None,
    dry_run: bool = False,
    settings: FurnitureSettings | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReextractSummary:
    """Re-derive the history of every article (of ``source``, or the one at ``url``)."""
    cache = LearnedCache(settings or FurnitureSettings())
    sources = {s.id: s for s in store.list_sources()}
    only = store.get_source(source) if source else None
    if only is not None and url is not None:
        art = store.require_article(url)
        if art.source_id != only.id:
            raise ConfigError(f"{url} is not an article of source {source!r}")
    summary = ReextractSummary()
    for art in _articles(store, only.config if only else None, only.id if only else None, url):
        if art.version_count == 0:
            continue
        row = sources.get(art.source_id) if art.source_id is not None else None
        rules = cache.rules(store, row, art.title)
        versions = store.versions(art.id)
        derived = [_derive(store, v, rules) for v in versions]
        summary.kept_as_stored += sum(1 for d in derived if d.html is None)
        plan = plan_history(
            derived,
            [(Body.of(v), v.extractor) for v in versions],
            rules=rules,
            policy=cache.policy,
        )
        summary.articles += 1
        summary.versions += len(versions)
        if progress:
            progress(summary.articles)
        if not plan.changes_anything:
            continue
        if not dry_run:
            try:
                store.rewrite_history(_rewrite(art, versions, plan))
            except VersionConflict:
                summary.conflicts += 1
                continue
        summary.collapsed += len(plan.collapsed)
        summary.rewritten += plan.rewritten
        summary.plans.append(ArticlePlan(art.url, len(versions), len(plan.kept), plan.collapsed))
    return summary


def _derive(store: Store, v: VersionRow, rules: ExtractRules | None) -> Derived:
    page = StoredPage(store, v)
    try:
        ext = page.read(rules)
    except ExtractionError as exc:
        if v.raw_sha256 is not None:
            log.info("version %s of article %s kept as stored: %s", v.number, v.article_id, exc)
        return Derived(v.id, v.number, Body.of(v), v.extractor, None)
    return Derived(v.id, v.number, Body.of(ext), ext.method, page.html)


def _rewrite(art: ArticleRow, versions: list[VersionRow], plan: HistoryPlan) -> HistoryRewrite:
    by_id = {v.id: v for v in versions}
    rows: list[RewrittenVersion] = []
    prev: VersionRow | None = None
    for k in plan.kept:
        old = by_id[k.version_id]
        text = "\n\n".join(k.body.paragraphs)
        now = VersionRow(
            **{
                **old.__dict__,
                "number": k.number,
                "title": k.body.title,
                "byline": k.body.byline,
                "standfirst": k.body.standfirst,
                "lead_caption": k.body.lead_caption,
                "text": text,
            }
        )
        rows.append(
            RewrittenVersion(
                version_id=k.version_id,
                number=k.number,
                title=k.body.title,
                byline=k.body.byline,
                standfirst=k.body.standfirst,
                lead_caption=k.body.lead_caption,
                text=text,
                content_hash=hash_of(k.body),
                extractor=k.extractor,
                extractor_version=EXTRACTOR_VERSION
                if k.extractor != old.extractor or k.body != Body.of(old)
                else old.extractor_version,
                change=change_between(prev, now) if prev is not None else None,
            )
        )
        prev = now
    return HistoryRewrite(
        article_id=art.id,
        expected_version_count=art.version_count,
        kept=tuple(rows),
        collapsed=tuple((c.version_id, c.reason) for c in plan.collapsed),
    )
