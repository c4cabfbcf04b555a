"""The stable JSON shapes of Redline (CLI ``--json`` and the web API share them).

Times are ISO 8601 with a UTC offset. Documented in docs/api.md; change only by adding fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from redline.sources.model import SourceConfig
from redline.storage.archive_db import Provenance
from redline.storage.records import ArticleRow, ChangeRow, EventRow, VersionRow

WARC_SINCE = "0.2"  # the first release that keeps WARC records of captures
NO_WARC = f"no WARC: captured before {WARC_SINCE}"


def iso(d: datetime | None) -> str | None:
    return d.isoformat() if d is not None else None


def source_json(
    cfg: SourceConfig, stats: dict[str, int] | None = None, *, paused: bool | None = None
) -> dict[str, Any]:
    d = cfg.to_dict()
    if paused is not None:
        d["paused"] = paused
    if stats is not None:
        d["stats"] = stats
    return d


def article_json(a: ArticleRow) -> dict[str, Any]:
    return {
        "id": a.id,
        "url": a.url,
        "source": a.source,
        "title": a.title,
        "status": a.status,
        "version_count": a.version_count,
        "check_count": a.check_count,
        "first_seen": iso(a.first_seen),
        "last_checked": iso(a.last_checked),
        "last_changed": iso(a.last_changed),
        "next_check": iso(a.next_check),
        "last_error": a.last_error,
    }


def change_json(c: ChangeRow | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "level": c.level,
        "score": round(c.score, 3),
        "classes": c.classes,
        "summary": c.summary,
        "stealth": c.stealth,
    }


def provenance_json(p: Provenance) -> dict[str, Any]:
    """Where a version comes from (docs/api.md): Redline's own capture or a web archive."""
    d: dict[str, Any] = {
        "kind": p.kind,
        "captured_at": iso(p.captured_at),
        "status": p.status,
        "final_url": p.final_url,
        "sha256": p.sha256,
        "warc_record_id": p.warc_record_id,
    }
    if p.kind == "archive":
        d["memento_url"] = p.memento_url
        d["memento_datetime"] = iso(p.memento_datetime)
    if p.warc_record_id is None:
        d["note"] = NO_WARC
    return d


def version_json(
    v: VersionRow, change: ChangeRow | None = None, provenance: Provenance | None = None
) -> dict[str, Any]:
    d: dict[str, Any] = {
        "number": v.number,
        "captured_at": iso(v.captured_at),
        "title": v.title,
        "byline": v.byline,
        "published": iso(v.published),
        "modified": iso(v.modified),
        "text": v.text,
        "paragraphs": list(v.paragraphs),
        "url": v.url,
        "extractor": v.extractor,
        "raw_sha256": v.raw_sha256,
    }
    if v.number > 1 or change is not None:
        d["change"] = change_json(change)
    if provenance is not None:
        d["provenance"] = provenance_json(provenance)
    return d


def event_json(e: EventRow) -> dict[str, Any]:
    return {"at": iso(e.at), "kind": e.kind, "detail": e.detail}


def history_json(
    a: ArticleRow,
    versions: list[VersionRow],
    changes: dict[int, ChangeRow],
    events: list[EventRow],
    provenance: dict[int, Provenance] | None = None,
) -> dict[str, Any]:
    prov = provenance or {}
    return {
        **article_json(a),
        "versions": [version_json(v, changes.get(v.id), prov.get(v.id)) for v in versions],
        "events": [event_json(e) for e in events],
    }
