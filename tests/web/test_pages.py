"""Server-rendered pages: content, escaping, pagination, find-by-URL, diff toggles."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from tests.web.conftest import CLOCK, FILLERS, Web
from tests.web.sample import HOSTILE

from redline.diff import DIFF_ENGINE_VERSION
from redline.storage.records import ChangeRow


def _page(web: Web, url: str, status: int = 200) -> str:
    r = web.get(url)
    assert r.status_code == status, (url, r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    return str(r.text)


def _assert_escaped(text: str) -> None:
    assert HOSTILE not in text
    assert "&lt;script&gt;alert(" in text
    scripts = re.findall(r"<script\b[^>]*>", text)
    assert scripts == ['<script src="/static/app.js" defer>']  # the only script is ours


def test_front_page_lists_changes_newest_first(web: Web) -> None:
    text = _page(web, "/")
    doc = HTMLParser(text)
    entries = doc.css("ol.stream > li.entry")
    assert len(entries) == 50
    first_titles = [e.css(".headline")[0].text().strip() for e in entries[:4]]
    assert any("Harbour" in t for t in first_titles)
    minister = next(e for e in entries if "$17 billion" in e.text())
    assert minister.css("del")[0].text() == "Minister resigns over budget"
    assert "$17 billion → $27.6 billion" in minister.text()
    assert minister.css(".badge.level-substantive")[0].text() == "Substantive"
    assert doc.css('link[rel=alternate][type="application/atom+xml"]')
    _assert_escaped(text)


def test_front_page_pagination_walks_everything_once(web: Web) -> None:
    url: str | None = "/?level=none"
    seen: list[str] = []
    while url:
        doc = HTMLParser(_page(web, url))
        seen += [a.attributes.get("href") for a in doc.css("ol.stream .headline a")]
        seen_diffs = doc.css("a[rel=next]")
        url = seen_diffs[0].attributes.get("href") if seen_diffs else None
    assert len(seen) == 1 + 3 + 2 + FILLERS


@pytest.mark.parametrize(
    ("query", "must", "must_not"),
    [
        ("?class=headline", "Finance minister quits", "Filler story"),
        ("?class=deleted", "Story that vanished", "Filler story"),
        ("?source=herald", "Harbour", "Filler story"),
        ("?level=cosmetic&class=punctuation", "punctuation", "Filler story"),
    ],
)
def test_front_page_filters(web: Web, query: str, must: str, must_not: str) -> None:
    text = _page(web, "/" + query)
    assert must in text and must_not not in text


@pytest.mark.parametrize(
    "query", ["?level=enormous", "?class=nope", "?source=ghost", "?before=zzz"]
)
def test_front_page_bad_filters_are_422_pages(web: Web, query: str) -> None:
    text = _page(web, "/" + query, 422)
    assert 'class="problem"' in text


def test_sources_page(web: Web) -> None:
    doc = HTMLParser(_page(web, "/sources"))
    rows = {
        r.css("th a")[0].text(): [c.text().strip() for c in r.css("td.num")]
        for r in doc.css("tbody tr")
    }
    assert rows["daily"] == [str(2 + FILLERS), "0", "1"]  # nothing changed in the last 24 h
    assert rows["herald"][0] == "2"
    text = _page(web, "/sources/daily?order=first_seen")
    assert "Filler story" in text and "Harbour" not in text
    _page(web, "/sources/ghost", 404)


def test_article_page_timeline(web: Web) -> None:
    text = _page(web, f"/articles/{web.sample.minister}")
    doc = HTMLParser(text)
    heads = [h.text() for h in doc.css(".timeline .tl-head strong")]
    # version 4 only fixed quote style: hidden by default, like NewsDiffs' boring versions
    assert heads == ["Version 3", "Version 2", "Version 1", "First seen"]
    toggle = doc.css("#cosmetic-toggle")[0]
    assert "1 cosmetic version hidden" in toggle.text()
    assert toggle.css("a")[0].attributes.get("href") == "?cosmetic=show"
    everything = HTMLParser(_page(web, f"/articles/{web.sample.minister}?cosmetic=show"))
    heads = [h.text() for h in everything.css(".timeline .tl-head strong")]
    assert heads == ["Version 4", "Version 3", "Version 2", "Version 1", "First seen"]
    _page(web, f"/articles/{web.sample.minister}?cosmetic=maybe", 422)
    links = {a.attributes.get("href") for a in doc.css(".timeline a")}
    assert f"/articles/{web.sample.minister}/diff/1/2" in links
    assert "Next check" in text and "20 Nov 2026, 13:00 UTC" in text
    gone = _page(web, f"/articles/{web.sample.deleted}")
    assert "Will not be checked again" in gone and "Deleted" in gone and "HTTP 404 on 3" in gone
    _assert_escaped(_page(web, f"/articles/{web.sample.hostile}"))
    _page(web, "/articles/424242", 404)


def test_diff_page_inline_side_and_cosmetic(web: Web) -> None:
    a = web.sample.minister
    inline = _page(web, f"/articles/{a}/diff/1/2")
    doc = HTMLParser(inline)
    title = doc.css(".diffbox .rl-field-title")[0]
    assert [d.text() for d in title.css("del")] and title.css("ins")
    assert doc.css(".legend ins") and doc.css(".legend del")
    assert doc.css("#view-inline")[0].attributes.get("aria-current") == "true"
    assert doc.css("a[rel=next]")[0].attributes.get("href").startswith(f"/articles/{a}/diff/2/3")
    assert not doc.css("a[rel=prev]")
    assert doc.css("a.permalink")[0].attributes.get("href") == f"/articles/{a}/diff/1/2"
    assert "rl-cls-number" in inline
    # cosmetic edits are hidden by default, except when they are the whole change
    assert "rl-hide-cosmetic" in doc.css("#diff")[0].attributes.get("class")
    only_cosmetic = HTMLParser(_page(web, f"/articles/{a}/diff/3/4"))
    assert "rl-hide-cosmetic" not in only_cosmetic.css("#diff")[0].attributes.get("class")
    shown = HTMLParser(_page(web, f"/articles/{a}/diff/1/2?cosmetic=show"))
    assert "rl-hide-cosmetic" not in shown.css("#diff")[0].attributes.get("class")
    side = HTMLParser(_page(web, f"/articles/{a}/diff/1/2?view=side"))
    assert side.css("table.rl-sbs") and side.css("#view-side")[0].attributes.get("aria-current")
    cosmetic = HTMLParser(_page(web, f"/articles/{a}/diff/3/4?cosmetic=hide"))
    box = cosmetic.css("#diff")[0]
    assert "rl-hide-cosmetic" in box.attributes.get("class") and box.css(".rl-cosmetic")
    assert (
        cosmetic.css("a[rel=prev]")[0].attributes.get("href").startswith(f"/articles/{a}/diff/2/3")
    )
    span = _page(web, f"/articles/{a}/diff/1/4")
    assert "not neighbours" in span and "Paragraph added" in span


def test_diff_page_escapes_article_text(web: Web) -> None:
    h = web.sample.hostile
    for url in (
        f"/articles/{h}/diff/1/2",
        f"/articles/{h}/diff/1/3?view=side",
        f"/articles/{h}/versions/1",
    ):
        _assert_escaped(_page(web, url))


def test_diff_page_parameters(web: Web) -> None:
    a = web.sample.minister
    r = web.get(f"/articles/{a}/diff/3/1?view=side")
    assert r.status_code == 303 and r.headers["location"] == f"/articles/{a}/diff/1/3?view=side"
    _page(web, f"/articles/{a}/diff/2/2", 422)
    _page(web, f"/articles/{a}/diff/1/9", 404)
    _page(web, f"/articles/{a}/diff/1/2?view=sideways", 422)
    r = web.get(f"/articles/{a}/compare?from=4&to=2")
    assert r.headers["location"] == f"/articles/{a}/diff/2/4"


def test_version_page_and_raw(web: Web) -> None:
    a = web.sample.minister
    text = _page(web, f"/articles/{a}/versions/2")
    assert "$27.6 billion" in text and "By A. Reporter" in text
    raw = web.get(f"/articles/{web.sample.hostile}/versions/1/raw")
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("text/plain")
    assert raw.headers["content-security-policy"] == "sandbox"


def test_find_by_url(web: Web) -> None:
    r = web.get("/find", params={"url": "http://m.daily.example/politics/minister/?utm_medium=x"})
    assert r.status_code == 303 and r.headers["location"] == f"/articles/{web.sample.minister}"
    offer = _page(web, "/find?url=https://daily.example/politics/new-story", 404)
    assert "not tracking" in offer and 'action="/track"' in offer
    nope = _page(web, "/find?url=https://elsewhere.example/story", 404)
    assert "not one of the configured sources" in nope and 'action="/track"' not in nope
    bad = _page(web, "/find?url=javascript:alert(1)", 422)
    assert "not an absolute http(s) URL" in bad
    assert "Find an article" in _page(web, "/find")


def test_track_needs_an_api_token(fresh: Web) -> None:
    url = "https://daily.example/politics/new-story"
    assert fresh.client.post("/track", data={"url": url}).status_code == 401
    assert fresh.client.post("/track", data={"url": url, "token": "rl_guess"}).status_code == 401
    assert fresh.store.find_article(url) is None
    token = fresh.store.create_token("test", datetime.now(UTC))
    ok = fresh.client.post(
        "/track", data={"url": url}, headers={"authorization": f"Bearer {token}"}
    )
    assert ok.status_code == 303 and fresh.store.find_article(url) is not None


def test_track_starts_tracking(fresh: Web) -> None:
    url = "https://daily.example/politics/new-story?utm_source=x"
    token = fresh.store.create_token("test", datetime.now(UTC))
    fresh.client.headers["authorization"] = f"Bearer {token}"
    r = fresh.client.post("/track", data={"url": url})
    assert r.status_code == 303
    art = fresh.store.find_article(url)
    assert art is not None and r.headers["location"] == f"/articles/{art.id}?tracked=1"
    assert art.source == "daily" and art.next_check is not None
    assert "Tracking started" in _page(fresh, r.headers["location"])
    again = fresh.client.post("/track", data={"url": "http://daily.example/politics/new-story"})
    assert again.headers["location"] == f"/articles/{art.id}?tracked=1"  # never duplicated
    assert (
        fresh.client.post("/track", data={"url": "https://elsewhere.example/x"}).status_code == 403
    )
    cross = fresh.client.post(
        "/track", data={"url": url}, headers={"origin": "https://evil.example"}
    )
    assert cross.status_code == 403
    assert fresh.client.post("/track", data={"url": "notaurl"}).status_code == 422


def test_search_page(web: Web) -> None:
    text = _page(web, "/search?q=dock+workers")
    doc = HTMLParser(text)
    assert [m.text().lower() for m in doc.css(".snippet mark")] == ["dock", "workers"]
    assert "version 1 of 3" in text
    _assert_escaped(_page(web, "/search?q=harbour"))
    assert "Nothing matched" in _page(web, "/search?q=zebra")
    assert "<mark>" not in _page(web, "/search?q=%3Cmark%3E")
    page = _page(web, "/search?q=quarterly")
    assert 'rel="next"' in page


def test_unknown_path_and_static(web: Web) -> None:
    _page(web, "/no/such/page", 404)
    css = web.get("/static/diff.css")
    assert css.status_code == 200 and ".rl-ins" in css.text
    assert web.get("/static/style.css").status_code == 200
    assert web.get("/static/app.js").status_code == 200


def test_metrics_endpoint(web: Web) -> None:
    r = web.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert "redline_checks_total" in r.text and "redline_fetch_seconds" in r.text


def test_changes_from_an_older_diff_engine_are_recomputed_and_stored(fresh: Web) -> None:
    store, a = fresh.store, fresh.sample.minister
    v2 = store.version(a, 2)
    good = store.changes(a)[v2.id]
    stale = ChangeRow(
        engine_version="0",
        level="none",
        score=0.0,
        classes=[],
        summary="stale summary",
        stealth=False,
        data={"engine": "0"},
    )
    assert store.replace_change(v2.id, stale)
    assert store.changes(a)[v2.id].summary == "stale summary"
    # the diff page recomputes (the stale data is not even readable) and stores the result
    text = _page(fresh, f"/articles/{a}/diff/1/2")
    again = store.changes(a)[v2.id]
    assert again.engine_version == DIFF_ENGINE_VERSION and again.summary == good.summary
    assert again.level == good.level and "stale summary" not in text
    # the timeline refreshes every stale change of the article before listing them
    assert store.replace_change(v2.id, stale)
    assert "stale summary" not in _page(fresh, f"/articles/{a}")
    assert store.changes(a)[v2.id].engine_version == DIFF_ENGINE_VERSION


def test_source_page_lists_furniture_rules_with_counts(fresh: Web) -> None:
    from redline.furniture import Block, RuleKind
    from redline.storage import CheckRecord, FurnitureUpdate

    web = fresh
    store = web.store
    src = store.get_source("daily")
    art = store.list_articles(source="daily", limit=1)[0]
    box = Block(f"box {HOSTILE}".casefold(), f"Box {HOSTILE}")
    for n in range(2):
        store.record_check(
            CheckRecord(
                article_id=art.id,
                captured_at=datetime(2026, 11, 22, 9, n, tzinfo=UTC),
                url=art.url,
                outcome="unchanged",
                furniture=FurnitureUpdate(
                    source_id=src.id, rotating=(box,), fired=((RuleKind.ROTATING, box, 1),)
                ),
            )
        )
    text = _page(web, "/sources/daily")
    doc = HTMLParser(text)
    rows = [[c.text().strip() for c in r.css("td")] for r in doc.css("table.furniture tbody tr")]
    assert ["rotating", "learned", "drop", "2", "2", f"Box {HOSTILE}"] in rows
    _assert_escaped(text)
    assert "Furniture rules" not in _page(web, "/articles?source=daily")


def test_source_page_counts_template_rules_with_the_loaded_furniture_settings(
    fresh: Web,
) -> None:
    """A template block seen in two articles is a rule when the operator set
    furniture.min_articles = 2, and not with the default 3: the page reads the loaded settings."""
    from fastapi.testclient import TestClient

    from redline.furniture import Block
    from redline.settings import FurnitureSettings
    from redline.storage import CheckRecord, FurnitureUpdate
    from redline.web import create_app

    store = fresh.store
    src = store.get_source("daily")
    box = Block("the daily morning email", "The Daily morning email")
    for n, art in enumerate(store.list_articles(source="daily", limit=2)):
        store.record_check(
            CheckRecord(
                article_id=art.id,
                captured_at=datetime(2026, 11, 22, 9, n, tzinfo=UTC),
                url=art.url,
                outcome="unchanged",
                furniture=FurnitureUpdate(source_id=src.id, first_blocks=(box,), min_articles=2),
            )
        )

    def rules(furniture: FurnitureSettings | None) -> list[list[str]]:
        client = TestClient(create_app(store, clock=lambda: CLOCK, furniture=furniture))
        doc = HTMLParser(client.get("/sources/daily").text)
        return [[c.text().strip() for c in r.css("td")] for r in doc.css("table.furniture tr")]

    assert any(box.sample in row for row in rules(FurnitureSettings(min_articles=2)))
    assert not any(box.sample in row for row in rules(None))
