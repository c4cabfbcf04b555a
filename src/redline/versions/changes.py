"""Compute the stored change between two versions with the diff engine, and keep stored changes
current: a change stored by another DIFF_ENGINE_VERSION is recomputed when read and stored again."""

from __future__ import annotations

import logging

from redline.diff import DIFF_ENGINE_VERSION, ChangeResult, DocVersion, compare
from redline.storage import Store
from redline.storage.browse import change_of_version
from redline.storage.records import ChangeRow, NewVersion, VersionRow

log = logging.getLogger(__name__)


def _iso(d: object) -> str | None:
    return d.isoformat() if d is not None else None  # type: ignore[attr-defined]


def as_doc(v: VersionRow | NewVersion) -> DocVersion:
    return DocVersion(
        title=v.title,
        byline=v.byline,
        published=_iso(v.published),
        modified=_iso(v.modified),
        paragraphs=tuple(p for p in v.text.split("\n\n") if p),
        standfirst=v.standfirst,
        lead_caption=v.lead_caption,
    )


def as_new_change(result: ChangeResult) -> ChangeRow:
    return ChangeRow(
        engine_version=result.engine,
        level=result.level,
        score=result.score,
        classes=list(result.classes),
        summary=result.summary,
        stealth=result.stealth,
        data=result.to_dict(),
    )


def change_between(old: VersionRow, new: VersionRow | NewVersion) -> ChangeRow:
    return as_new_change(compare(as_doc(old), as_doc(new)))


def is_current(change: ChangeRow) -> bool:
    return change.engine_version == DIFF_ENGINE_VERSION


def current_result(
    store: Store, old: VersionRow, new: VersionRow, stored: ChangeRow | None
) -> tuple[ChangeResult, bool]:
    """The change from ``old`` to the next version ``new``: (result, read from storage). A stored
    change from another engine version (or unreadable) is recomputed and stored again."""
    if stored is not None and is_current(stored):
        try:
            return ChangeResult.from_dict(stored.data), True
        except (KeyError, TypeError, ValueError):
            log.warning("unreadable stored change of version %s: recomputing", new.id)
    result = compare(as_doc(old), as_doc(new))
    if stored is not None:
        store.replace_change(new.id, as_new_change(result))
    return result, False


def result_between(store: Store, old: VersionRow, new: VersionRow) -> tuple[ChangeResult, bool]:
    """The change from ``old`` to a later ``new``: (result, read from storage). Neighbours use
    the change stored when ``new`` was captured (recomputed if another engine stored it); any
    other pair is computed now. Shared by the diff page, the API and `redline diff`."""
    if new.number == old.number + 1:
        return current_result(store, old, new, change_of_version(store, new.id))
    return compare(as_doc(old), as_doc(new)), False


def refresh_changes(store: Store, article_id: int) -> int:
    """Recompute and store again every change of an article that another engine version wrote;
    how many were refreshed. Listings (timelines, history) call this before reading summaries."""
    stale = [c for c in store.changes(article_id).values() if not is_current(c)]
    if not stale:
        return 0
    versions = store.versions(article_id)
    by_id = {v.id: v for v in versions}
    by_number = {v.number: v for v in versions}
    done = 0
    for c in stale:
        new = by_id.get(c.version_id) if c.version_id is not None else None
        old = by_number.get(new.number - 1) if new else None
        if new is not None and old is not None:
            store.replace_change(new.id, change_between(old, new))
            done += 1
    return done
