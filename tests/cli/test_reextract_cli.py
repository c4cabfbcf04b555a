"""`redline reextract` and `redline source show` from the command line: a version an older
extractor made of furniture collapses, --dry-run only prints, rules are listed with counts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.cli.test_cli import one_line_error, redline

from redline.extract import extract
from redline.sources import SourceConfig
from redline.storage import CheckRecord, NewVersion, Store
from redline.storage.database import default_database_url
from redline.versions.policy import content_hash

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BOX = "The Daily morning email: our top stories, every weekday before seven."
STORY = [
    "The council voted on Tuesday to approve a budget of $17 billion after months of debate.",
    "Supporters said the plan would fund schools and transit across the whole region.",
    "Critics warned that the plan relied on optimistic forecasts of tax revenue next year.",
]


def page(paras: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        "<html><head><title>Budget approved</title></head><body><article><h1>Budget approved</h1>"
        f"<p class='byline'>By Sam Reporter</p>{body}</article></body></html>"
    ).encode()


def seed(data: Path) -> str:
    """An article whose v2 an older extractor made only of a sign-up box, and a real v3."""
    store = Store.open(default_database_url(data))
    try:
        src = store.add_source(SourceConfig(name="daily", furniture_pin=(BOX,)), NOW)
        art, _ = store.add_article("https://daily.example/a.html", src.id, NOW)
        edited = [STORY[0].replace("$17", "$27"), *STORY[1:]]
        for n, paras in enumerate([STORY, [*STORY, BOX], [*edited, BOX]]):
            ext = extract(page(paras).decode(), art.url)  # what the old extractor stored
            store.record_check(
                CheckRecord(
                    article_id=art.id,
                    captured_at=NOW + timedelta(hours=n),
                    url=art.url,
                    outcome="new_version",
                    expected_version_count=n,
                    version=NewVersion(
                        title=ext.title,
                        byline=ext.byline,
                        published=None,
                        modified=None,
                        text=ext.text,
                        content_hash=content_hash(ext.title, ext.byline, ext.paragraphs),
                        extractor=ext.method,
                        extractor_version="old",
                        raw_html=page(paras),
                    ),
                )
            )
        assert BOX in store.versions(art.id)[1].text
        return art.url
    finally:
        store.close()


def test_reextract_collapses_a_furniture_version_and_dry_run_changes_nothing(
    tmp_path: Path,
) -> None:
    (tmp_path / "data").mkdir()
    url = seed(tmp_path / "data")
    out = redline(tmp_path, "reextract", "--dry-run", check=True).stdout
    assert f"{url}: 3 → 2 version(s)" in out
    assert "v2 → v1: same as version 1" in out and "would collapse 1" in out
    shown = json.loads(redline(tmp_path, "history", url, "--json", check=True).stdout)
    assert len(shown["versions"]) == 3  # the dry run changed nothing
    out = redline(tmp_path, "reextract", "--source", "daily", check=True).stdout
    assert "collapsed 1" in out
    store = Store.open(default_database_url(tmp_path / "data"))
    try:
        art = store.find_article(url)
        assert art is not None and art.version_count == 2
        versions = store.versions(art.id)
        assert [v.number for v in versions] == [1, 2]
        assert all(BOX not in v.text for v in versions) and "$27 billion" in versions[1].text
        outcomes = [c.outcome for c in reversed(store.captures(art.id))]
        assert outcomes == ["new_version", "unchanged", "new_version"]
    finally:
        store.close()
    assert "no source named 'ghost'" in one_line_error(
        redline(tmp_path, "reextract", "--source", "ghost")
    )


def test_source_show_lists_rules_with_counts(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    seed(tmp_path / "data")
    shown = json.loads(redline(tmp_path, "source", "show", "daily", "--json", check=True).stdout)
    assert shown["name"] == "daily"
    assert {"kind": "text", "origin": "config", "key": BOX, "action": "pin"} in shown[
        "furniture_rules"
    ]
    text = redline(tmp_path, "source", "show", "daily", check=True).stdout
    assert "pin" in text and "The Daily morning email" in text
    assert "no source named 'nope'" in one_line_error(redline(tmp_path, "source", "show", "nope"))
