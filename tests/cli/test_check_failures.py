"""`redline check` of a URL that does not load: exit 1, nothing kept, nothing public."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_check import load_source
from tests.cli.test_cli import redline

from redline.testing.newsroom import Newsroom, serve_newsroom


def test_a_url_that_never_loaded_is_not_kept(tmp_path: Path) -> None:
    room = Newsroom(n_articles=2, seed=1)
    with serve_newsroom(room) as base:
        load_source(tmp_path, f'homepage = "{base}/"')
        typo = base + "/news/2026/11/no-such-story.html"
        proc = redline(tmp_path, "check", typo)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        assert "nothing was added" in proc.stderr and "404" in proc.stderr
        assert json.loads(redline(tmp_path, "articles", "--json", check=True).stdout) == []
        # a tracked article that now fails: the check is recorded, and the exit status says so
        good = base + room.article_path(room.articles[0].slug)
        redline(tmp_path, "check", good, check=True)
        room.articles[0].status = "deleted"
        again = redline(tmp_path, "check", good, "--json")
        assert again.returncode == 1
        assert json.loads(again.stdout)["outcome"] == "missing"
