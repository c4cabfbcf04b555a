"""Atom feeds, checked with feedparser (what feed readers use) and lxml (well-formedness)."""

from __future__ import annotations

import warnings
from typing import Any

import feedparser
import lxml.html
from lxml import etree
from tests.web.conftest import Web
from tests.web.sample import HOSTILE, T0, write_versions

from redline.settings import WebSettings
from redline.web import create_app

with warnings.catch_warnings():  # starlette's notice about httpx
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ATOM = {"a": "http://www.w3.org/2005/Atom"}


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


def test_feed_text_is_escaped(fresh: Web) -> None:
    """A hostile headline that changes goes through every HTML-building path of an entry
    (headline del/ins, summary, links); the content must parse to text, never to elements."""
    store = fresh.store
    art, _ = store.add_article("https://daily.example/h/hostile", fresh.sample.daily, T0)
    first = f"Port {HOSTILE} closes"
    second = f"Port {HOSTILE} reopens <img src=x onerror=alert(1)>"
    write_versions(
        store, art.id, [(first, ["The port closed."]), (second, ["The port reopened."])], T0
    )
    r = fresh.get(f"/feeds/articles/{art.id}.atom")
    root = etree.fromstring(r.content)
    entry = next(
        e
        for e in root.findall("a:entry", ATOM)
        if "Headline changed" in e.findtext("a:title", "", ATOM)
    )
    assert HOSTILE in entry.findtext("a:title", "", ATOM)  # as text in the XML
    content = lxml.html.fragment_fromstring(
        entry.findtext("a:content", "", ATOM), create_parent="div"
    )
    assert not content.xpath("//script | //img")  # no markup from article text in the HTML
    assert [el.text_content() for el in content.xpath("//del")] == [first]
    assert [el.text_content() for el in content.xpath("//ins")] == [second]


def test_conditional_get_and_errors(web: Web) -> None:
    r = web.get("/feeds/changes.atom")
    again = web.get("/feeds/changes.atom", headers={"if-none-match": r.headers["etag"]})
    assert again.status_code == 304 and not again.content
    for url, status in (
        ("/feeds/sources/ghost.atom", 404),
        ("/feeds/articles/999999.atom", 404),
        ("/feeds/changes.atom?level=loud", 422),
        ("/feeds/articles/0.atom", 422),
    ):
        bad = web.get(url)
        assert bad.status_code == status and bad.headers["content-type"].startswith("text/plain")


def _links(r: Any) -> set[str]:
    root = etree.fromstring(r.content)
    hrefs = {el.get("href") for el in root.iter(f"{{{ATOM['a']}}}link")}
    hrefs |= {el.text for el in root.iter(f"{{{ATOM['a']}}}id") if el.text and "://" in el.text}
    return {h for h in hrefs if h}


def test_feed_links_use_the_configured_base_url(web: Web) -> None:
    app = create_app(web.store, settings=WebSettings(base_url="https://redline.example.org/news"))
    client = TestClient(app, client=("203.0.113.9", 4000))
    r = client.get("/feeds/changes.atom", headers={"host": "evil.example"})
    links = _links(r)
    assert links and all(h.startswith("https://redline.example.org/news/") for h in links)
    assert r.headers["cache-control"].startswith("public")


def test_feed_links_ignore_a_forged_host_from_outside(web: Web) -> None:
    """No base URL: a remote client's Host header never reaches the links, and the feed is
    not for shared caches."""
    client = TestClient(create_app(web.store), client=("203.0.113.9", 4000))
    r = client.get("/feeds/changes.atom", headers={"host": "evil.example"})
    links = _links(r)
    assert links and not any("evil.example" in h for h in links)
    assert r.headers["cache-control"].startswith("private")
    local = TestClient(create_app(web.store), client=("127.0.0.1", 4000))
    mine = local.get("/feeds/changes.atom", headers={"host": "localhost:8000"})
    assert all(h.startswith("http://localhost:8000/") for h in _links(mine))
