"""What pages show, as pure functions of stored rows: timelines, diffs, navigation.

Kept apart from the routes so they can be tested without HTTP and shared by pages, API and feeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from redline.diff import ChangeResult
from redline.storage import ArticleRow, EventRow, Store, VersionRow
from redline.storage.browse import VersionMeta
from redline.versions.changes import result_between
from redline.vocabulary import EventKind

# Events shown on an article's timeline (first_seen opens it; the rest are what happened).
TIMELINE_EVENTS = (
    EventKind.FIRST_SEEN,
    EventKind.DELETED,
    EventKind.GONE,
    EventKind.REDIRECTED,
    EventKind.SUSPECT,
    EventKind.RESTORED,
)


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str  # "version" or an event kind
    version: VersionMeta | None = None
    event: EventRow | None = None


def timeline(versions: list[VersionMeta], events: list[EventRow]) -> list[TimelineItem]:
    """Versions and events of one article, newest first; at equal times a version comes after
    the event that accompanied it (e.g. 'restored' then the version it brought)."""
    items = [TimelineItem(v.captured_at, "version", version=v) for v in versions]
    items += [TimelineItem(e.at, e.kind, event=e) for e in events if e.kind in TIMELINE_EVENTS]
    order = {"first_seen": 0, "version": 2}
    items.sort(key=lambda i: (i.at, order.get(i.kind, 1)), reverse=True)
    return items


@dataclass(frozen=True)
class DiffView:
    article: ArticleRow
    old: VersionRow
    new: VersionRow
    result: ChangeResult
    stored: bool  # True when read from the stored change, False when computed now
    # Lowest and highest version numbers held: below 1 when versions were backfilled from a web
    # archive (0, -1 ...), so navigation goes back to them (docs/archive.md).
    first: int = 1
    last: int = 1

    @property
    def consecutive(self) -> bool:
        return self.new.number == self.old.number + 1

    def prev_pair(self) -> tuple[int, int] | None:
        """The change before the one this diff ends with."""
        n = self.new.number - 1
        return (n - 1, n) if n - 1 >= self.first else None

    def next_pair(self) -> tuple[int, int] | None:
        n = self.new.number + 1
        return (n - 1, n) if n <= self.last else None


def diff_view(store: Store, article: ArticleRow, a: int, b: int) -> DiffView:
    """The diff between versions a < b: the stored change for neighbours (recomputed and stored
    again when another diff engine version wrote it), computed otherwise."""
    old = store.version(article.id, a)
    new = store.version(article.id, b)
    first, last = store.version_span(article.id) or (a, b)
    return DiffView(article, old, new, *result_between(store, old, new), first=first, last=last)
