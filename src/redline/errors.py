"""The one error tree of Redline.

Library errors (httpx, SQLAlchemy, lxml, feedparser ...) are converted where they enter
Redline (``raise ... from exc``), so callers only ever catch these. Every message is one
line that says what was wrong and what to do; the CLI prints it and exits non-zero.

    RedlineError
    ├── ConfigError          bad option, bad sources file, bad regex
    ├── StorageError         database unreachable, migration failed
    ├── SourceError          unknown / duplicate source
    ├── ArticleNotFound      URL not tracked
    ├── FetchError           network, HTTP status, size limit, robots.txt (``kind`` says which)
    ├── DiscoveryError       malformed or hostile feed / sitemap
    └── ExtractionError      page has no extractable article (``reason`` says why)
"""

from __future__ import annotations


class RedlineError(Exception):
    """Base class: a problem Redline can explain in one line."""


class ConfigError(RedlineError):
    """Invalid configuration: an option, a sources file, a pattern."""


class StorageError(RedlineError):
    """The database cannot be reached or migrated."""


class SourceError(RedlineError):
    """A source name is unknown or already taken."""


class ArticleNotFound(RedlineError):
    """No tracked article matches the given URL."""


class FetchError(RedlineError):
    """A fetch failed. ``kind`` is a short stable name: timeout, connect, http_status,
    too_large, too_many_redirects, robots, not_html, blocked_address, protocol."""

    def __init__(self, kind: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


class DiscoveryError(RedlineError):
    """A feed, sitemap or homepage could not be parsed (malformed or hostile input)."""


class ExtractionError(RedlineError):
    """No article could be extracted from a page. ``reason`` is a short stable name:
    empty, not_html, binary, too_short, unparseable."""

    def __init__(self, reason: str, message: str | None = None) -> None:
        super().__init__(message or f"no article could be extracted ({reason})")
        self.reason = reason
