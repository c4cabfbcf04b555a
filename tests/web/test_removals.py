"""Removals are one stream: deleted, gone and redirected articles appear on the front page, in
the removals feed and in the API, each labelled with how it went."""

from __future__ import annotations

from datetime import timedelta

import feedparser
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from tests.web.conftest import Web
from tests.web.sample import T0, write_versions

from redline.storage import CheckRecord
from redline.web.wording import redirect_place, removal_label


def _redirect(web: Web, slug: str, target: str) -> int:
    store = web.store
    art, _ = store.add_article(f"https://daily.example/news/{slug}", web.sample.daily, T0)
    write_versions(store, art.id, [(f"Story {slug}", ["It was here."])], T0)
    at = T0 + timedelta(hours=6)
    store.record_check(
        CheckRecord(
            article_id=art.id,
            captured_at=at,
            url=art.url,
            outcome="redirected",
            final_url=target,
            http_status=200,
            status="redirected",
            next_check=None,
            events=[("redirected", target)],
        )
    )
    return art.id


def test_redirected_articles_join_the_removal_stream(fresh: Web) -> None:
    world = _redirect(fresh, "pulled", "https://daily.example/world/")
    home = _redirect(fresh, "gone-home", "https://daily.example/")

    api = fresh.get("/api/v1/changes?class=deleted").json()["items"]
    by_id = {e["article"]["id"]: e for e in api}
    assert by_id[world]["kind"] == "redirected"
    assert by_id[world]["removal"] == {
        "kind": "redirected",
        "label": "Redirected to the World section",
        "redirect_to": "https://daily.example/world/",
    }
    assert by_id[home]["removal"]["label"] == "Redirected to the homepage"
    assert fresh.sample.deleted in by_id  # deletions stay in the same stream

    front = HTMLParser(fresh.get("/").text)
    entries = {n.css_first("h2 a").attributes["href"]: n for n in front.css("li.entry")}
    pulled = entries[f"/articles/{world}"]
    assert "Redirected to the World section" in pulled.text()
    assert (
        pulled.css_first("a.redirect-target").attributes["href"] == "https://daily.example/world/"
    )

    feed = feedparser.parse(fresh.get("/feeds/changes.atom?class=deleted").content)
    titles = [e.title for e in feed.entries]
    assert "Redirected to the World section: Story pulled" in titles
    assert "Redirected to the homepage: Story gone-home" in titles


def test_the_timeline_links_the_redirect_target(fresh: Web) -> None:
    art = _redirect(fresh, "moved", "https://daily.example/world/")
    page = HTMLParser(fresh.get(f"/articles/{art}").text)
    link = page.css_first(".tl-event.ev-redirected a.redirect-target")
    assert link is not None and link.attributes["href"] == "https://daily.example/world/"
    assert link.text() == "Redirected to the World section"


@pytest.mark.parametrize(
    ("target", "place"),
    [
        ("https://x.example/", "the homepage"),
        ("https://x.example/index.html", "the homepage"),
        ("https://x.example/world/", "the World section"),
        ("https://x.example/us-news", "the US News section"),
        ("https://x.example/uk", "the UK section"),
        ("https://x.example/arts-and-culture/", "the Arts and Culture section"),
        ("https://x.example/SciTech", "the SciTech section"),
        ("https://x.example/business_news", "the Business News section"),
        ("https://x.example/usage", "the Usage section"),
        ("https://x.example/2026/11/other-story.html", "another page"),
        (None, "another page"),
    ],
)
def test_redirect_place(target: str | None, place: str) -> None:
    assert redirect_place(target) == place


def test_removal_labels() -> None:
    assert removal_label("gone", None) == "Gone (HTTP 410)"
    assert removal_label("deleted", "HTTP 404 on 3 consecutive checks") == "Deleted"
