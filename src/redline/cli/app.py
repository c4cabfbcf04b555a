"""The ``redline`` command: global options, error handling, and the command groups."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from redline import __version__
from redline.cli import (
    commands_crawl,
    commands_notify,
    commands_ops,
    commands_read,
    commands_sources,
    commands_web,
)
from redline.cli.env import Env, err, setup_logging
from redline.errors import RedlineError

app = typer.Typer(
    name="redline",
    help="Track how news articles change after publication.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"redline {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path,
        typer.Option("--data-dir", envvar="REDLINE_DATA_DIR", help="Where Redline keeps its data."),
    ] = Path("redline-data"),
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="REDLINE_DATABASE_URL",
            help="sqlite:///PATH or postgresql://USER@HOST/DB (default: SQLite in the data dir).",
        ),
    ] = None,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log output (-vv: debug).")
    ] = 0,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    setup_logging(verbose)
    env = Env(data_dir=data_dir, database_url=database_url or None, verbose=verbose)
    ctx.obj = env
    ctx.call_on_close(env.close)


@app.command()
def init(ctx: typer.Context) -> None:
    """Create or migrate the database."""
    env: Env = ctx.obj
    env.store()
    print(f"database ready: {env.url if '@' not in env.url else env.url.split('@')[-1]}")


commands_sources.register(app)
commands_crawl.register(app)
commands_read.register(app)
commands_ops.register(app)
commands_web.register(app)
commands_notify.register(app)


def main(argv: list[str] | None = None) -> None:
    """Console entry point. Usage errors are Click's (exit 2); a RedlineError becomes one line
    on stderr and exit code 1; nothing a user can cause prints a traceback."""
    try:
        app(args=argv, prog_name="redline")
    except RedlineError as exc:
        err.print("[bold red]error:[/] " + escape(str(exc)), highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        os._exit(0)
