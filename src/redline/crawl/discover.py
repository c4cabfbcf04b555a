"""Run discovery for one source: poll its feeds, sitemaps and homepage, add new articles."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from redline.crawl.checker import address_policy
from redline.discovery import Discovered, parse_feed, parse_homepage, parse_sitemap
from redline.errors import ConfigError, DiscoveryError, FetchError, StorageError
from redline.fetch.client import Fetcher
from redline.fetch.result import FetchResult
from redline.frontier.urls import canonicalize_url
from redline.storage import SourceRow, Store

log = logging.getLogger(__name__)
MAX_CHILD_SITEMAPS = (
    20  # a sitemap index of a big outlet lists years of archives; take the first ones
)
MAX_DISCOVERY_BYTES = 50 * 1024 * 1024


@dataclass
class DiscoveryReport:
    source: str
    found: int = 0
    new: int = 0
    errors: list[str] = field(default_factory=list)


def _wanted(url: str, include: list[re.Pattern[str]], exclude: list[re.Pattern[str]]) -> bool:
    if include and not any(p.search(url) for p in include):
        return False
    return not any(p.search(url) for p in exclude)


async def _get(
    store: Store, fetcher: Fetcher, source: SourceRow, url: str, kind: str
) -> tuple[FetchResult | None, str | None, str | None]:
    """Fetch a feed, sitemap or homepage with this source's validators for it: (response or None
    when unchanged (304), the validators sent)."""
    etag, last_modified = store.discovery_validators(source.id, url, kind)
    fr = await fetcher.fetch(
        url, etag=etag, last_modified=last_modified, respect_robots=source.config.respect_robots,
        max_bytes=MAX_DISCOVERY_BYTES, scope=address_policy(source.config),
    )  # fmt: skip
    if fr.not_modified:
        return None, etag, last_modified
    if not fr.ok:
        raise FetchError("http_status", f"answered HTTP {fr.status}", status=fr.status)
    return fr, etag, last_modified


async def discover_source(
    store: Store, fetcher: Fetcher, source: SourceRow, now: datetime
) -> DiscoveryReport:
    cfg = source.config
    report = DiscoveryReport(cfg.name)
    include = [re.compile(p) for p in cfg.include]
    exclude = [re.compile(p) for p in cfg.exclude]
    found: list[Discovered] = []

    def failed(url: str, kind: str, error: str) -> None:
        error = " ".join(error.split())  # one line, whatever the library said
        msg = f"{url}: {error}"
        report.errors.append(msg)
        log.info("discovery failed: %s", msg)  # the crawl summary and `redline status` show it
        store.save_discovery_state(
            source.id, url, kind, now, etag=None, last_modified=None, error=error
        )

    def parse(body: bytes, url: str, mode: str) -> tuple[list[str], str | None]:
        """Add the links of one document to ``found``: (child sitemaps, partial-parse error)."""
        if mode == "feed":
            feed = parse_feed(body, url)
            found.extend(feed.articles)
            return [], feed.error
        if mode == "homepage":
            found.extend(
                parse_homepage(body, url, list(cfg.include) or None, list(cfg.exclude) or None)
            )
            return [], None
        page = parse_sitemap(body, url)
        found.extend(page.articles)
        return page.sitemaps[:MAX_CHILD_SITEMAPS], page.error

    async def attempt(url: str, mode: str) -> None:
        kind = "sitemap" if mode == "child-sitemap" else mode
        try:
            fr, etag, last_modified = await _get(store, fetcher, source, url, kind)
            if fr is None:  # unchanged since the last good parse
                store.save_discovery_state(
                    source.id, url, kind, now, etag=etag, last_modified=last_modified, error=None
                )
                return
            children, partial = parse(fr.body, url, mode)
            if partial:
                failed(url, kind, partial)  # links kept; validators cleared: refetched in full
            else:
                store.save_discovery_state(
                    source.id, url, kind, now, etag=fr.etag, last_modified=fr.last_modified,
                    error=None,
                )  # fmt: skip
            if mode == "sitemap":  # one level of index only
                for child in children:
                    await attempt(child, "child-sitemap")
        except (FetchError, DiscoveryError, ConfigError) as exc:
            failed(url, kind, str(exc))
        except StorageError:
            raise  # the database is gone: the worker loop backs off and retries
        except Exception as exc:  # a parser bug must cost one URL, never the worker
            log.exception("discovery of %s failed unexpectedly", url)
            failed(url, kind, f"internal error: {type(exc).__name__}: {exc}")

    for url in cfg.feeds:
        await attempt(url, "feed")
    for url in cfg.sitemaps:
        await attempt(url, "sitemap")
    if cfg.homepage:
        await attempt(cfg.homepage, "homepage")

    seen: set[str] = set()
    for item in found:
        try:
            url = canonicalize_url(item.url, cfg.strip_params)
        except ConfigError:
            continue
        if url in seen or not _wanted(url, include, exclude):
            continue
        seen.add(url)
        _, created = store.add_article(url, source.id, now, title=item.title)
        report.new += int(created)
    report.found = len(seen)
    return report
