"""The typer application and the one place where library errors become CLI output."""

from __future__ import annotations

import sys

import typer

from sticoop.errors import SticoopError

app = typer.Typer(
    name="sticoop",
    help="Vietnam science, technology and innovation cooperation: dataset toolkit.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        from sticoop import __version__

        typer.echo(f"sticoop {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Vietnam science, technology and innovation cooperation: dataset toolkit.

    Validate, query, diff and release the dataset. Run 'sticoop COMMAND --help' for details.
    """


def _register_commands() -> None:
    # Each module adds its commands to ``app``; importing them is cheap (no heavy imports).
    from sticoop.cli import (  # noqa: F401
        commands_cache,
        commands_contribute,
        commands_diff,
        commands_download,
        commands_fmt,
        commands_generate,
        commands_info,
        commands_release,
        commands_site,
        commands_sql,
        commands_validate,
    )


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app; library errors become a message and exit code.

    Typer handles usage errors itself (exit 2); a command signals invalid data with
    ``typer.Exit(1)``.
    """
    _register_commands()
    try:
        app(args=argv, prog_name="sticoop")
    except SticoopError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        if exc.hint:
            typer.echo(f"hint: {exc.hint}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
