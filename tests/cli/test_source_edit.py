"""`redline source edit|pause|resume` as users run them (real subprocess, real database)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import one_line_error, redline


def _source(tmp_path: Path, name: str) -> dict[str, object]:
    rows = json.loads(redline(tmp_path, "source", "list", "--json", check=True).stdout)
    return next(r for r in rows if r["name"] == name)


def test_edit_changes_only_what_is_given(tmp_path: Path) -> None:
    redline(
        tmp_path,
        "source",
        "add",
        "bbc",
        "--feed",
        "https://feeds.bbci.co.uk/news/rss.xml",
        "--include",
        "/news/",
        "--delay",
        "2",
        "--strip-param",
        "at_*",
        check=True,
    )
    redline(
        tmp_path,
        "source",
        "edit",
        "bbc",
        "--homepage",
        "https://www.bbc.co.uk/news",
        "--concurrency",
        "3",
        "--schedule",
        "3h=15m, 1d=1h",
        check=True,
    )
    s = _source(tmp_path, "bbc")
    assert s["feeds"] == ["https://feeds.bbci.co.uk/news/rss.xml"]  # kept
    assert s["include"] == ["/news/"] and s["delay"] == 2.0  # kept
    assert s["homepage"] == "https://www.bbc.co.uk/news" and s["concurrency"] == 3
    assert s["schedule"] == [["3h", "15m"], ["1d", "1h"]]
    assert s["strip_params"] == ["at_*"]  # kept
    redline(tmp_path, "source", "edit", "bbc", "--feed", "", "--include", "", check=True)
    s = _source(tmp_path, "bbc")
    assert s["feeds"] == [] and s["include"] == [] and s["homepage"]


def test_edit_errors_are_one_line_and_keep_the_source(tmp_path: Path) -> None:
    redline(
        tmp_path,
        "source",
        "add",
        "bbc",
        "--feed",
        "https://feeds.bbci.co.uk/news/rss.xml",
        check=True,
    )
    assert "invalid regular expression" in one_line_error(
        redline(tmp_path, "source", "edit", "bbc", "--include", "(")
    )
    assert "concurrency must be at least 1" in one_line_error(
        redline(tmp_path, "source", "edit", "bbc", "--concurrency", "0")
    )
    assert "age=interval" in one_line_error(
        redline(tmp_path, "source", "edit", "bbc", "--schedule", "3h")
    )
    assert "nothing to change" in one_line_error(redline(tmp_path, "source", "edit", "bbc"))
    assert "no source named 'nope'" in one_line_error(
        redline(tmp_path, "source", "edit", "nope", "--delay", "1")
    )
    s = _source(tmp_path, "bbc")
    assert s["include"] == [] and "concurrency" not in s


def test_pause_and_resume_show_in_list_and_status(tmp_path: Path) -> None:
    redline(
        tmp_path,
        "source",
        "add",
        "bbc",
        "--feed",
        "https://feeds.bbci.co.uk/news/rss.xml",
        check=True,
    )
    redline(tmp_path, "source", "pause", "bbc", check=True)
    assert _source(tmp_path, "bbc")["paused"] is True
    assert "bbc (paused)" in redline(tmp_path, "source", "list", check=True).stdout
    redline(tmp_path, "source", "resume", "bbc", check=True)
    assert _source(tmp_path, "bbc")["paused"] is False
    assert "no source named" in one_line_error(redline(tmp_path, "source", "pause", "nope"))
