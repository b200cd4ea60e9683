"""``sticoop validate``: check a data package and report every problem."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from sticoop.cli.options import PathArg
from sticoop.descriptor import PROFILES
from sticoop.validators.report import FORMATS


def _progress_printer() -> Callable[[str], None] | None:
    """Stage lines on stderr, only when a person watches a terminal (never in pipes or CI)."""
    import sys
    import time

    if not sys.stderr.isatty():
        return None
    start = time.monotonic()
    return lambda message: typer.echo(f"{time.monotonic() - start:6.1f}s  {message}", err=True)


def validate(
    path: PathArg = None,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}."),
    ] = "text",
    max_errors: Annotated[
        int | None,
        typer.Option("--max-errors", min=0, help="List at most N findings (all are counted)."),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            help="spec: exactly the Frictionless specs; house: also our data model's rules. "
            "Default: what the descriptor opts into (spec unless it says otherwise).",
        ),
    ] = None,
) -> None:
    """Validate a data package: files, cells, keys and the rules across tables.

    Exit status: 0 valid, 1 invalid data, 2 usage or environment error.
    """
    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    if profile is not None and profile not in PROFILES:
        raise typer.BadParameter(f"choose one of {', '.join(PROFILES)}", param_hint="--profile")
    from sticoop.errors import Verdict
    from sticoop.validators.engine import validate as run
    from sticoop.validators.report import render

    report = run(path, progress=_progress_printer(), profile=profile)
    typer.echo(render(report, fmt, max_errors=max_errors, strict=strict))
    if not report.passed(strict):
        raise Verdict()  # the report above says why
