"""``sticoop generate``: rewrite the files derived from the descriptor and rule registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sticoop.cli.app import app


@app.command()
def generate(
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
    from sticoop.generate import generate as run

    stale = run(path, check=check)
    verb = "stale" if check else "written"
    for rel in stale:
        typer.echo(f"{verb}: {rel}")
    if not stale:
        typer.echo("generated files are up to date")
    if check and stale:
        typer.echo("run 'sticoop generate' to update them", err=True)
        raise typer.Exit(1)
