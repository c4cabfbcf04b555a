"""Atom feeds, checked with feedparser (what feed readers use) and lxml (well-formedness)."""

from __future__ import annotations

import feedparser
from lxml import etree
from tests.web.conftest import Web
from tests.web.sample import HOSTILE


def _feed(web: Web, url: str) -> feedparser.FeedParserDict:
    r = web.get(url)
    assert r.status_code == 200, (url, r.text[:300])
    assert r.headers["content-type"].startswith("application/atom+xml")
    etree.fromstring(r.content)  # well-formed XML, whatever the articles contain
    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_global_feed(web: Web) -> None:
    f = _feed(web, "/feeds/changes.atom")
    assert f.feed.title == "Redline: changes" and len(f.entries) == 50
    minister = next(e for e in f.entries if e.title.startswith("Headline changed"))
    assert minister.title.startswith("Headline changed: Minister resigns over budget →")
    assert minister.link == f"http://testserver/articles/{web.sample.minister}/diff/1/2"
    assert "a figure changed" in minister.summary
    assert "$27.6 billion" in minister.content[0].value
    assert {t.term for t in minister.tags} >= {"daily", "headline", "number"}
    deleted = [e for e in f.entries if e.title.startswith("Deleted:")]
    assert len(deleted) == 1 and deleted[0].link.endswith(f"/articles/{web.sample.deleted}")
    assert len({e.id for e in f.entries}) == 50


def test_headline_source_and_article_feeds(web: Web) -> None:
    heads = _feed(web, "/feeds/headlines.atom")
    assert [e.title.split(":")[0] for e in heads.entries] == ["Headline changed"]
    herald = _feed(web, "/feeds/sources/herald.atom")
    assert herald.entries and all("herald" in {t.term for t in e.tags} for e in herald.entries)
    art = _feed(web, f"/feeds/articles/{web.sample.minister}.atom")
    assert [e.link.rsplit("/", 2)[-2:] for e in art.entries] == [["3", "4"], ["2", "3"], ["1", "2"]]
    filtered = _feed(web, "/feeds/changes.atom?class=stealth&source=daily")
    assert filtered.entries and "Stealth" in filtered.feed.title


def test_feed_text_is_escaped(web: Web) -> None:
    r = web.get(f"/feeds/articles/{web.sample.hostile}.atom")
    root = etree.fromstring(r.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [t.text for t in root.findall("a:entry/a:title", ns)]
    assert any(HOSTILE in (t or "") for t in titles)  # as text, not markup
    assert b"<script>" not in r.content


def test_conditional_get_and_errors(web: Web) -> None:
    r = web.get("/feeds/changes.atom")
    again = web.get("/feeds/changes.atom", headers={"if-none-match": r.headers["etag"]})
    assert again.status_code == 304 and not again.content
    for url, status in (("/feeds/sources/ghost.atom", 404), ("/feeds/articles/999999.atom", 404),
                        ("/feeds/changes.atom?level=loud", 422), ("/feeds/articles/0.atom", 422)):  # fmt: skip
        bad = web.get(url)
        assert bad.status_code == status and bad.headers["content-type"].startswith("text/plain")
