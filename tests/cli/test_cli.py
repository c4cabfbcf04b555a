"""The `redline` command as users run it: a real subprocess, real files, real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def redline(
    tmp_path: Path, *args: str, db: str | None = None, check: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REDLINE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    env.pop("REDLINE_DATABASE_URL", None)
    if db:
        env["REDLINE_DATABASE_URL"] = db
    cmd = [sys.executable, "-m", "redline", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
    assert lines, "no error message"
    return proc.stderr


def test_source_add_list_remove_json(tmp_path: Path) -> None:
    redline(
        tmp_path,
        "source",
        "add",
        "bbc",
        "--feed",
        "https://feeds.bbci.co.uk/news/rss.xml",
        "--include",
        "/news/",
        check=True,
    )
    out = redline(tmp_path, "source", "list", "--json", check=True).stdout
    data = json.loads(out)
    assert data[0]["name"] == "bbc" and data[0]["feeds"] == [
        "https://feeds.bbci.co.uk/news/rss.xml"
    ]
    assert data[0]["stats"] == {"articles": 0, "changed": 0, "deleted": 0}
    err = one_line_error(redline(tmp_path, "source", "add", "bbc"))
    assert "already exists" in err
    redline(tmp_path, "source", "remove", "bbc", check=True)
    assert json.loads(redline(tmp_path, "source", "list", "--json", check=True).stdout) == []


def test_sources_load_example_and_invalid_file_keeps_data(tmp_path: Path) -> None:
    redline(tmp_path, "sources", "load", str(REPO / "sources.example.toml"), check=True)
    names = {s["name"] for s in json.loads(redline(tmp_path, "source", "list", "--json").stdout)}
    assert {"nytimes", "bbc", "guardian", "ap", "taipeitimes"} <= names
    bad = tmp_path / "bad.toml"
    bad.write_text("[[source]]\nname = 'x'\nfeeds = ['not a url']\n")
    assert "not an absolute" in one_line_error(redline(tmp_path, "sources", "load", str(bad)))
    after = {s["name"] for s in json.loads(redline(tmp_path, "source", "list", "--json").stdout)}
    assert after == names


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["frobnicate"], "No such command"),
        (["articles", "--colour"], "No such option"),
        (["history", "https://example.com/unknown"], "no tracked article"),
        (["source", "add", "x", "--include", "(unclosed"], "invalid regular expression"),
        (["crawl", "--once", "--source", "nope"], "no source named"),
        (["check", "not-a-url"], "not an absolute"),
    ],
)
def test_bad_input_gets_a_clear_error(tmp_path: Path, args: list[str], expected: str) -> None:
    assert expected in one_line_error(redline(tmp_path, *args))


def test_unreachable_database_url(tmp_path: Path) -> None:
    err = one_line_error(redline(tmp_path, "articles", db="postgresql://nobody@127.0.0.1:1/none"))
    assert "cannot connect" in err and "--database-url" in err


def test_extract_reports_binary_and_missing_files(tmp_path: Path) -> None:
    binary = tmp_path / "x.html"
    binary.write_bytes(os.urandom(4096))
    proc = redline(tmp_path, "extract", str(binary), "--json")
    assert proc.returncode == 1
    assert "error" in json.loads(proc.stdout.splitlines()[0])
    assert "no such file" in redline(tmp_path, "extract", str(tmp_path / "none.html")).stdout


def test_database_errors_are_one_line_even_on_a_narrow_terminal(tmp_path: Path) -> None:
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("my notes, not a database\n")
    env = {**os.environ, "COLUMNS": "40", "REDLINE_DATABASE_URL": f"sqlite:///{not_sqlite}"}
    for url in (f"sqlite:///{not_sqlite}", "postgresql://nobody@127.0.0.1:1/none"):
        env["REDLINE_DATABASE_URL"] = url
        proc = subprocess.run(
            [sys.executable, "-m", "redline", "articles"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "cannot connect" in proc.stderr
    assert not_sqlite.read_text() == "my notes, not a database\n"  # nothing written over it
