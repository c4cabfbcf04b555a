"""Archive routes: a version's capture as a WARC download (docs/archive.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from redline.archive.export import one_version_warc
from redline.web.deps import MAX_ID, store_of
from redline.web.errors import not_found

router = APIRouter()


@router.get("/articles/{article_id}/versions/{number}/warc", include_in_schema=False)
def version_warc(
    request: Request,
    article_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    number: Annotated[int, Path(ge=-MAX_ID, le=MAX_ID)],
) -> Response:
    """The capture of one version as a .warc.gz: its response record (a revisit comes with the
    response it refers to, so the file replays on its own)."""
    store = store_of(request)
    art = store.get_article(article_id)
    v = store.version(art.id, number)
    records = store.version_records(v.id)
    if not records:
        raise not_found(f"version {number} has no WARC record (captured before 0.2)")
    return Response(
        one_version_warc(records),
        media_type="application/warc",
        headers={
            "content-disposition": f'attachment; filename="redline-{art.id}-v{number}.warc.gz"'
        },
    )
