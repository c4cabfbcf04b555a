"""The ``redline`` command: global options, error handling, and the command groups."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from redline import __version__
from redline.cli import (
    commands_archive,
    commands_config,
    commands_crawl,
    commands_notify,
    commands_ops,
    commands_read,
    commands_sources,
    commands_web,
)
from redline.cli.env import Env, err, setup_logging
from redline.errors import RedlineError
from redline.settings import CONFIG_ENV, load_settings

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


def _readable_help() -> None:
    """Parameter types in --help as a user reads them: nothing after a flag (typer shows
    `<bool>`, as if it took a value) and the item type of a repeatable one, not `<list[str]>`."""
    from typer.core import TyperArgument, TyperOption

    for cls in (TyperOption, TyperArgument):
        typed = cls.display_type_rich
        if getattr(typed, "redline", False):
            continue

        def display_type_rich(self: Any, ctx: Any, typed: Any = typed) -> str | None:
            if self.metavar is None and (
                getattr(self, "is_flag", False) or getattr(self, "count", False)
            ):
                return None
            shown = typed(self, ctx)
            return re.sub(r"<list\[(.*)\]>", r"<\1>", shown) if shown else shown

        display_type_rich.redline = True  # type: ignore[attr-defined]
        cls.display_type_rich = display_type_rich  # type: ignore[method-assign]


_readable_help()


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help=f"TOML settings file (env {CONFIG_ENV}); see `redline config show`.",
            show_default=False,
        ),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Where Redline keeps its data (env REDLINE_DATA_DIR; default ./redline-data).",
            show_default=False,
        ),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="sqlite:///PATH or postgresql://USER@HOST/DB (env REDLINE_DATABASE_URL; "
            "default: SQLite in the data dir).",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            help="Logs: -v one line per fetch, -vv discovery details and debug.",
            show_default=False,
        ),
    ] = 0,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    setup_logging(verbose)
    given: dict[str, Any] = {}
    if data_dir is not None:
        given["data_dir"] = data_dir
    if database_url:
        given["database_url"] = database_url
    env = Env(load_settings(config, given), given, verbose=verbose)
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
commands_config.register(app)
commands_archive.register(app)
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
