"""WARC recording, exports, verify and backfill as users run them: real HTTP against the
simulated newsroom and its Wayback-compatible archive, real warcio and wacz tools."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from redline.storage import Store
from redline.storage.database import default_database_url
from redline.testing.newsroom import Newsroom, serve_newsroom
from redline.testing.newsroom.wayback import WaybackArchive, serve_wayback
from tests.cli.test_check import load_source
from tests.cli.test_cli import one_line_error, redline


def _records(path: Path) -> list[tuple[str, str | None, int | None]]:
    with path.open("rb") as fh:
        return [
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI"),
                int(r.http_headers.get_statuscode()) if r.rec_type == "response" else None,
            )
            for r in ArchiveIterator(fh, check_digests=True)
        ]


@pytest.mark.timeout(600)
def test_capture_export_verify_and_backfill(tmp_path: Path) -> None:
    room = Newsroom(n_articles=3, seed=2)
    archive = WaybackArchive(throttle={2})
    with serve_newsroom(room) as base, serve_wayback(archive) as wb:
        load_source(tmp_path, f'homepage = "{base}/"')
        slug = room.articles[0].slug
        url = base + room.article_path(slug)
        redline(tmp_path, "check", url, check=True)
        expected = archive.add_history(room, slug, base, datetime.now(UTC) - timedelta(days=3))
        # a second check with only furniture changed: no version, no WARC records
        redline(tmp_path, "check", url, check=True)
        history = json.loads(redline(tmp_path, "history", url, "--json", check=True).stdout)
        (v1,) = history["versions"]
        prov = v1["provenance"]
        assert prov["kind"] == "capture" and prov["status"] == 200 and prov["final_url"] == url
        assert prov["warc_record_id"].startswith("<urn:uuid:") and len(prov["sha256"]) == 64
        assert v1["raw_sha256"] == prov["sha256"]

        warc = tmp_path / "out.warc.gz"
        out = redline(tmp_path, "export", "warc", "--out", str(warc), check=True).stdout
        assert "2 records, 1 captures" in out, out
        recs = _records(warc)
        assert [r[0] for r in recs] == ["warcinfo", "request", "response"]
        assert recs[2][1:] == (url, 200)
        check = subprocess.run(
            [str(Path(sys.executable).parent / "warcio"), "check", str(warc)],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout + check.stderr

        assert redline(tmp_path, "verify", check=True).stdout.strip().endswith("0 mismatch(es)")

        back = redline(tmp_path, "backfill", url, "--archive", wb, check=True).stdout
        assert "8 captures seen, 5 fetched, 2 kept" in back, back
        assert (
            "skipped: duplicate 1, error 1, not an article (no_body) 1, redirect 2, same article text 1"
            in back
        )
        assert archive.requests >= 7  # one CDX query, five mementos, one 429 retried

    history = json.loads(redline(tmp_path, "history", url, "--json", check=True).stdout)
    numbers = [v["number"] for v in history["versions"]]
    assert numbers == [-1, 0, 1]  # version 1 keeps its number (and its URL)
    old, newer, tracked = history["versions"]
    assert (old["title"], newer["title"]) == (expected[0].title, expected[1].title)
    assert old["paragraphs"] == list(expected[0].paragraphs)
    assert old["provenance"]["kind"] == "archive"
    assert old["provenance"]["memento_url"].startswith(f"{wb}/web/")
    assert old["provenance"]["memento_datetime"] < newer["provenance"]["memento_datetime"]
    assert newer["change"] is not None and tracked["change"] is not None  # neighbours diffed
    args = ("diff", url, "--from", "-1", "--to", "0", "--json")
    diff = json.loads(redline(tmp_path, *args, check=True).stdout)
    assert (diff["from"], diff["to"], diff["stored"]) == (-1, 0, True)
    assert "headline" in diff["change"]["classes"]  # the draft's title was rewritten
    # a second backfill finds nothing new: never a duplicate
    with serve_newsroom(room), serve_wayback(archive) as wb2:
        again = redline(tmp_path, "backfill", url, "--archive", wb2, check=True).stdout
    assert "0 kept" in again, again
    assert len(json.loads(redline(tmp_path, "history", url, "--json").stdout)["versions"]) == 3


@pytest.mark.timeout(600)
def test_verify_reports_a_tampered_page(tmp_path: Path) -> None:
    room = Newsroom(n_articles=2, seed=3)
    with serve_newsroom(room) as base:
        load_source(tmp_path, f'homepage = "{base}/"')
        url = base + room.article_path(room.articles[0].slug)
        redline(tmp_path, "check", url, check=True)
    store = Store.open(default_database_url(tmp_path / "data"))
    try:
        with store.engine.begin() as conn:
            from redline.storage import schema as t

            data = conn.execute(t.blobs.select()).first()
            assert data is not None
            conn.execute(t.blobs.update().values(data=store._zc.compress(b"<html>forged</html>")))
    finally:
        store.close()
    proc = redline(tmp_path, "verify", "--article", url)
    assert proc.returncode == 1
    assert "MISMATCH raw page" in proc.stdout and "MISMATCH WARC record" in proc.stdout


@pytest.mark.timeout(600)
def test_wacz_export_is_valid(tmp_path: Path) -> None:
    room = Newsroom(n_articles=3, seed=4)
    with serve_newsroom(room) as base:
        load_source(tmp_path, f'homepage = "{base}/"')
        for a in room.articles:
            redline(tmp_path, "check", base + room.article_path(a.slug), check=True)
    wacz = tmp_path / "out.wacz"
    out = redline(tmp_path, "export", "wacz", "--out", str(wacz), check=True).stdout
    assert "3 captures" in out, out
    tool = shutil.which("wacz", path=str(Path(sys.executable).parent))
    if tool is None:  # a failure, not a skip: the `test` extra installs it
        pytest.fail("the wacz tool is not installed: pip install -e '.[test]'")
    proc = subprocess.run([tool, "validate", "-f", str(wacz)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with zipfile.ZipFile(wacz) as zf:
        names = set(zf.namelist())
        assert {
            "archive/data.warc.gz",
            "indexes/index.cdx",
            "pages/pages.jsonl",
            "datapackage.json",
            "datapackage-digest.json",
        } <= names
        assert zf.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
        index = zf.read("indexes/index.cdx").decode().splitlines()
        pages = zf.read("pages/pages.jsonl").decode().splitlines()
        warc = zf.read("archive/data.warc.gz")
    assert len(index) == 3 and index == sorted(index)
    assert len(pages) == 4  # header + one page per capture
    for line in index:  # every index entry points at its record
        fields = json.loads(line.split(" ", 2)[2])
        start, length = int(fields["offset"]), int(fields["length"])
        import io

        rec = next(iter(ArchiveIterator(io.BytesIO(warc[start : start + length]))))
        assert rec.rec_headers.get_header("WARC-Target-URI") == fields["url"]


@pytest.mark.timeout(600)
def test_deletion_and_redirect_captures_are_recorded(tmp_path: Path) -> None:
    room = Newsroom(n_articles=3, seed=6, script=[(1, 0, "delete"), (1, 1, "redirect_home")])
    with serve_newsroom(room) as base:
        load_source(tmp_path, f'homepage = "{base}/"')
        gone, moved = (base + room.article_path(a.slug) for a in room.articles[:2])
        for url in (gone, moved):
            redline(tmp_path, "check", url, check=True)
        room.advance()
        # (`check` exits 1 on a 404 or a redirect away: the check did not yield a version)
        redline(tmp_path, "check", gone)  # first 404: not yet a deletion, no WARC
        redline(tmp_path, "check", gone)  # second: the deletion, recorded
        redline(tmp_path, "check", moved)
    history = json.loads(redline(tmp_path, "history", gone, "--json", check=True).stdout)
    assert history["status"] == "deleted"
    warc = tmp_path / "all.warc.gz"
    redline(tmp_path, "export", "warc", "--out", str(warc), check=True)
    recs = [r for r in _records(warc) if r[0] != "request"][1:]  # without warcinfo
    assert sorted(recs, key=str) == sorted(
        [
            ("response", gone, 200),
            ("response", moved, 200),
            ("response", gone, 404),
            ("response", moved, 301),
            ("response", base + "/", 200),
        ],
        key=str,
    )


def test_export_to_a_path_it_cannot_write_is_a_one_line_error(tmp_path: Path) -> None:
    for kind, out in (
        ("warc", tmp_path / "nope" / "x.warc.gz"),
        ("wacz", tmp_path / "nope" / "x.wacz"),
    ):
        proc = redline(tmp_path, "export", kind, "--out", str(out))
        assert "--out: no directory" in one_line_error(proc), proc.stderr
    (tmp_path / "adir").mkdir()
    for kind in ("warc", "wacz"):  # a directory where the file should go
        proc = redline(tmp_path, "export", kind, "--out", str(tmp_path / "adir"))
        assert "is a directory" in one_line_error(proc), proc.stderr
