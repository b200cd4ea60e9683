"""``sticoop generate``: rewrite the files derived from the descriptor and rule registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def generate(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(
            help="datapackage.json or its directory [default: current directory]",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Only report stale files; exit 1 if any.")
    ] = False,
) -> None:
    """Regenerate docs/cli.md, docs/codebook.md, docs/error-codes.md and load.sql."""
    from sticoop.cli.reference import cli_generated
    from sticoop.errors import Verdict
    from sticoop.generate import generate as run

    whole_app = ctx.obj.build_app()  # CliContext, given by sticoop.cli.app.main
    stale = run(path, check=check, extra=cli_generated(whole_app))
    verb = "stale" if check else "written"
    for rel in stale:
        typer.echo(f"{verb}: {rel}")
    if not stale:
        typer.echo("generated files are up to date")
    if check and stale:
        raise Verdict(
            f"{len(stale)} generated file(s) out of date",
            code="stale-generated",
            hint="run 'sticoop generate' to update them",
        )
