"""Conditional requests and HEAD: what feed readers, link checkers and browsers send."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.web.conftest import Web
from tests.web.sample import T0, write_versions

from redline.storage.browse import source_summaries

LISTS = [
    "/",
    "/?class=headline",
    "/sources",
    "/articles",
    "/articles/{minister}",
    "/articles/{minister}/diff/1/2",
    "/feeds/changes.atom",
    "/feeds/headlines.atom",
    "/feeds/sources/daily.atom",
    "/feeds/articles/{minister}.atom",
    "/api/v1/changes",
    "/api/v1/articles",
    "/api/v1/sources",
    "/api/v1/articles/{minister}",
    "/api/v1/articles/{minister}/versions",
]


@pytest.mark.parametrize("path", LISTS)
def test_etag_and_last_modified_give_304(web: Web, path: str) -> None:
    url = path.format(minister=web.sample.minister)
    first = web.get(url)
    assert first.status_code == 200 and first.headers["etag"]
    again = web.get(url, headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304 and not again.content
    assert again.headers["etag"] == first.headers["etag"]
    other = web.get(url, headers={"if-none-match": 'W/"not-this-one"'})
    assert other.status_code == 200
    if "last-modified" in first.headers:
        since = web.get(url, headers={"if-modified-since": first.headers["last-modified"]})
        assert since.status_code == 304


@pytest.mark.parametrize("path", ["/", "/feeds/changes.atom", "/api/v1/changes", "/sources"])
def test_a_new_change_changes_the_validator(fresh: Web, path: str) -> None:
    before = fresh.get(path)
    write_versions(
        fresh.store,
        fresh.sample.single,
        [("Cup final tonight", ["Kick-off is at nine, not eight."])],
        T0 + timedelta(hours=20),
    )
    after = fresh.get(path, headers={"if-none-match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]


@pytest.mark.parametrize(
    "path", ["/", "/feeds/changes.atom", "/api/v1/changes", "/articles/{minister}", "/sources"]
)
def test_head_is_answered_like_get(web: Web, path: str) -> None:
    url = path.format(minister=web.sample.minister)
    get = web.get(url)
    head = web.client.head(url)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["etag"] == get.headers["etag"]


def test_head_of_an_unknown_page_is_404(web: Web) -> None:
    assert web.client.head("/articles/999999").status_code == 404


def test_source_counters_follow_every_write(fresh: Web) -> None:
    """The per-source counters (kept by triggers) equal a fresh count after adds, removals,
    a move between sources and a forgotten article."""
    store, s = fresh.store, fresh.sample
    extra, _ = store.add_article("https://daily.example/new/one", s.daily, T0)
    store.add_article("https://daily.example/new/two", s.daily, T0)
    store.forget_article(extra.id)
    from redline.storage import CheckRecord

    store.record_check(
        CheckRecord(
            article_id=s.single,
            captured_at=T0 + timedelta(hours=9),
            url="x",
            outcome="missing",
            http_status=410,
            status="gone",
            missing_count=2,
            events=[("gone", "HTTP 410")],
        )
    )
    got = {x.source.name: (x.articles, x.deleted) for x in source_summaries(store, T0)}
    want = {}
    for src in store.list_sources():
        arts = store.list_articles(source=src.name)
        removed = sum(a.status in ("deleted", "gone", "redirected") for a in arts)
        want[src.name] = (len(arts), removed)
    assert got == want and got["herald"][1] == 1
    store.remove_source("herald")
    assert {x.source.name for x in source_summaries(store, T0)} == {"daily"}
