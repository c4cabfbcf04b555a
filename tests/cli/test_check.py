"""`redline check URL` against the simulated newsroom over loopback, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import redline

from redline.testing.newsroom import Newsroom, serve_newsroom


def load_source(tmp_path: Path, where: str) -> None:
    """`redline sources load` of one local source; ``where`` is its feeds/homepage lines."""
    toml = tmp_path / "s.toml"
    toml.write_text(f'[[source]]\nname = "newsroom"\n{where}\ndelay = 0\nallow_private = true\n')
    redline(tmp_path, "sources", "load", str(toml), check=True)


def test_check_of_a_variant_that_merges_says_where_it_went(tmp_path: Path) -> None:
    room = Newsroom(n_articles=3, seed=1)
    with serve_newsroom(room) as base:
        load_source(tmp_path, f'homepage = "{base}/"')
        url = base + room.article_path(room.articles[0].slug)
        first = redline(tmp_path, "check", url, check=True)
        assert first.stdout.startswith("new_version: version 1"), first.stdout
        # the page at ?page=1 says its canonical URL is `url`: the new record folds into it
        merged = redline(tmp_path, "check", url + "?page=1")
        assert merged.returncode == 0, merged.stderr
        assert f"merged into {url}" in merged.stdout, merged.stdout
        assert f"{url}  status live, 1 version(s)" in merged.stdout
        again = json.loads(redline(tmp_path, "check", url + "?page=2", "--json", check=True).stdout)
        assert again["outcome"] == "merged" and again["article"] == url
        assert again["version_count"] == 1
        listed = json.loads(redline(tmp_path, "articles", "--json", check=True).stdout)
        assert [a["url"] for a in listed] == [url]


def test_a_failing_feed_is_one_line_in_the_summary_and_listed_by_status(tmp_path: Path) -> None:
    room = Newsroom(n_articles=3, seed=1)
    with serve_newsroom(room) as base:
        load_source(tmp_path, f'feeds = ["{base}/rss.xml", "{base}/missing.xml"]')
        crawl = redline(tmp_path, "crawl", "--once", check=True)
    assert "errors 1" in crawl.stdout
    # the CLI's own line, and no structured-log WARNING repeating it
    assert [line for line in crawl.stderr.splitlines() if "missing.xml" in line] == [
        f"  discovery error: {base}/missing.xml: answered HTTP 404"
    ], crawl.stderr
    assert "discovery error:" in crawl.stderr and "WARNING" not in crawl.stderr
    status = redline(tmp_path, "status", check=True).stdout
    assert "discovery errors" in status and "missing.xml: answered HTTP 404" in status
    data = json.loads(redline(tmp_path, "status", "--json", check=True).stdout)
    (failing,) = data["discovery_errors"]
    assert failing["source"] == "newsroom" and failing["kind"] == "feed"
