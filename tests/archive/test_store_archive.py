"""WARC records and backfilled versions in storage, on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from redline.archive.export import write_warc
from redline.archive.verify import check_record
from redline.archive.warc import capture_records
from redline.errors import StorageError
from redline.fetch.result import FetchResult, HttpExchange
from redline.serialize import NO_WARC, provenance_json
from redline.storage import ArchiveFilter, ArchiveVersion, CheckRecord, NewVersion, Store

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _fetch(url: str, body: bytes, at: datetime, redirect_from: str | None = None) -> FetchResult:
    hops = []
    if redirect_from:
        hops.append(
            HttpExchange(
                redirect_from,
                "GET",
                (("Host", "x.example"),),
                "HTTP/1.1",
                301,
                "Moved Permanently",
                (("Location", url),),
                at,
            )
        )
    hops.append(
        HttpExchange(
            url,
            "GET",
            (("Host", "x.example"), ("Accept-Encoding", "gzip")),
            "HTTP/1.1",
            200,
            "OK",
            (("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("Content-Length", "99")),
            at,
        )
    )
    return FetchResult(
        url=redirect_from or url,
        final_url=url,
        status=200,
        body=body,
        content_type="text/html",
        etag=None,
        last_modified=None,
        duration_ms=3,
        redirects=(redirect_from,) if redirect_from else (),
        exchanges=tuple(hops),
    )


def _version(title: str, raw: bytes) -> NewVersion:
    return NewVersion(
        title=title,
        byline=None,
        published=None,
        modified=None,
        text=f"{title} body.",
        content_hash=title,
        extractor="test",
        extractor_version="0",
        raw_html=raw,
    )


def _check(store: Store, art: Any, fr: FetchResult, n: int, title: str, at: datetime) -> None:
    store.record_check(
        CheckRecord(
            article_id=art.id,
            captured_at=at,
            url=art.url,
            outcome="new_version",
            final_url=fr.final_url,
            http_status=200,
            version=_version(title, fr.body),
            expected_version_count=n,
            warc=capture_records(fr),
        )
    )


def test_records_revisits_provenance_and_export(store: Store) -> None:
    art, _ = store.add_article("https://x.example/a", None, T0)
    old, _ = store.add_article("https://x.example/old", None, T0)
    store.record_check(
        CheckRecord(
            article_id=old.id,
            captured_at=T0,
            url=old.url,
            outcome="new_version",
            http_status=200,
            version=_version("before", b"<html>old</html>"),
            expected_version_count=0,
        )
    )
    _check(
        store,
        art,
        _fetch(art.url, b"<html>one</html>", T0, "https://x.example/a?utm=1"),
        0,
        "one",
        T0,
    )
    _check(
        store,
        art,
        _fetch(art.url, b"<html>two</html>", T0 + timedelta(hours=1)),
        1,
        "two",
        T0 + timedelta(hours=1),
    )
    # a revert to the first page: its payload is held, so a revisit record refers to it
    _check(
        store,
        art,
        _fetch(art.url, b"<html>one</html>", T0 + timedelta(hours=2)),
        2,
        "one again",
        T0 + timedelta(hours=2),
    )

    recs = list(store.iter_warc_records(ArchiveFilter(article_id=art.id), batch=2))
    assert [r.record_type for r in recs] == [
        "request",
        "response",
        "request",
        "response",
        "request",
        "response",
        "request",
        "revisit",
    ]
    assert recs[1].http_status == 301 and recs[3].payload == b"<html>one</html>"
    assert recs[7].payload == b"" and recs[7].payload_digest == recs[3].payload_digest
    assert all(check_record(r) == [] for r in recs)

    prov = store.provenance(art.id)
    versions = store.versions(art.id)
    first = provenance_json(prov[versions[0].id])
    assert first["kind"] == "capture" and first["status"] == 200
    assert first["warc_record_id"] == recs[3].record_id  # the final hop, not the redirect
    assert provenance_json(prov[versions[2].id])["warc_record_id"] == recs[7].record_id
    legacy = provenance_json(store.provenance(old.id)[store.versions(old.id)[0].id])
    assert legacy["warc_record_id"] is None and legacy["note"] == NO_WARC

    # the download of a revisit version brings the response it refers to
    assert [r.record_type for r in store.version_records(versions[2].id)] == ["response", "revisit"]

    buf = io.BytesIO()
    stats = write_warc(store, ArchiveFilter(article_id=art.id), buf)
    assert (stats.records, stats.captures) == (8, 4)
    buf.seek(0)
    read = [
        (r.rec_type, r.content_stream().read()) for r in ArchiveIterator(buf, check_digests=True)
    ]
    assert [t for t, _ in read][1:] == [r.record_type for r in recs]
    assert read[4][1] == b"<html>one</html>"
    # the stored response keeps the original encoding headers under another name
    http = gzip.decompress(buf.getvalue()[len(b"") :])  # whole file decompresses as one stream
    assert b"X-Redline-Original-Content-Encoding: gzip" in http
    assert b"\r\nContent-Encoding" not in http


def test_archive_versions_are_numbered_before_version_one(store: Store) -> None:
    art, _ = store.add_article("https://x.example/b", None, T0)
    _check(store, art, _fetch(art.url, b"<html>now</html>", T0), 0, "now", T0)
    items = [
        ArchiveVersion(
            version=_version(f"old {i}", f"<html>{i}</html>".encode()),
            memento_url=f"https://web.example/web/2026010{i}/x",
            final_url=art.url,
            memento_datetime=T0 - timedelta(days=10 - i),
        )
        for i in range(2)
    ]
    store.insert_archive_versions(art.id, items, None, expected_first=1)
    vs = store.versions(art.id)
    assert [(v.number, v.title) for v in vs] == [(-1, "old 0"), (0, "old 1"), (1, "now")]
    assert store.get_article(art.id).version_count == 1  # the tracked count is the CAS guard
    p = provenance_json(store.provenance(art.id)[vs[0].id])
    assert p["kind"] == "archive" and p["memento_url"].endswith("/x")
    assert p["memento_datetime"] == (T0 - timedelta(days=10)).isoformat()
    # later tracked versions keep counting from 1
    _check(
        store,
        art,
        _fetch(art.url, b"<html>later</html>", T0 + timedelta(hours=1)),
        1,
        "later",
        T0 + timedelta(hours=1),
    )
    assert store.latest_version(art.id).number == 2  # type: ignore[union-attr]
    # a further backfill extends history backwards only
    with pytest.raises(StorageError, match="older than every version held"):
        store.insert_archive_versions(art.id, [items[1]], None, expected_first=-1)
    # ... and only below the earliest version it planned against (compare-and-set)
    with pytest.raises(StorageError, match="changed while backfilling"):
        store.insert_archive_versions(art.id, items[:1], None, expected_first=1)
    assert len(store.versions(art.id)) == 4


def test_one_payload_captured_at_the_same_moment_is_one_response_and_one_revisit(
    database_url: str,
) -> None:
    """Two checkers recording the same page for two articles at once (a site-wide 404 page
    marking two deletions): the response/revisit choice is made in each writing transaction,
    serialised per payload, so exactly one response holds the payload and the other capture is
    a revisit of it (a lookup made before the transaction let both become responses)."""
    import threading

    stores = [Store.open(database_url) for _ in range(2)]
    errors: list[BaseException] = []
    try:
        for i in range(10):
            body = f"<html>the same page {i}</html>".encode()
            arts = [
                stores[0].add_article(f"https://x.example/{i}/{side}", None, T0)[0] for side in "ab"
            ]
            barrier = threading.Barrier(2)

            def write(s: Store, art: Any, barrier: threading.Barrier, body: bytes) -> None:
                warc = capture_records(_fetch(art.url, body, T0))
                gone = CheckRecord(
                    article_id=art.id,
                    captured_at=T0,
                    url=art.url,
                    outcome="missing",
                    http_status=404,
                    status="deleted",
                    warc=warc,
                )
                try:
                    barrier.wait()
                    s.record_check(gone)
                except BaseException as exc:  # reported below, with the trial
                    errors.append(exc)

            threads = [
                threading.Thread(target=write, args=(s, art, barrier, body))
                for s, art in zip(stores, arts, strict=True)
            ]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            assert errors == []
            kinds = sorted(
                r.record_type
                for art in arts
                for r in stores[0].iter_warc_records(ArchiveFilter(article_id=art.id))
                if r.record_type != "request"
            )
            assert kinds == ["response", "revisit"], (i, kinds)
        # and the export of it all still checks (each revisit refers to a response held)
        buf = io.BytesIO()
        write_warc(stores[0], ArchiveFilter(), buf)
        buf.seek(0)
        assert sum(1 for _ in ArchiveIterator(buf, check_digests=True)) == 1 + 10 * 4
    finally:
        for s in stores:
            s.close()
