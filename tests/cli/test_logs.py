"""Logs an operator can use: quiet by default, `-v` one key=value line per fetch, `-vv` discovery
details; third-party warnings (trafilatura's "discarding data") only at -vv."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.cli.test_cli import redline

from redline.cli.env import setup_logging
from redline.testing.newsroom import Newsroom, serve_newsroom


@pytest.fixture
def site() -> Iterator[str]:
    with serve_newsroom(Newsroom(n_articles=3, seed=2)) as base:
        yield base


def _add(tmp_path: Path, site: str) -> None:
    redline(
        tmp_path,
        "source",
        "add",
        "news",
        "--feed",
        f"{site}/rss.xml",
        "--delay",
        "0",
        "--allow-private",
        check=True,
    )


def test_quiet_by_default(tmp_path: Path, site: str) -> None:
    _add(tmp_path, site)
    proc = redline(tmp_path, "crawl", "--once", check=True)
    assert "level=" not in proc.stderr


def test_v_logs_one_line_per_fetch(tmp_path: Path, site: str) -> None:
    _add(tmp_path, site)
    proc = redline(tmp_path, "-v", "crawl", "--once", check=True)
    fetches = [line for line in proc.stderr.splitlines() if "msg=fetch " in line]
    assert len(fetches) == 3
    for line in fetches:
        assert re.search(
            rf"url={re.escape(site)}/\S+ status=200 bytes=\d+ ms=\d+ outcome=new_version", line
        ), line
    assert "msg=discovery" not in proc.stderr


def test_vv_adds_discovery_details(tmp_path: Path, site: str) -> None:
    _add(tmp_path, site)
    proc = redline(tmp_path, "-vv", "crawl", "--once", check=True)
    assert re.search(
        rf"msg=discovery source=news kind=feed url={re.escape(site)}/rss.xml "
        r"status=200 .*entries=3",
        proc.stderr,
    )
    assert len(re.findall(r"msg=\"new link\" source=news url=", proc.stderr)) == 3
    assert re.search(r"msg=\"discovery done\" source=news links=3 new=3", proc.stderr)


@pytest.mark.parametrize(("verbose", "shown"), [(0, False), (1, False), (2, True)])
def test_third_party_warnings_only_at_vv(
    capsys: pytest.CaptureFixture[str], verbose: int, shown: bool
) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        setup_logging(verbose)
        logging.getLogger("trafilatura.core").warning("discarding data: None")
        logging.getLogger("redline.crawl").warning("our own warning")
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])
        for name in ("trafilatura",):
            logging.getLogger(name).setLevel(logging.NOTSET)
    err = capsys.readouterr().err
    assert ("discarding data" in err) is shown
    assert 'msg="our own warning"' in err
