"""The version page's provenance and WARC download, and provenance in the API."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import httpx
from warcio.archiveiterator import ArchiveIterator

from redline.diff import compare
from redline.storage import ArchiveVersion, ChangeRow, NewVersion, Store, VersionRow
from redline.testing.asgi import serve_asgi
from redline.web import create_app
from tests.archive.test_store_archive import T0, _check, _fetch, _version
from tests.web.conftest import _client


def test_version_page_provenance_download_and_api(store: Store) -> None:
    client = _client(store)
    art, _ = store.add_article("https://x.example/c", None, T0)
    legacy, _ = store.add_article("https://x.example/legacy", None, T0)
    from redline.storage import CheckRecord

    store.record_check(
        CheckRecord(
            article_id=legacy.id,
            captured_at=T0,
            url=legacy.url,
            outcome="new_version",
            http_status=200,
            version=_version("legacy", b"<html>l</html>"),
            expected_version_count=0,
        )
    )
    _check(store, art, _fetch(art.url, b"<html>tracked</html>", T0), 0, "tracked", T0)
    store.insert_archive_versions(
        art.id,
        [
            ArchiveVersion(
                version=_version("archived", b"<html>archived</html>"),
                final_url=art.url,
                memento_url="https://web.example/web/20261020000000/https://x.example/c",
                memento_datetime=T0 - timedelta(days=10),
            )
        ],
        None,
        expected_first=1,
    )

    page = client.get(f"/articles/{art.id}/versions/1")
    assert page.status_code == 200
    assert "captured by Redline" in page.text and f"/articles/{art.id}/versions/1/warc" in page.text
    warc = client.get(f"/articles/{art.id}/versions/1/warc")
    assert warc.status_code == 200 and warc.headers["content-type"] == "application/warc"
    recs = [
        (r.rec_type, r.content_stream().read())
        for r in ArchiveIterator(io.BytesIO(warc.content), check_digests=True)
    ]
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


def _archived(art: Any, title: str, days: int, change: ChangeRow | None) -> ArchiveVersion:
    return ArchiveVersion(
        version=_version(title, f"<html>{title}</html>".encode()),
        final_url=art.url,
        memento_url=f"https://web.example/web/2026102{days}000000/{art.url}",
        memento_datetime=T0 - timedelta(days=days),
        change=change,
    )


def test_backfilled_versions_have_pages_diffs_and_links_over_http(store: Store) -> None:
    """Versions 0 and -1 (backfilled) are pages, diffs (page, API, compare form, card) and
    timeline links like tracked ones; navigation runs from -1 to the latest."""
    art, _ = store.add_article("https://x.example/b", None, T0)
    _check(store, art, _fetch(art.url, b"<html>tracked one</html>", T0), 0, "tracked one", T0)
    later = T0 + timedelta(hours=1)
    _check(store, art, _fetch(art.url, b"<html>tracked two</html>", later), 1, "tracked two", later)
    oldest, older = _version("oldest", b""), _version("older", b"")
    between = change_between_docs(oldest, older)
    store.insert_archive_versions(
        art.id,
        [_archived(art, "oldest", 9, None), _archived(art, "older", 5, between)],
        change_between_docs(older, store.version(art.id, 1)),
        expected_first=1,
    )
    with serve_asgi(create_app(store)) as base, httpx.Client(base_url=base, timeout=30) as http:
        timeline = http.get(f"/articles/{art.id}").text
        for a, b in ((-1, 0), (0, 1), (1, 2)):  # every change links to its diff
            assert f'href="/articles/{art.id}/diff/{a}/{b}"' in timeline, (a, b)
        for n in (-1, 0, 1, 2):
            assert f'href="/articles/{art.id}/versions/{n}"' in timeline
        assert "First version captured: “oldest”" in timeline
        assert "<dd>2 + 2 from a web archive</dd>" in timeline

        page = http.get(f"/articles/{art.id}/versions/0")
        assert page.status_code == 200 and "web archive memento" in page.text
        assert f'href="/articles/{art.id}/diff/-1/0"' in page.text
        assert f'href="/articles/{art.id}/diff/0/1"' in page.text
        first = http.get(f"/articles/{art.id}/versions/-1").text
        assert "/diff/-2/-1" not in first and f'href="/articles/{art.id}/diff/-1/0"' in first

        diff = http.get(f"/articles/{art.id}/diff/-1/0")
        assert diff.status_code == 200, diff.text[:300]
        assert "oldest" in diff.text and "older" in diff.text
        assert f'rel="next" href="/articles/{art.id}/diff/0/1' in diff.text
        assert 'rel="prev"' not in diff.text  # the first change there is
        across = http.get(f"/articles/{art.id}/diff/0/1").text
        assert f'rel="prev" href="/articles/{art.id}/diff/-1/0' in across
        assert http.get(f"/articles/{art.id}/diff/-1/2").status_code == 200  # any pair
        assert (
            http.get(f"/articles/{art.id}/diff/0/-1")
            .headers["location"]
            .startswith(f"/articles/{art.id}/diff/-1/0")
        )
        compare = http.get(f"/articles/{art.id}/compare", params={"from": 0, "to": -1})
        assert compare.status_code == 303
        assert compare.headers["location"].startswith(f"/articles/{art.id}/diff/-1/0")
        assert http.get(f"/articles/{art.id}/diff/-3/0").status_code == 404
        card = http.get(f"/articles/{art.id}/versions/0/card.png")
        assert card.status_code == 200 and card.headers["content-type"] == "image/png"

        api = http.get(f"/api/v1/articles/{art.id}/diff", params={"from": -1, "to": 0})
        assert api.status_code == 200, api.text
        body = api.json()
        assert (body["from"], body["to"], body["stored"]) == (-1, 0, True)
        assert body["change"]["summary"] == between.summary
        assert body["links"]["page"] == f"/articles/{art.id}/diff/-1/0"
        default = http.get(f"/api/v1/articles/{art.id}/diff", params={"to": 1}).json()
        assert (default["from"], default["to"], default["stored"]) == (0, 1, True)
        assert http.get(f"/api/v1/articles/{art.id}/diff", params={"from": -5}).status_code == 404
        history = http.get(f"/api/v1/articles/{art.id}/history").json()["versions"]
        assert [("change" in v) for v in history] == [False, True, True, True]


def change_between_docs(old: NewVersion | VersionRow, new: NewVersion | VersionRow) -> ChangeRow:
    from redline.versions.changes import as_doc, as_new_change

    return as_new_change(compare(as_doc(old), as_doc(new)))
