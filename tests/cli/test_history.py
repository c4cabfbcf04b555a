"""`redline history` as users run it: levels, classes and summaries per version, cosmetic
versions hidden unless --all, article text printed literally (never as rich markup)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import redline
from tests.web.sample import T0, populate, write_versions

from redline.storage import Store
from redline.storage.database import default_database_url

MARKUP_TITLE = "Storm hits coast [video] [/] [bold]live[/bold]"


def _database(tmp_path: Path) -> tuple[str, str]:
    """A populated database in the data directory the command reads; (minister URL, markup URL)."""
    (tmp_path / "data").mkdir()
    store = Store.open(default_database_url(tmp_path / "data"))
    try:
        sample = populate(store)
        art, _ = store.add_article("https://daily.example/storm-video", None, T0)
        write_versions(
            store,
            art.id,
            [
                (MARKUP_TITLE, ["Winds reached 90 mph [Reuters] on Monday."]),
                (MARKUP_TITLE, ["Winds reached 120 mph [Reuters] on Monday."]),
            ],
            T0,
        )
        return store.get_article(sample.minister).url, art.url
    finally:
        store.close()


def test_history_plain_output_levels_classes_and_hidden_cosmetic(tmp_path: Path) -> None:
    minister, _ = _database(tmp_path)
    out = redline(tmp_path, "history", minister, check=True).stdout
    assert "[substantive] Headline changed" in out
    assert "classes: headline, number" in out
    assert "v4 " not in out  # only fixed punctuation
    assert "1 cosmetic version hidden; --all to show" in out
    everything = redline(tmp_path, "history", minister, "--all", check=True).stdout
    assert "v4 " in everything and "[cosmetic]" in everything and "hidden" not in everything


def test_article_text_is_printed_literally(tmp_path: Path) -> None:
    _, storm = _database(tmp_path)
    proc = redline(tmp_path, "history", storm)
    assert proc.returncode == 0, proc.stderr
    assert MARKUP_TITLE in proc.stdout and "MarkupError" not in proc.stderr
    listing = redline(tmp_path, "articles", check=True).stdout
    assert "[video] [/]" in listing
    diff = redline(tmp_path, "diff", storm, check=True).stdout
    assert "[Reuters]" in diff and "120" in diff


def test_piped_diff_keeps_word_diff_markers(tmp_path: Path) -> None:
    """Without a terminal the colours are gone; git-style markers keep the diff readable."""
    _, storm = _database(tmp_path)
    out = redline(tmp_path, "diff", storm, check=True).stdout
    assert "[-90-]{+120+}" in out.replace(" ", "")


def test_diff_json_has_the_api_shape_and_order_is_checked(tmp_path: Path) -> None:
    minister, _ = _database(tmp_path)
    data = json.loads(
        redline(tmp_path, "diff", minister, "--from", "1", "--to", "2", "--json", check=True).stdout
    )
    assert set(data) == {"article_id", "url", "from", "to", "stored", "change"}
    assert data["stored"] is True and data["change"]["level"] == "substantive"
    wide = json.loads(
        redline(tmp_path, "diff", minister, "--from", "1", "--to", "3", "--json", check=True).stdout
    )
    assert wide["stored"] is False
    reversed_ = redline(tmp_path, "diff", minister, "--from", "2", "--to", "1")
    assert reversed_.returncode == 1 and "must be an older version" in reversed_.stderr
