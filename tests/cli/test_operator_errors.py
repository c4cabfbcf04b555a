"""Bad input an operator can give ends in one clear line, and says what to do; times in tables
are for people, ISO only in JSON. Each case failed (traceback, silence or wrong answer) before."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.cli.test_cli import one_line_error, redline
from tests.cli.test_history import _database


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    a_file = tmp_path / "passwd"
    a_file.write_text("root:x:0:0\n")
    err = one_line_error(redline(tmp_path, "--data-dir", str(a_file), "articles"))
    assert "not a directory" in err and str(a_file) in err
    assert a_file.read_text() == "root:x:0:0\n"


def test_data_dir_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    err = one_line_error(redline(tmp_path, "--data-dir", str(blocker / "sub"), "articles"))
    assert "cannot create data dir" in err
    if Path("/proc").is_dir():
        assert "cannot create data dir" in one_line_error(
            redline(tmp_path, "--data-dir", "/proc/nope", "articles")
        )


def test_a_database_url_creates_no_data_dir(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDLINE_")}
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"
    proc = subprocess.run(
        [sys.executable, "-m", "redline", "--database-url", url, "articles"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "elsewhere.sqlite3").exists()
    assert not (tmp_path / "redline-data").exists()


def test_extract_given_a_directory(tmp_path: Path) -> None:
    proc = redline(tmp_path, "extract", str(tmp_path))
    assert proc.returncode == 1
    assert "is a directory" in proc.stdout and "no such file" not in proc.stdout


@pytest.mark.parametrize("flag", ["--from", "--to"])
def test_diff_version_zero_is_refused(tmp_path: Path, flag: str) -> None:
    _, storm = _database(tmp_path)  # two versions
    err = one_line_error(redline(tmp_path, "diff", storm, flag, "0"))
    assert "between 1 and 2" in err


def test_sources_file_errors_name_the_file_and_the_source(tmp_path: Path) -> None:
    bad = tmp_path / "newsrooms.toml"
    bad.write_text(
        "[[source]]\nname = 'fine'\nfeeds = ['https://a.example/rss']\n"
        "[[source]]\nname = 'broken'\nfeeds = ['https://b.example/rss']\ndelay = -1\n"
    )
    err = one_line_error(redline(tmp_path, "sources", "load", str(bad)))
    assert str(bad) in err and "'broken'" in err and "delay" in err


def test_a_source_without_feed_sitemap_or_homepage_gets_a_warning(tmp_path: Path) -> None:
    file = tmp_path / "s.toml"
    file.write_text("[[source]]\nname = 'lonely'\n")
    proc = redline(tmp_path, "sources", "load", str(file), check=True)
    assert "'lonely'" in proc.stderr and "no feeds, sitemaps or homepage" in proc.stderr


def test_tokens_say_how_to_use_them_and_when_there_are_none(tmp_path: Path) -> None:
    assert "no API tokens yet" in redline(tmp_path, "token", "list", check=True).stdout
    created = redline(tmp_path, "token", "create", "newsroom-bot", check=True)
    token = created.stdout.strip()
    assert f"Authorization: Bearer {token}" in created.stderr
    listed = redline(tmp_path, "token", "list", check=True).stdout
    assert "newsroom-bot" in listed
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", listed)
    assert not re.search(r"\d\d:\d\d:\d\d\.\d{6}", listed)  # no raw ISO with microseconds
    data = json.loads(redline(tmp_path, "token", "list", "--json", check=True).stdout)
    assert data[0]["name"] == "newsroom-bot" and "T" in data[0]["created_at"]


def test_history_shows_human_times(tmp_path: Path) -> None:
    minister, _ = _database(tmp_path)
    out = redline(tmp_path, "history", minister, check=True).stdout
    assert re.search(r"v1  \d{4}-\d\d-\d\d \d\d:\d\d UTC", out)
    assert not re.search(r"\d\d:\d\d:\d\d(\.\d+)?\+00:00", out)
