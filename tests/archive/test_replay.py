"""Exports replay in a real replay tool: pywb (the `test` extra installs it) loads the WACZ and
the WARC into collections and serves two versions of one article at their capture times."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from redline.testing.asgi import free_port
from redline.testing.newsroom import Newsroom, serve_newsroom
from tests.cli.test_check import load_source
from tests.cli.test_cli import redline

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    """A pywb command; missing is a failure (CI installs the `test` extra), never a skip."""
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed: pip install -e '.[test]' (it brings pywb)")
    return str(path)


@contextmanager
def _wayback(root: Path) -> Iterator[str]:
    """pywb's `wayback` server over the collections in ``root``, on a loopback port."""
    port = free_port()
    log = (root / "wayback.log").open("wb")
    proc = subprocess.Popen(
        [_tool("wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=root, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        "pywb did not start: " + (root / "wayback.log").read_text()
                    ) from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def _ts(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%Y%m%d%H%M%S")


@pytest.mark.timeout(600)
def test_exports_replay_in_pywb_at_each_version(tmp_path: Path) -> None:
    room = Newsroom(n_articles=2, seed=2, script=[(1, 0, "headline")])
    with serve_newsroom(room) as base:
        load_source(tmp_path, f'homepage = "{base}/"')
        url = base + room.article_path(room.articles[0].slug)
        redline(tmp_path, "check", url, check=True)
        time.sleep(1.1)  # replay timestamps have one-second resolution
        room.advance()  # the headline is rewritten
        assert "version 2" in redline(tmp_path, "check", url, check=True).stdout
    versions = json.loads(redline(tmp_path, "history", url, "--json", check=True).stdout)[
        "versions"
    ]
    (t1, h1), (t2, h2) = ((_ts(v["provenance"]["warc_date"]), v["title"]) for v in versions)
    assert h1 != h2 and t1 != t2
    for v in versions:  # the answer's time, just after the check began
        lag = datetime.fromisoformat(v["provenance"]["warc_date"]) - datetime.fromisoformat(
            v["captured_at"]
        )
        assert 0 <= lag.total_seconds() < 5, v

    redline(tmp_path, "export", "wacz", "--out", str(tmp_path / "redline.wacz"), check=True)
    redline(tmp_path, "export", "warc", "--out", str(tmp_path / "redline.warc.gz"), check=True)
    root = tmp_path / "pywb"
    root.mkdir()
    manager = _tool("wb-manager")
    for coll, args in (
        ("fromwacz", ["--unpack-wacz", str(tmp_path / "redline.wacz")]),
        ("fromwarc", [str(tmp_path / "redline.warc.gz")]),
    ):
        for cmd in (["init", coll], ["add", *args[:-1], coll, args[-1]]):
            proc = subprocess.run([manager, *cmd], cwd=root, capture_output=True, text=True)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            # pywb says what it could not use on stderr but still exits 0
            assert "WARNING" not in proc.stderr, proc.stderr
    with _wayback(root) as wb:
        for coll in ("fromwacz", "fromwarc"):
            for ts, headline, other in ((t1, h1, h2), (t2, h2, None)):
                # mp_: the replayed page itself (rewritten for replay), without pywb's frame
                resp = httpx.get(f"{wb}/{coll}/{ts}mp_/{url}", timeout=30)
                assert resp.status_code == 200, (coll, ts, resp.text[:500])
                assert _ts_of(resp.headers["memento-datetime"]) == ts
                assert f"<h1>{_html(headline)}</h1>" in resp.text, (coll, ts)
                if other is not None:  # the first version's page is not the rewritten one
                    assert _html(other) not in resp.text
            # the capture list (CDX) names both captures of the article
            cdx = httpx.get(f"{wb}/{coll}/cdx", params={"url": url, "output": "json"}, timeout=30)
            stamps = [json.loads(line)["timestamp"] for line in cdx.text.splitlines()]
            assert stamps == [t1, t2], (coll, cdx.text)


def _ts_of(http_date: str) -> str:
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(http_date).strftime("%Y%m%d%H%M%S")


def _html(text: str) -> str:
    from html import escape

    return escape(text, quote=False)


@pytest.mark.timeout(600)
def test_a_revisit_replays_the_payload_it_refers_to(tmp_path: Path) -> None:
    """A page reverted to an earlier text is stored as a revisit record; pywb replays it at its
    own time with the payload of the response it refers to."""
    from datetime import timedelta

    from redline.archive.export import write_wacz
    from redline.storage import ArchiveFilter, Store
    from tests.archive.test_store_archive import T0, _check, _fetch

    store = Store.open(f"sqlite:///{tmp_path}/redline.sqlite3")
    try:
        art, _ = store.add_article("https://news.example/story", None, T0)
        first, edit = b"<html><h1>Original</h1></html>", b"<html><h1>Edited</h1></html>"
        for n, (body, hours) in enumerate(((first, 0), (edit, 1), (first, 2))):
            at = T0 + timedelta(hours=hours)
            _check(store, art, _fetch(art.url, body, at), n, f"v{n}", at)
        kinds = [r.record_type for r in store.iter_warc_records(ArchiveFilter())]
        assert kinds.count("revisit") == 1
        write_wacz(store, ArchiveFilter(), tmp_path / "r.wacz")
    finally:
        store.close()
    root = tmp_path / "pywb"
    root.mkdir()
    for cmd in (["init", "c"], ["add", "--unpack-wacz", "c", str(tmp_path / "r.wacz")]):
        proc = subprocess.run([_tool("wb-manager"), *cmd], cwd=root, capture_output=True, text=True)
        assert proc.returncode == 0 and "WARNING" not in proc.stderr, proc.stderr
    with _wayback(root) as wb:
        for hours, body in ((0, first), (1, edit), (2, first)):
            ts = (T0 + timedelta(hours=hours)).strftime("%Y%m%d%H%M%S")
            resp = httpx.get(f"{wb}/c/{ts}id_/{art.url}", timeout=30)
            assert resp.status_code == 200, (hours, resp.text[:300])
            assert _ts_of(resp.headers["memento-datetime"]) == ts
            assert resp.content == body, hours
