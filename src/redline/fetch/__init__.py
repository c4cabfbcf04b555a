"""Fetch stage: polite, bounded HTTP. See ``client.Fetcher``."""

from redline.fetch.client import Fetcher
from redline.fetch.result import FetchResult

__all__ = ["FetchResult", "Fetcher"]
