"""The standfirst on the version and diff pages, in the JSON API and in feeds."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from tests.web.conftest import _client
from tests.web.sample import T0, _new

from redline.sources import SourceConfig
from redline.storage import CheckRecord, Store
from redline.versions.changes import change_between
from redline.versions.policy import content_hash

TITLE = "Council passes budget"
BODY = [
    "The council approved the budget on Tuesday after a long debate.",
    "The vote was 7 to 2, with two members absent. The mayor thanked the holdouts.",
]
DEK_1 = "A late deal won over the last holdouts"
DEK_2 = "A late deal won over the mayor's critics"


def _history(store: Store) -> int:
    src, _ = store.save_source(SourceConfig(name="daily", homepage="https://daily.example/"), T0)
    art, _ = store.add_article("https://daily.example/budget", src.id, T0)
    latest = None
    for i, dek in enumerate((DEK_1, DEK_2)):
        nv = replace(
            _new(TITLE, BODY), standfirst=dek, content_hash=content_hash(TITLE, None, BODY, dek)
        )
        at = T0 + timedelta(hours=i)
        store.record_check(
            CheckRecord(
                article_id=art.id,
                captured_at=at,
                url=art.url,
                outcome="new_version",
                http_status=200,
                version=nv,
                change=change_between(latest, nv) if latest else None,
                expected_version_count=i,
                last_changed=at,
                next_check=at + timedelta(hours=2),
            )
        )
        latest = store.latest_version(art.id)
    return art.id


def test_standfirst_shown_served_and_announced(store: Store) -> None:
    art = _history(store)
    client = _client(store)
    assert store.version(art, 2).standfirst == DEK_2

    page = client.get(f"/articles/{art}/versions/1").text
    assert f'<p class="standfirst">{DEK_1}</p>' in page

    diff = client.get(f"/articles/{art}/diff/1/2").text
    shown = DEK_2.replace("'", "&#39;")
    assert f'<p class="standfirst">{shown}</p>' in diff
    assert "rl-field-standfirst" in diff and "Standfirst changed" in diff
    assert '<del class="rl-del">' in diff.split("rl-field-standfirst", 1)[1]

    v = client.get(f"/api/v1/articles/{art}/versions/2").json()
    assert v["standfirst"] == DEK_2
    assert "standfirst" in v["change"]["classes"]
    detail = client.get(f"/api/v1/articles/{art}").json()
    assert detail["standfirst"] == DEK_2
    assert [x["standfirst"] for x in detail["versions"]] == [DEK_1, DEK_2]
    history = client.get(f"/api/v1/articles/{art}/history").json()
    assert history["standfirst"] == DEK_2 and history["versions"][0]["standfirst"] == DEK_1
    d = client.get(f"/api/v1/articles/{art}/diff?from=1&to=2").json()
    (field,) = d["change"]["fields"]
    assert field["field"] == "standfirst" and ["-", "last"] in field["tokens"]

    feed = client.get(f"/feeds/articles/{art}.atom").text
    assert "Standfirst:" in feed and "the last holdouts" in feed
