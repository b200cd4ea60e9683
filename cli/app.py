"""The typer application: every command registered in one place, and the one place where
library errors become CLI output (``main``).

Command modules (``commands_*.py``) hold plain functions with typer annotations; they never
import this module. Their heavy imports happen inside the functions.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import typer

from sticoop.errors import Interrupted, SticoopError

HELP = "Vietnam science, technology and innovation cooperation: dataset toolkit."


def _show_version(value: bool) -> None:
    if value:
        from sticoop import __version__

        typer.echo(f"sticoop {__version__}")
        raise typer.Exit()


def root(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Vietnam science, technology and innovation cooperation: dataset toolkit.

    Validate, query, diff and release the dataset. Run 'sticoop COMMAND --help' for details.
    """


# The top-level commands, in the order ``sticoop --help`` lists them: name, module of
# ``sticoop.cli``, function.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("new", "commands_contribute", "new"),
    ("add", "commands_contribute", "add"),
    ("diff", "commands_diff", "diff"),
    ("download", "commands_download", "download"),
    ("fmt", "commands_fmt", "fmt"),
    ("generate", "commands_generate", "generate"),
    ("info", "commands_info", "info"),
    ("sql", "commands_sql", "sql_command"),
    ("validate", "commands_validate", "validate"),
)
# The command groups: name, typer settings, subcommands (name, module, function).
GROUPS: tuple[tuple[str, dict[str, Any], tuple[tuple[str, str, str], ...]], ...] = (
    (
        "cache",
        {
            "help": "List or clear the releases 'sticoop download' keeps (STICOOP_CACHE_DIR "
            "overrides the folder)."
        },
        (("list", "commands_cache", "cache_list"), ("clear", "commands_cache", "cache_clear")),
    ),
    (
        "release",
        {"help": "Check, build and index versioned releases of the dataset (see RELEASING.md)."},
        (
            ("check", "commands_release", "check"),
            ("build", "commands_release", "build"),
            ("changelog", "commands_release", "changelog"),
            ("index", "commands_release", "index"),
        ),
    ),
    (
        "site",
        {"help": "Build a static website of the dataset.", "rich_markup_mode": None},
        (("build", "commands_site", "build"),),
    ),
    (
        "query",
        {"help": "Named queries shipped with sticoop: list them, show their SQL, run them."},
        (
            ("list", "commands_sql", "list_command"),
            ("show", "commands_sql", "show_command"),
            ("run", "commands_sql", "run_command"),
        ),
    ),
)
NAMES = frozenset(name for name, *_ in (*COMMANDS, *GROUPS))


def _function(module: str, name: str) -> Callable[..., Any]:
    return getattr(importlib.import_module(f"sticoop.cli.{module}"), name)


def build_app(only: str | None = None) -> typer.Typer:
    """The ``sticoop`` application; with ONLY (a command or group name), that one alone is
    registered and its module alone imported (start-up time: typer inspects the signature of
    every registered command when it runs)."""
    app = typer.Typer(
        name="sticoop",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root)
    for name, module, function in COMMANDS:
        if only in (None, name):
            app.command(name)(_function(module, function))
    for name, settings, subcommands in GROUPS:
        if only not in (None, name):
            continue
        group = typer.Typer(name=name, no_args_is_help=True, **settings)
        for sub, module, function in subcommands:
            group.command(sub)(_function(module, function))
        app.add_typer(group, name=name)
    return app


@dataclass(frozen=True)
class CliContext:
    """What a command may need of the application (typer's ``ctx.obj``): BUILD_APP gives
    the whole application (``generate`` documents every command in docs/cli.md)."""

    build_app: Callable[[], typer.Typer]


def report_error(exc: SticoopError) -> None:
    """Print a library error as ``error[CODE]: message`` (and its hint) on stderr; an
    interruption as ``interrupted: what was left``; a verdict already reported, not at all."""
    if isinstance(exc, Interrupted):
        typer.echo(f"interrupted: {exc.message}" if exc.message else "interrupted", err=True)
    elif exc.message:
        typer.echo(f"error[{exc.code}]: {exc.message}", err=True)
    if exc.hint:
        typer.echo(f"hint: {exc.hint}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app; every non-zero exit is decided here.

    Typer handles usage errors itself (exit 2); a command's verdict (invalid data, stale
    files) and every library failure is a ``SticoopError`` whose ``exit_code`` is returned.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    only = args[0] if args and args[0] in NAMES else None
    try:
        build_app(only)(args=args, prog_name="sticoop", obj=CliContext(build_app))
    except SticoopError as exc:
        report_error(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
