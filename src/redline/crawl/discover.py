"""Run discovery for one source: poll the documents of every registered discovery method (its
feeds, sitemaps and homepage: discovery/methods.py), add new articles."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import datetime

from redline.crawl.checker import address_policy
from redline.discovery import Discovered
from redline.discovery.methods import Method, Parsed, source_documents
from redline.errors import ConfigError, DiscoveryError, FetchError, StorageError
from redline.fetch.client import Fetcher
from redline.fetch.result import FetchResult
from redline.frontier.urls import canonicalize_url
from redline.settings import DiscoverySettings
from redline.storage import SourceRow, Store

log = logging.getLogger(__name__)


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
    store: Store, fetcher: Fetcher, source: SourceRow, url: str, kind: str, max_bytes: int
) -> tuple[FetchResult | None, str | None, str | None]:
    """Fetch a feed, sitemap or homepage with this source's validators for it: (response or None
    when unchanged (304), the validators sent)."""
    etag, last_modified = store.discovery_validators(source.id, url, kind)
    fr = await fetcher.fetch(
        url,
        etag=etag,
        last_modified=last_modified,
        respect_robots=source.config.respect_robots,
        max_bytes=max_bytes,
        scope=address_policy(source.config),
    )
    if fr.not_modified:
        return None, etag, last_modified
    if not fr.ok:
        raise FetchError("http_status", f"answered HTTP {fr.status}", status=fr.status)
    return fr, etag, last_modified


async def discover_source(
    store: Store,
    fetcher: Fetcher,
    source: SourceRow,
    now: datetime,
    limits: DiscoverySettings = DiscoverySettings(),
    *,
    document_timeout: float | None = None,
    source_timeout: float | None = None,
) -> DiscoveryReport:
    """Poll one source's documents. Each document gets ``document_timeout`` seconds in all, the
    source ``source_timeout``: documents not reached by then are tried at the next poll, and
    the links of those read are kept. Parsing runs in a thread, off the event loop."""
    cfg = source.config
    deadline = time.monotonic() + source_timeout if source_timeout else None
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

    async def fetch_and_parse(
        url: str, method: Method
    ) -> tuple[FetchResult | None, str | None, str | None, Parsed]:
        kind = method.kind
        fr, etag, last_modified = await _get(
            store, fetcher, source, url, kind, limits.max_xml_bytes
        )
        if fr is None:
            return None, etag, last_modified, Parsed()
        parsed = await asyncio.to_thread(method.parse, fr.body, url, cfg, limits)
        found.extend(parsed.articles)
        fields = {"source": cfg.name, "kind": kind, "url": url, "status": fr.status}
        fields |= {"bytes": len(fr.body), "ms": fr.duration_ms, "entries": len(parsed.articles)}
        if parsed.children:
            fields["children"] = len(parsed.children)
        log.debug("discovery", extra={"fields": fields})
        return fr, etag, last_modified, parsed

    async def attempt(url: str, method: Method, *, child: bool = False) -> None:
        kind = method.kind
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            report.errors.append(f"{url}: not polled: the source's discovery deadline passed")
            return
        timeouts = [x for x in (left, document_timeout) if x is not None]
        limit = min(timeouts) if timeouts else None
        try:
            try:
                async with asyncio.timeout(limit):
                    fr, etag, last_modified, parsed = await fetch_and_parse(url, method)
            except TimeoutError:
                raise DiscoveryError(
                    f"took longer than {limit or 0:.0f}s in all; cut off"
                ) from None
            if fr is None:  # unchanged since the last good parse
                log.debug(
                    "discovery",
                    extra={"fields": {"source": cfg.name, "kind": kind, "url": url, "status": 304}},
                )
                store.save_discovery_state(
                    source.id, url, kind, now, etag=etag, last_modified=last_modified, error=None
                )
                return
            if parsed.error:
                failed(url, kind, parsed.error)  # links kept; validators cleared: refetched in full
            else:
                store.save_discovery_state(
                    source.id,
                    url,
                    kind,
                    now,
                    etag=fr.etag,
                    last_modified=fr.last_modified,
                    error=None,
                )
            if not child:  # one level of index only
                for sub in parsed.children:
                    await attempt(sub, method, child=True)
        except (FetchError, DiscoveryError, ConfigError) as exc:
            failed(url, kind, str(exc))
        except StorageError:
            raise  # the database is gone: the worker loop backs off and retries
        except Exception as exc:  # a parser bug must cost one URL, never the worker
            log.exception("discovery of %s failed unexpectedly", url)
            failed(url, kind, f"internal error: {type(exc).__name__}: {exc}")

    for method, url in source_documents(cfg):
        await attempt(url, method)

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
        if created:
            log.debug("new link", extra={"fields": {"source": cfg.name, "url": url}})
    report.found = len(seen)
    totals = {"links": report.found, "new": report.new, "errors": len(report.errors)}
    log.debug("discovery done", extra={"fields": {"source": cfg.name, **totals}})
    return report
