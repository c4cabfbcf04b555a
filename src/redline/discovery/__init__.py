"""Discovery: article links from feeds, sitemaps and homepages (pure parsers of fetched bytes)."""

from redline.discovery.feeds import MAX_FEED_ENTRIES, parse_feed
from redline.discovery.homepage import compile_patterns, looks_like_article_url, parse_homepage
from redline.discovery.model import Discovered, FeedPage, SitemapPage
from redline.discovery.sitemaps import MAX_SITEMAP_URLS, parse_sitemap

__all__ = [
    "MAX_FEED_ENTRIES",
    "MAX_SITEMAP_URLS",
    "Discovered",
    "FeedPage",
    "SitemapPage",
    "compile_patterns",
    "looks_like_article_url",
    "parse_feed",
    "parse_homepage",
    "parse_sitemap",
]
