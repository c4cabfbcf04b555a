"""A moved story's two records made one: which versions stay, and the change that joins them.

Pure (the checker decides, ``Store.merge_moved`` applies in one transaction). The record found
at the new URL usually starts with what the old record last held: those leading repeats go, the
rest follow the old record's versions, the first of them with its change against the old latest.
"""

from __future__ import annotations

from collections.abc import Sequence

from redline.storage import MovedMerge, VersionRow
from redline.versions.changes import change_between


def plan_moved_merge(
    keep: int,
    absorbed: int,
    url: str,
    keep_latest: VersionRow | None,
    absorbed_versions: Sequence[VersionRow],
) -> MovedMerge:
    drop: set[int] = set()
    previous = keep_latest
    for v in absorbed_versions:
        if previous is None or v.content_hash != previous.content_hash:
            break
        drop.add(v.id)
    rest = [v for v in absorbed_versions if v.id not in drop]
    first_change = change_between(keep_latest, rest[0]) if keep_latest and rest else None
    return MovedMerge(
        keep=keep, absorbed=absorbed, url=url, drop=frozenset(drop), first_change=first_change
    )
