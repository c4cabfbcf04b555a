"""The stable JSON shapes of Redline (CLI ``--json`` and the web API share them).

Times are ISO 8601 with a UTC offset. Documented in docs/api.md; change only by adding fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from redline.extract.furniture import furniture_key
from redline.sources.model import SourceConfig
from redline.storage.archive_db import Provenance
from redline.storage.records import (
    ArticleRow,
    ChangeRow,
    EventRow,
    FurnitureRuleRow,
    VersionRow,
)

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


def furniture_rules_json(cfg: SourceConfig, rows: list[FurnitureRuleRow]) -> list[dict[str, Any]]:
    """A source's furniture rules: the sources file's (``origin: config``) and the learned ones,
    each with how often it fired (``redline source show``, the web source page)."""
    vetoed = {furniture_key(v) for v in cfg.furniture_veto}
    out: list[dict[str, Any]] = []
    for sel in (*(cfg.rules.get("drop") or ()), *cfg.exclude_selectors):
        out.append({"kind": "selector", "origin": "config", "key": sel, "action": "exclude"})
    for sel in cfg.keep_selectors:
        out.append({"kind": "selector", "origin": "config", "key": sel, "action": "keep"})
    for text in cfg.furniture_pin:
        out.append({"kind": "text", "origin": "config", "key": text, "action": "pin"})
    for text in cfg.furniture_veto:
        out.append({"kind": "text", "origin": "config", "key": text, "action": "veto"})
    for r in rows:
        out.append(
            {
                "kind": str(r.kind),
                "origin": "learned",
                "key": r.key,
                "sample": r.sample,
                "action": "vetoed" if r.key in vetoed else "drop",
                "articles": r.articles,
                "fired": r.fired,
                "first_seen": iso(r.first_seen),
                "last_seen": iso(r.last_seen),
                "last_fired": iso(r.last_fired),
            }
        )
    return out


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
        "warc_date": iso(p.warc_date),
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
        "standfirst": v.standfirst,
        "lead_caption": v.lead_caption,
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
        "standfirst": versions[-1].standfirst if versions else None,
        "lead_caption": versions[-1].lead_caption if versions else None,
        "versions": [version_json(v, changes.get(v.id), prov.get(v.id)) for v in versions],
        "events": [event_json(e) for e in events],
    }
