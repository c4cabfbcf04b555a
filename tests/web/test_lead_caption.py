"""The lead photo's caption on the version and diff pages, in the JSON API, history --json and
feeds."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from tests.web.conftest import _client
from tests.web.sample import T0, _new

from redline.serialize import history_json
from redline.sources import SourceConfig
from redline.storage import CheckRecord, Store
from redline.versions.changes import change_between
from redline.versions.policy import content_hash

TITLE = "Council passes budget"
BODY = [
    "The council approved the budget on Tuesday after a long debate.",
    "The vote was 7 to 2, with two members absent. The mayor thanked the holdouts.",
]
CAP_1 = "Councillor Ann Smith speaks before the vote"
CAP_2 = "Councillor Jane Brown speaks before the vote"


def _history(store: Store) -> int:
    src, _ = store.save_source(SourceConfig(name="daily", homepage="https://daily.example/"), T0)
    art, _ = store.add_article("https://daily.example/budget", src.id, T0)
    latest = None
    for i, cap in enumerate((CAP_1, CAP_2)):
        nv = replace(
            _new(TITLE, BODY),
            lead_caption=cap,
            content_hash=content_hash(TITLE, None, BODY, None, cap),
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


def test_lead_caption_shown_served_and_announced(store: Store) -> None:
    art = _history(store)
    client = _client(store)
    assert store.version(art, 2).lead_caption == CAP_2

    page = client.get(f"/articles/{art}/versions/1").text
    assert f'<p class="lead-caption"><span class="dim">Photo:</span> {CAP_1}</p>' in page

    diff = client.get(f"/articles/{art}/diff/1/2").text
    assert f"{CAP_2}</p>" in diff
    assert "rl-field-lead_caption" in diff and "Photo caption changed" in diff
    assert '<del class="rl-del">' in diff.split("rl-field-lead_caption", 1)[1]

    v = client.get(f"/api/v1/articles/{art}/versions/2").json()
    assert v["lead_caption"] == CAP_2
    assert "lead_caption" in v["change"]["classes"]
    detail = client.get(f"/api/v1/articles/{art}").json()
    assert detail["lead_caption"] == CAP_2
    assert [x["lead_caption"] for x in detail["versions"]] == [CAP_1, CAP_2]
    history = client.get(f"/api/v1/articles/{art}/history").json()
    assert history["lead_caption"] == CAP_2 and history["versions"][0]["lead_caption"] == CAP_1
    d = client.get(f"/api/v1/articles/{art}/diff?from=1&to=2").json()
    (field,) = d["change"]["fields"]
    assert field["field"] == "lead_caption" and ["-", "Ann"] in field["tokens"]

    feed = client.get(f"/feeds/articles/{art}.atom").text
    assert "Photo caption:" in feed and "Ann Smith" in feed

    versions = store.versions(art)
    out = history_json(store.get_article(art), versions, store.changes(art), [])
    assert json.loads(json.dumps(out))["versions"][1]["lead_caption"] == CAP_2
