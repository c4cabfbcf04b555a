"""Diff cards on the web: a PNG per change at a stable address, and the diff page's
OpenGraph/Twitter meta pointing at it."""

from __future__ import annotations

import io

from PIL import Image
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from tests.web.conftest import Web


def test_each_change_has_a_card_and_the_diff_page_points_at_it(web: Web) -> None:
    a = web.sample.minister
    r = web.get(f"/articles/{a}/versions/2/card.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    png = Image.open(io.BytesIO(r.content))
    assert png.size == (1200, 630)
    # The headline changed between v1 and v2: red (struck) and green (inserted) ink on it.
    colours = {c for _, c in png.convert("RGB").getcolors(1_000_000) or []}
    assert (150, 20, 20) in colours and (10, 110, 40) in colours
    doc = HTMLParser(web.get(f"/articles/{a}/diff/1/2").text)
    meta = {
        (m.attributes.get("property") or m.attributes.get("name")): m.attributes.get("content")
        for m in doc.css("head meta")
    }
    card = f"http://testserver/articles/{a}/versions/2/card.png"
    assert meta["og:image"] == card and meta["twitter:image"] == card
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:url"] == f"http://testserver/articles/{a}/diff/1/2"


def test_no_card_without_a_change(web: Web) -> None:
    a = web.sample.minister
    assert web.get(f"/articles/{a}/versions/1/card.png").status_code == 404  # the first version
    assert web.get(f"/articles/{a}/versions/99/card.png").status_code == 404
