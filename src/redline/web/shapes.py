"""JSON shapes the web adds to redline.serialize: stream entries, version summaries, hits.

Like serialize, these change only by adding fields (documented in docs/api.md).
"""

from __future__ import annotations

from typing import Any

from redline.serialize import change_json, iso
from redline.storage import ChangeRow, RemovalKind
from redline.storage.browse import SearchResult, StreamEntry, VersionMeta
from redline.web.wording import removal_label


def diff_path(article_id: int, a: int, b: int) -> str:
    return f"/articles/{article_id}/diff/{a}/{b}"


def entry_json(e: StreamEntry) -> dict[str, Any]:
    d: dict[str, Any] = {
        "kind": e.kind,
        "at": iso(e.at),
        "article": {
            "id": e.article_id,
            "url": e.article_url,
            "source": e.source,
            "status": e.article_status,
            "title": e.title,
        },
    }
    links = {"article": f"/articles/{e.article_id}"}
    if e.kind == "change" and e.number is not None:
        d.update(
            version=e.number,
            old_title=e.old_title,
            level=e.level,
            score=round(e.score or 0.0, 3),
            classes=e.classes,
            summary=e.summary,
            stealth=e.stealth,
            headline_changed=e.headline_changed,
        )
        links["diff"] = diff_path(e.article_id, e.number - 1, e.number)
        links["api_diff"] = (
            f"/api/v1/articles/{e.article_id}/diff?from={e.number - 1}&to={e.number}"
        )
    else:
        d["detail"] = e.detail
        d["removal"] = {
            "kind": e.kind,
            "label": removal_label(e.kind, e.detail),
            "redirect_to": e.detail if e.kind == RemovalKind.REDIRECTED else None,
        }
    d["links"] = links
    return d


def meta_change(v: VersionMeta) -> ChangeRow | None:
    if v.level is None:
        return None
    return ChangeRow(
        version_id=v.id,
        engine_version="",
        level=v.level,
        score=v.score or 0.0,
        classes=v.classes,
        summary=v.summary or "",
        stealth=v.stealth,
        data={},
    )


def version_meta_json(v: VersionMeta) -> dict[str, Any]:
    d: dict[str, Any] = {
        "number": v.number,
        "captured_at": iso(v.captured_at),
        "title": v.title,
        "standfirst": v.standfirst,
        "lead_caption": v.lead_caption,
        "byline": v.byline,
        "url": v.url,
        "chars": v.chars,
    }
    if v.number > 1 or v.level is not None:  # backfilled versions (0, -1 ...) have one too
        d["change"] = change_json(meta_change(v))
    return d


def search_json(r: SearchResult, snippet_text: str) -> dict[str, Any]:
    return {
        "article": {
            "id": r.article_id,
            "url": r.url,
            "source": r.source,
            "status": r.status,
            "title": r.hits[0].title,
            "version_count": r.version_count,
        },
        "versions": [
            {"number": h.number, "captured_at": iso(h.captured_at), "title": h.title}
            for h in r.hits
        ],
        "snippet": snippet_text,
        "links": {
            "article": f"/articles/{r.article_id}",
            "version": f"/articles/{r.article_id}/versions/{r.hits[0].number}",
        },
    }
