"""Every default Redline uses, in one place, each with the reason for its value.

Per-source values in a sources file override the politeness and schedule settings for that
source only (see docs/configuration.md; a test checks every field here is documented there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from redline import __version__

USER_AGENT = (
    f"Redline/{__version__} (news change tracker; +https://github.com/redline-news/redline)"
)


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = USER_AGENT
    """Sent on every request and matched against robots.txt groups."""
    timeout: float = 20.0
    """Seconds for connect, read and write each; a hanging site costs at most this per try."""
    total_timeout: float = 60.0
    """Seconds one whole try may take, so a site trickling one byte a second is cut off."""
    max_body_bytes: int = 10 * 1024 * 1024
    """Pages larger than this (decompressed) are cut off and recorded as an error (too_large)."""
    max_redirects: int = 5
    """Redirect hops followed before giving up (too_many_redirects)."""
    retries: int = 2
    """Extra tries after a timeout, connection error or 5xx."""
    retry_backoff: float = 1.0
    """Seconds before the first retry; doubled for each further one."""
    global_concurrency: int = 16
    """Requests in flight at once across all hosts."""
    per_host_concurrency: int = 2
    """Requests in flight at once to one host (polite for real sites)."""
    per_host_delay: float = 1.0
    """Seconds between the starts of two requests to one host."""
    respect_robots: bool = True
    """Obey robots.txt (Protego) for the User-Agent above."""
    robots_ttl: float = 3600.0
    """Seconds a host's robots.txt is cached."""


@dataclass(frozen=True)
class CrawlSettings:
    discover_every: timedelta = timedelta(minutes=10)
    """How often each source's feeds, sitemaps and homepage are polled."""
    batch_size: int = 200
    """Due articles taken from the frontier at a time."""
    lease: timedelta = timedelta(minutes=5)
    """How long a claimed article stays reserved for one worker; a dead worker's claims expire."""
    source_batch: int = 5
    """Sources claimed for discovery at a time (each batch leased from the moment of its claim)."""
    heartbeat_every: float = 30.0
    """Seconds between a worker's heartbeats (`redline status`), also in the middle of a round."""
    max_sleep: float = 60.0
    """Longest sleep of `redline crawl` between rounds, so new sources are noticed."""
    missing_checks_for_deletion: int = 2
    """Consecutive 404/410 answers before an article is marked deleted/gone."""
    paywall_ratio: float = 0.5
    """A body shorter than this fraction of the previous version with a paywall phrase is suspect."""
    shrink_ratio: float = 0.3
    """A body shorter than this fraction of a long previous version is suspect even without a phrase."""


@dataclass(frozen=True)
class WebSettings:
    base_url: str | None = None
    """Public address of the web interface (e.g. https://redline.example.org/), used for every
    absolute link in feeds; without it only requests over loopback may use their Host header."""
    workers: int = 1
    """Processes `redline serve` runs to answer requests (each with its own database pool)."""


@dataclass(frozen=True)
class Settings:
    fetch: FetchSettings = field(default_factory=FetchSettings)
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    web: WebSettings = field(default_factory=WebSettings)
