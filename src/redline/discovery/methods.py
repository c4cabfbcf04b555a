"""The ways Redline finds a source's articles, one registered method each.

A method names the documents of a source it reads (its feeds, its sitemaps, its homepage) and
parses one fetched document into article links, plus child documents of the same kind to read
next (a sitemap index). ``crawl.discover`` polls every registered method the same way (validators,
deadlines, errors, logging), so a new way in (a JSON API, a GraphQL listing) is one
``register()`` here, and nothing in the crawler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from redline.discovery.feeds import parse_feed
from redline.discovery.homepage import parse_homepage
from redline.discovery.model import Discovered
from redline.discovery.sitemaps import parse_sitemap
from redline.settings import DiscoverySettings
from redline.sources.model import SourceConfig


@dataclass(frozen=True)
class Parsed:
    """What one document gave: article links, child documents to read (one level), and the
    error of a partial parse (the links found before it are kept)."""

    articles: list[Discovered] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    error: str | None = None


Parser = Callable[[bytes, str, SourceConfig, DiscoverySettings], Parsed]


@dataclass(frozen=True)
class Method:
    """One way of finding articles: ``kind`` is what discovery state and logs call it."""

    kind: str
    urls: Callable[[SourceConfig], tuple[str, ...]]
    parse: Parser


METHODS: dict[str, Method] = {}


def register(method: Method) -> Method:
    """Add a method; the crawler polls methods in the order they were registered."""
    METHODS[method.kind] = method
    return method


def source_documents(cfg: SourceConfig) -> tuple[tuple[Method, str], ...]:
    """Every document discovery reads for a source, with its method, in polling order."""
    return tuple((m, url) for m in METHODS.values() for url in m.urls(cfg))


def _feed(body: bytes, url: str, cfg: SourceConfig, limits: DiscoverySettings) -> Parsed:
    page = parse_feed(body, url, limits)
    return Parsed(page.articles, [], page.error)


def _sitemap(body: bytes, url: str, cfg: SourceConfig, limits: DiscoverySettings) -> Parsed:
    page = parse_sitemap(body, url, limits)
    return Parsed(page.articles, page.sitemaps[: limits.max_child_sitemaps], page.error)


def _homepage(body: bytes, url: str, cfg: SourceConfig, limits: DiscoverySettings) -> Parsed:
    links = parse_homepage(body, url, list(cfg.include) or None, list(cfg.exclude) or None)
    return Parsed(links)


FEED = register(Method("feed", lambda cfg: tuple(cfg.feeds), _feed))
SITEMAP = register(Method("sitemap", lambda cfg: tuple(cfg.sitemaps), _sitemap))
HOMEPAGE = register(
    Method("homepage", lambda cfg: (cfg.homepage,) if cfg.homepage else (), _homepage)
)
