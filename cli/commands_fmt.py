"""``sticoop fmt``: rewrite the dataset's CSV files in canonical form (or check that they are)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sticoop.cli.app import app

PathArg = Annotated[
    Path | None,
    typer.Argument(
        help="datapackage.json or a directory holding one [default: the current directory; "
        "unlike read-only commands, fmt never falls back to the installed dataset]",
        show_default=False,
    ),
]
CheckOpt = Annotated[
    bool,
    typer.Option("--check", help="Change nothing; list the files that would change, exit 1."),
]


@app.command()
def fmt(path: PathArg = None, check: CheckOpt = False) -> None:
    """Rewrite CSV files in canonical form: UTF-8, NFC, LF, descriptor column order, sorted rows.

    Repairs a BOM, CRLF/CR line endings, stray whitespace, column order, row order and blank
    lines. Refuses (leaving the file untouched, exit 1) anything it cannot read safely: other
    encodings, broken quoting, unknown or missing columns, rows with the wrong number of cells.
    """
    from sticoop.canonical import FormatProblems, display_path, format_files
    from sticoop.descriptor import load_package

    result = format_files(load_package(Path.cwd() if path is None else path), check=check)
    verb = "would reformat" if check else "reformatted"
    for changed in result.changed:
        typer.echo(f"{verb} {display_path(changed)}")
    if result.problems:
        raise FormatProblems(result.problems, result.changed)
    if check and result.changed:
        raise typer.Exit(1)
    if not result.changed:
        typer.echo("all files already in canonical form")
