"""Crawl: the engine that runs discovery and checks due articles (see ``engine.Crawler``)."""

from redline.crawl.checker import CheckOutcome, check_article
from redline.crawl.engine import Crawler, CrawlSummary

__all__ = ["CheckOutcome", "CrawlSummary", "Crawler", "check_article"]
