"""Dates as dates and times as human times: no digit-by-digit diff of a timestamp, the exact
time on hover, and no "dates" tag for the modification time every edit brings."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from tests.web.conftest import Web
from tests.web.sample import T0

from redline.storage import CheckRecord, NewVersion
from redline.versions.changes import change_between


def _version(text: str, modified: datetime) -> NewVersion:
    return NewVersion(
        title="Bridge closes for repairs",
        byline="By A. Reporter",
        published=T0,
        modified=modified,
        text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        extractor="jsonld",
        extractor_version="test",
    )


def test_diff_page_shows_dates_as_dates(fresh: Web) -> None:
    store = fresh.store
    art, _ = store.add_article("https://daily.example/city/bridge", fresh.sample.daily, T0)
    old_mod = datetime(2026, 11, 20, 9, 14, tzinfo=UTC)
    new_mod = datetime(2026, 11, 20, 9, 28, tzinfo=UTC)
    first = _version("The bridge closes on Monday. Repairs take a week.", old_mod)
    second = _version("The bridge closes on Tuesday. Repairs take a week.", new_mod)
    for n, nv in enumerate((first, second)):
        latest = store.latest_version(art.id)
        store.record_check(
            CheckRecord(
                article_id=art.id,
                captured_at=T0 + timedelta(hours=n),
                url=art.url,
                outcome="new_version",
                http_status=200,
                version=nv,
                change=change_between(latest, nv) if latest else None,
                expected_version_count=n,
                last_changed=T0 + timedelta(hours=n),
            )
        )

    api = fresh.get(f"/api/v1/articles/{art.id}/diff").json()
    assert "dates" not in api["change"]["classes"]  # a routine bump is no tag
    modified = next(f for f in api["change"]["fields"] if f["field"] == "modified")
    assert modified["old"].startswith("2026-11-20T09:14")  # ISO in JSON

    doc = HTMLParser(fresh.get(f"/articles/{art.id}/diff/1/2").text)
    assert doc.css_first("#diff .rl-field-modified") is None  # not diffed digit by digit
    line = doc.css_first(".date-change.rl-field-modified")
    old, new = line.css_first("del time"), line.css_first("ins time")
    assert old.attributes["datetime"] == old_mod.isoformat()
    assert new.attributes["title"] == new_mod.isoformat()
    assert old.text() == "20 Nov 2026, 09:14 UTC" and new.text() == "20 Nov 2026, 09:28 UTC"
    tags = [t.text() for t in doc.css(".change-head .tag")]
    assert tags and not any("date" in t.lower() for t in tags)

    timeline = HTMLParser(fresh.get(f"/articles/{art.id}").text)
    stamp = timeline.css_first(".tl-version time")
    assert stamp.attributes["title"] == stamp.attributes["datetime"]
    assert stamp.text() == "20 Nov 2026, 09:00 UTC"
