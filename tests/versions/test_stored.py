"""A version's stored page read again: decoded once, read with the rules asked for, and a clear
ExtractionError when there is nothing to read."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from redline.archive.backfill import memento_version
from redline.errors import ExtractionError
from redline.extract import ExtractRules, extract
from redline.storage import CheckRecord, Store
from redline.versions.stored import StoredPage

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
URL = "https://news.example/2026/12/01/harbour"
STORY = "".join(
    f"<p>Paragraph {i}: the harbour board met on Monday and agreed the plan for the new quay, "
    f"the ferries and the fish market after a long debate ({i}).</p>"
    for i in range(6)
)
PAGE = (
    "<html><head><title>Harbour plan agreed</title></head><body><article>"
    f"<h1>Harbour plan agreed</h1><p class='promo'>Subscribe today for 1 euro.</p>{STORY}"
    "</article></body></html>"
)


def _stored(store: Store, *, kept: bool) -> StoredPage:
    art, _ = store.add_article(URL, None, NOW)
    version = memento_version(extract(PAGE, URL), PAGE.encode())
    if not kept:  # a version whose page was not kept
        version = replace(version, raw_html=None)
    store.record_check(
        CheckRecord(
            article_id=art.id,
            captured_at=NOW,
            url=URL,
            outcome="new_version",
            http_status=200,
            version=version,
            expected_version_count=0,
        )
    )
    latest = store.latest_version(art.id)
    assert latest is not None
    return StoredPage(store, latest)


def test_the_stored_page_reads_again_with_the_rules_asked_for(store: Store) -> None:
    page = _stored(store, kept=True)
    assert page.html is not None and "Harbour plan agreed" in page.html
    plain = page.read(None)
    assert plain.paragraphs == page.version.paragraphs
    assert page.read(None) is plain  # read once
    ruled = page.read(ExtractRules(drop=(".promo",)))
    assert "Subscribe today for 1 euro." not in ruled.paragraphs
    assert len(ruled.paragraphs) == 6


def test_a_version_without_its_page_is_a_clear_extraction_error(store: Store) -> None:
    page = _stored(store, kept=False)
    assert page.html is None
    with pytest.raises(ExtractionError) as err:
        page.read(None)
    assert err.value.reason == "no_page"
    assert page.read_or_none(None) is None
