"""`redline config show`: the settings in effect and where each value came from."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from redline.cli.env import Env, out, print_json
from redline.frontier.schedule import format_duration
from redline.settings import flat, format_value

SECRET = frozenset({"notify.secret_key"})  # shown as set or unset, never printed
MASK = "****"

config_app = typer.Typer(
    help="The settings in effect (defaults < config file < REDLINE_* env < flags).",
    no_args_is_help=True,
)


def _json_value(value: Any) -> Any:
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value


@config_app.command("show")
def show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Print every setting, its value and where it came from (default, file, env, command line)."""
    env: Env = ctx.obj
    values = {
        k: (MASK if k in SECRET and v is not None else v) for k, v in flat(env.settings).items()
    }
    origins = env.loaded.origins
    if as_json:
        print_json(
            {
                "config_file": str(env.loaded.config_file) if env.loaded.config_file else None,
                "settings": {
                    key: {"value": _json_value(v), "from": origins.get(key, "default")}
                    for key, v in values.items()
                },
            }
        )
        return
    if env.loaded.config_file:
        out.print(f"config file: {env.loaded.config_file}", markup=False)
    table = Table(box=None)
    table.add_column("setting", no_wrap=True)
    table.add_column("value", overflow="fold")
    table.add_column("from", no_wrap=True)
    for key, value in values.items():
        table.add_row(Text(key), Text(format_value(value)), Text(origins.get(key, "default")))
    out.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
