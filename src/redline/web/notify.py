"""Notifications on the web: the diff card of each change (a PNG at a stable address that the
diff page's OpenGraph/Twitter meta points at, so a shared link unfurls with it)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from redline.notify.cards import CardData, render_card
from redline.web.deps import store_of
from redline.web.errors import not_found
from redline.web.pages import Id, VersionNo

router = APIRouter()


@router.get("/articles/{article_id}/versions/{number}/card.png", include_in_schema=False)
def card(request: Request, article_id: Id, number: VersionNo) -> Response:
    """The card of the change that made version ``number``."""
    item = store_of(request).change_item(article_id, number)
    if item is None:
        raise not_found(f"article {article_id} has no change to version {number}")
    return Response(
        render_card(CardData.from_item(item)),
        media_type="image/png",
        headers={"cache-control": "public, max-age=86400"},
    )
