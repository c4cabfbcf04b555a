"""Fetch stage: polite, bounded HTTP. See ``client.Fetcher``."""

from redline.fetch.addresses import PUBLIC_ONLY, AddressPolicy
from redline.fetch.client import Fetcher
from redline.fetch.result import FetchResult

__all__ = ["PUBLIC_ONLY", "AddressPolicy", "FetchResult", "Fetcher"]
