"""``sticoop fmt``: rewrite the dataset's CSV files in canonical form (or check that they are)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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


def fmt(path: PathArg = None, check: CheckOpt = False) -> None:
    """Rewrite CSV files in canonical form: UTF-8, NFC, LF, descriptor column order, sorted rows.

    Repairs a BOM, CRLF/CR line endings, stray whitespace (what validate reports as
    'whitespace'), column order, row order and blank lines. Refuses (leaving the file
    untouched, exit 1) anything it cannot read safely: other encodings, broken quoting,
    unknown or missing columns, rows with the wrong number of cells. A broken descriptor
    (e.g. a column described twice) or a resource that is a FIFO, device, directory or link
    out of the package stops it before any file is changed (exit 1). Ctrl-C or SIGTERM stops
    it (exit 130) without leaving temporary files; those of a killed run are removed.
    """
    from sticoop.canonical import format_package
    from sticoop.descriptor import load_package
    from sticoop.errors import Interrupted, Verdict
    from sticoop.interrupts import sigterm_as_interrupt
    from sticoop.safefiles import check_given_path, display_path

    check_given_path(Path.cwd() if path is None else path)
    verb = "would reformat" if check else "reformatted"
    try:
        with sigterm_as_interrupt():
            changed = format_package(
                load_package(path, writable=True),
                check=check,
                on_change=lambda file: typer.echo(f"{verb} {display_path(file)}"),
            )
    except KeyboardInterrupt:
        raise Interrupted("files not yet rewritten are unchanged") from None
    if check and changed:
        raise Verdict(code="not-canonical")
    if not changed:
        typer.echo("all files already in canonical form")
