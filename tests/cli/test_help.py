"""Every command's --help reads right: no type placeholders after flags (`<bool>`), no
`<list[str]>`, no markup that ate brackets (`[[source]]` printed as `[]`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from redline.cli.app import app


def _commands(cmd: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(typer.main.get_command(app)))


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "redline")
def test_help_has_no_artefacts(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    text = result.output
    for artefact in ("<bool>", "<list[", "[]"):
        assert artefact not in text, f"`redline {' '.join(path)} --help` shows {artefact!r}"


def test_the_walk_covers_nested_commands() -> None:
    assert ("sources", "load") in COMMANDS and ("token", "create") in COMMANDS
    assert len(COMMANDS) > 20


def test_sources_load_help_shows_the_table_syntax() -> None:
    result = CliRunner().invoke(app, ["sources", "load", "--help"], env={"COLUMNS": "120"})
    assert "[[source]]" in result.output
