"""The standfirst and the lead photo's caption on the version and diff pages, in the JSON API,
history --json and feeds."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
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


@dataclass(frozen=True)
class Field:
    name: str  # the version field, the change class and the field diff's name
    label: str  # how change summaries and feeds name it
    values: tuple[str, str]  # version 1's, version 2's
    removed: str  # a word only version 1 has
    in_feed: str  # words of version 1's value the article's feed quotes
    shown: Callable[[str], str]  # how a version page shows a value (HTML)


FIELDS = [
    Field(
        "standfirst",
        "Standfirst",
        ("A late deal won over the last holdouts", "A late deal won over the mayor's critics"),
        "last",
        "the last holdouts",
        lambda v: f'<p class="standfirst">{v}</p>'.replace("'", "&#39;"),
    ),
    Field(
        "lead_caption",
        "Photo caption",
        (
            "Councillor Ann Smith speaks before the vote",
            "Councillor Jane Brown speaks before the vote",
        ),
        "Ann",
        "Ann Smith",
        lambda v: f'<p class="lead-caption"><span class="dim">Photo:</span> {v}</p>',
    ),
]


def _history(store: Store, f: Field) -> int:
    src, _ = store.save_source(SourceConfig(name="daily", homepage="https://daily.example/"), T0)
    art, _ = store.add_article("https://daily.example/budget", src.id, T0)
    latest = None
    for i, value in enumerate(f.values):
        fields = {"standfirst": None, "lead_caption": None, f.name: value}
        nv = replace(
            _new(TITLE, BODY),
            **fields,
            content_hash=content_hash(
                TITLE, None, BODY, fields["standfirst"], fields["lead_caption"]
            ),
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


@pytest.mark.parametrize("f", FIELDS, ids=lambda f: f.name)
def test_a_field_is_shown_served_and_announced(store: Store, f: Field) -> None:
    art = _history(store, f)
    client = _client(store)
    old, new = f.values
    assert getattr(store.version(art, 2), f.name) == new

    assert f.shown(old) in client.get(f"/articles/{art}/versions/1").text

    diff = client.get(f"/articles/{art}/diff/1/2").text
    assert f.shown(new) in diff
    assert f"rl-field-{f.name}" in diff and f"{f.label} changed" in diff
    assert '<del class="rl-del">' in diff.split(f"rl-field-{f.name}", 1)[1]

    v = client.get(f"/api/v1/articles/{art}/versions/2").json()
    assert v[f.name] == new
    assert f.name in v["change"]["classes"]
    detail = client.get(f"/api/v1/articles/{art}").json()
    assert detail[f.name] == new
    assert [x[f.name] for x in detail["versions"]] == [old, new]
    history = client.get(f"/api/v1/articles/{art}/history").json()
    assert history[f.name] == new and history["versions"][0][f.name] == old
    d = client.get(f"/api/v1/articles/{art}/diff?from=1&to=2").json()
    (field,) = d["change"]["fields"]
    assert field["field"] == f.name and ["-", f.removed] in field["tokens"]

    feed = client.get(f"/feeds/articles/{art}.atom").text
    assert f"{f.label}:" in feed and f.in_feed in feed

    versions = store.versions(art)
    out = history_json(store.get_article(art), versions, store.changes(art), [])
    assert json.loads(json.dumps(out))["versions"][1][f.name] == new
