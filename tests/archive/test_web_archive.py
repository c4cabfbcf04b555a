"""The version page's provenance and WARC download, and provenance in the API."""

from __future__ import annotations

import io
from datetime import timedelta

from warcio.archiveiterator import ArchiveIterator

from redline.storage import ArchiveVersion, Store
from tests.archive.test_store_archive import T0, _check, _fetch, _version
from tests.web.conftest import _client


def test_version_page_provenance_download_and_api(store: Store) -> None:
    client = _client(store)
    art, _ = store.add_article("https://x.example/c", None, T0)
    legacy, _ = store.add_article("https://x.example/legacy", None, T0)
    from redline.storage import CheckRecord

    store.record_check(CheckRecord(article_id=legacy.id, captured_at=T0, url=legacy.url,
                                   outcome="new_version", http_status=200,
                                   version=_version("legacy", b"<html>l</html>"),
                                   expected_version_count=0))  # fmt: skip
    _check(store, art, _fetch(art.url, b"<html>tracked</html>", T0), 0, "tracked", T0)
    store.insert_archive_versions(art.id, [ArchiveVersion(
        version=_version("archived", b"<html>archived</html>"), final_url=art.url,
        memento_url="https://web.example/web/20261020000000/https://x.example/c",
        memento_datetime=T0 - timedelta(days=10),
    )], None)  # fmt: skip

    page = client.get(f"/articles/{art.id}/versions/1")
    assert page.status_code == 200
    assert "captured by Redline" in page.text and f"/articles/{art.id}/versions/1/warc" in page.text
    warc = client.get(f"/articles/{art.id}/versions/1/warc")
    assert warc.status_code == 200 and warc.headers["content-type"] == "application/warc"
    recs = [(r.rec_type, r.content_stream().read())
            for r in ArchiveIterator(io.BytesIO(warc.content), check_digests=True)]  # fmt: skip
    assert [t for t, _ in recs] == ["warcinfo", "response"]
    assert recs[1][1] == b"<html>tracked</html>"

    archived = client.get(f"/articles/{art.id}/versions/0")
    assert archived.status_code == 200 and "web archive memento" in archived.text
    assert "https://web.example/web/20261020000000/https://x.example/c" in archived.text

    old = client.get(f"/articles/{legacy.id}/versions/1")
    assert "no WARC: captured before 0.2" in old.text
    assert client.get(f"/articles/{legacy.id}/versions/1/warc").status_code == 404

    api = client.get(f"/api/v1/articles/{art.id}/versions/0").json()
    assert api["provenance"]["kind"] == "archive"
    assert api["provenance"]["memento_datetime"] == (T0 - timedelta(days=10)).isoformat()
    history = client.get(f"/api/v1/articles/{art.id}/history").json()
    assert [v["provenance"]["kind"] for v in history["versions"]] == ["archive", "capture"]
