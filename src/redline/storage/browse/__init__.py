"""Read queries for the web pages, the JSON API and the feeds, split by concern: ``stream``
(changes and removals), ``articles`` (sources, article lists, timelines) and ``search``.

Every query reads through ``Store._read()``, so a database error is a StorageError (the web
answers 503), the same policy as every other read. Rows come back as frozen dataclasses;
nothing SQLAlchemy leaks out. Wording (snippets, "changed today") belongs to the web.
"""

from redline.storage.browse.articles import (
    ARTICLE_ORDERS,
    ARTICLE_STATUSES,
    SourceSummary,
    VersionMeta,
    articles_state,
    articles_with_stale_changes,
    change_of_version,
    find_source,
    list_articles,
    source_summaries,
    version_timeline,
)
from redline.storage.browse.cursor import LEVELS, BadCursor, Cursor, Page
from redline.storage.browse.search import SearchHit, SearchQuery, SearchResult, search
from redline.storage.browse.stream import (
    SPECIAL_CLASSES,
    StreamEntry,
    StreamFilter,
    StreamState,
    recent_changes,
    stream_state,
)

__all__ = [
    "ARTICLE_ORDERS",
    "ARTICLE_STATUSES",
    "LEVELS",
    "SPECIAL_CLASSES",
    "BadCursor",
    "Cursor",
    "Page",
    "SearchHit",
    "SearchQuery",
    "SearchResult",
    "SourceSummary",
    "StreamEntry",
    "StreamFilter",
    "StreamState",
    "VersionMeta",
    "articles_state",
    "articles_with_stale_changes",
    "change_of_version",
    "find_source",
    "list_articles",
    "recent_changes",
    "search",
    "source_summaries",
    "stream_state",
    "version_timeline",
]
