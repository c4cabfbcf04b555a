"""The JSON API over real databases: shapes, pagination, lookups, diffs, errors."""

from __future__ import annotations

from typing import Any

import pytest
from tests.web.conftest import FILLERS, Web

from redline.serialize import history_json


def _json(web: Web, url: str, status: int = 200) -> Any:
    r = web.get(url)
    assert r.status_code == status, (url, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def test_changes_shape_and_pages(web: Web) -> None:
    first = _json(web, "/api/v1/changes?limit=5")
    assert len(first["items"]) == 5 and first["next"]
    item = next(i for i in first["items"] if i["kind"] == "change")
    assert set(item) >= {
        "kind",
        "at",
        "article",
        "version",
        "level",
        "classes",
        "summary",
        "stealth",
        "headline_changed",
        "old_title",
        "links",
    }
    assert (
        item["links"]["diff"]
        == f"/articles/{item['article']['id']}/diff/{item['version'] - 1}/{item['version']}"
    )
    seen, url = [], "/api/v1/changes?limit=9&level=none"
    while url:
        page = _json(web, url)
        seen += [(i["kind"], i["article"]["id"], i.get("version")) for i in page["items"]]
        url = f"/api/v1/changes?limit=9&level=none&before={page['next']}" if page["next"] else ""
    assert (
        len(seen) == len(set(seen)) == 1 + 3 + 2 + FILLERS
    )  # deletion, minister, harbour, fillers


def test_change_filters(web: Web) -> None:
    heads = _json(web, "/api/v1/changes?class=headline")["items"]
    assert [(i["old_title"], i["article"]["title"]) for i in heads] == [
        ("Minister resigns over budget", "Finance minister quits after budget row")
    ]
    dels = _json(web, "/api/v1/changes?class=deleted")["items"]
    assert [i["kind"] for i in dels] == ["deleted"] and dels[0]["detail"].startswith("HTTP 404")
    herald = _json(web, "/api/v1/changes?source=herald")["items"]
    assert herald and {i["article"]["source"] for i in herald} == {"herald"}


@pytest.mark.parametrize(
    ("url", "status", "fragment"),
    [
        ("/api/v1/changes?level=huge", 422, "level"),
        ("/api/v1/changes?class=bogus", 422, "class"),
        ("/api/v1/changes?source=nowhere", 422, "no source named"),
        ("/api/v1/changes?before=garbage", 422, "cursor"),
        ("/api/v1/changes?limit=0", 422, "limit"),
        ("/api/v1/changes?limit=100000", 422, "limit"),
        ("/api/v1/articles?status=sleeping", 422, "status"),
        ("/api/v1/articles?order=random", 422, "order"),
        ("/api/v1/articles?changed=maybe", 422, "changed"),
        ("/api/v1/articles/999999", 404, "no article"),
        ("/api/v1/articles/0", 422, "article_id"),
        ("/api/v1/articles/abc", 422, "article_id"),
        ("/api/v1/articles/99999999999999999999999", 422, "article_id"),
        ("/api/v1/articles/1/versions/99", 404, "no version 99"),
        ("/api/v1/articles/1/diff?from=3&to=2", 422, "older"),
        ("/api/v1/articles/1/diff?from=1&to=77", 404, "no version 77"),
        ("/api/v1/sources/nowhere", 404, "no source named"),
        ("/api/v1/search", 422, "q"),
        ("/api/v1/search?q=%22%22", 422, "at least one word"),
        ("/api/v1/search?q=x&before=-5", 422, "cursor"),
        ("/api/v1/articles/lookup?url=ftp://x.example/a", 422, "http"),
        ("/api/v1/articles/lookup?url=https://daily.example/unknown", 404, "source 'daily'"),
        ("/api/v1/nothing-here", 404, "nothing at"),
        ("/api/v1/changes?source=%00", 422, "NUL"),
    ],
)
def test_errors_are_json_with_a_message(web: Web, url: str, status: int, fragment: str) -> None:
    body = _json(web, url, status)
    assert body["error"]["status"] == status
    assert fragment in body["error"]["message"]


def test_lookup_any_variant(web: Web) -> None:
    want = web.sample.minister
    for variant in (
        "https://daily.example/politics/minister",
        "http://daily.example/politics/minister?utm_source=twitter&fbclid=1",
        "https://m.daily.example/politics/minister/",
        "https://www.daily.example/politics/minister#comments",
    ):
        assert (
            _json(web, "/api/v1/articles/lookup?url=" + variant.replace("&", "%26"))["id"] == want
        )


def test_article_versions_and_history(web: Web) -> None:
    a = web.sample.minister
    art = _json(web, f"/api/v1/articles/{a}")
    assert art["version_count"] == 4 and [v["number"] for v in art["versions"]] == [1, 2, 3, 4]
    assert (
        "text" not in art["versions"][0] and art["versions"][1]["change"]["level"] == "substantive"
    )
    assert art["events"][0]["kind"] == "first_seen"
    v2 = _json(web, f"/api/v1/articles/{a}/versions/2")
    assert "$27.6 billion" in v2["text"] and v2["change"]["classes"]
    hist = _json(web, f"/api/v1/articles/{a}/history")
    s = web.store
    art_row = s.get_article(a)
    expected = history_json(art_row, s.versions(a), s.changes(a), s.events(a), s.provenance(a))
    assert hist == expected  # the CLI's `history --json` shape, exactly


def test_diff_stored_and_computed(web: Web) -> None:
    a = web.sample.minister
    stored = _json(web, f"/api/v1/articles/{a}/diff?from=1&to=2")
    assert stored["stored"] is True and "headline" in stored["change"]["classes"]
    items = stored["change"]["items"]
    assert items and {"op", "old", "new", "classes"} <= set(items[0])
    latest = _json(web, f"/api/v1/articles/{a}/diff")
    assert (latest["from"], latest["to"]) == (3, 4) and latest["change"]["level"] == "cosmetic"
    span = _json(web, f"/api/v1/articles/{a}/diff?from=1&to=4")
    assert span["stored"] is False
    assert {"headline", "number", "paragraph_added"} <= set(span["change"]["classes"])
    single = _json(web, f"/api/v1/articles/{web.sample.single}/diff", 422)
    assert "fewer than two versions" in single["error"]["message"]


def test_sources_and_search(web: Web) -> None:
    srcs = {s["name"]: s for s in _json(web, "/api/v1/sources")["items"]}
    assert srcs["daily"]["stats"]["articles"] == 2 + FILLERS
    assert _json(web, "/api/v1/sources/herald")["homepage"] == "https://www.herald.example/"
    hits = _json(web, "/api/v1/search?q=dock+workers")["items"]
    assert [h["article"]["id"] for h in hits] == [web.sample.hostile]
    assert "dock workers" in hits[0]["snippet"] and hits[0]["versions"][0]["number"] == 1
    page, seen = _json(web, "/api/v1/search?q=quarterly&limit=10"), 0
    while True:
        seen += len(page["items"])
        if not page["next"]:
            break
        page = _json(web, f"/api/v1/search?q=quarterly&limit=10&before={page['next']}")
    assert seen == FILLERS


def test_openapi_and_offline_docs(web: Web) -> None:
    spec = _json(web, "/api/openapi.json")
    for path in (
        "/api/v1/changes",
        "/api/v1/articles",
        "/api/v1/articles/{article_id}/diff",
        "/api/v1/search",
        "/api/v1/sources",
        "/api/v1/articles/lookup",
    ):
        assert path in spec["paths"]
    assert not any(p.startswith(("/articles", "/feeds", "/search")) for p in spec["paths"])
    docs = web.get("/api/docs")
    assert docs.status_code == 200 and "/api/docs-assets/swagger-ui-bundle.js" in docs.text
    assert web.get("/api/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_every_list_answer_has_items_and_next(web: Web) -> None:
    """docs/api.md: each list answer is {"items": [...], "next": cursor | null}."""
    art = web.sample.minister
    for path in (
        "/api/v1/sources",
        "/api/v1/changes",
        "/api/v1/articles",
        f"/api/v1/articles/{art}/versions",
        "/api/v1/search?q=minister",
    ):
        body = web.get(path).json()
        assert isinstance(body["items"], list) and "next" in body, path
