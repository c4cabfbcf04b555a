"""Compute the stored change between two versions with the diff engine."""

from __future__ import annotations

from redline.diff import DIFF_ENGINE_VERSION, DocVersion, compare
from redline.storage.records import NewChange, NewVersion, VersionRow


def _iso(d: object) -> str | None:
    return d.isoformat() if d is not None else None  # type: ignore[attr-defined]


def as_doc(v: VersionRow | NewVersion) -> DocVersion:
    return DocVersion(
        title=v.title, byline=v.byline, published=_iso(v.published), modified=_iso(v.modified),
        paragraphs=tuple(p for p in v.text.split("\n\n") if p),
    )  # fmt: skip


def change_between(old: VersionRow, new: VersionRow | NewVersion) -> NewChange:
    result = compare(as_doc(old), as_doc(new))
    return NewChange(
        engine_version=DIFF_ENGINE_VERSION, level=result.level, score=result.score,
        classes=list(result.classes), summary=result.summary, stealth=result.stealth,
        data=result.to_dict(),
    )  # fmt: skip
