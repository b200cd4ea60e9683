"""``sticoop new`` and ``sticoop add``: write records as YAML, add them as rows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

KINDS = ("event", "agreement")


def new(
    kind: Annotated[str, typer.Argument(help="What to record: event or agreement.")],
) -> None:
    """Print a commented YAML template for a contribution file (save it, fill it in).

    'event' gives an event with its agreements, new parties and sources; 'agreement' gives
    agreements with no event of their own. Then run 'sticoop add --dry-run FILE.yaml'.
    """
    if kind not in KINDS:
        raise typer.BadParameter(f"choose one of {', '.join(KINDS)}", param_hint="KIND")
    from sticoop.contribute import template

    typer.echo(template(kind), nl=False)


def add(
    files: Annotated[
        list[Path], typer.Argument(help="Contribution files (YAML), added in this order.")
    ],
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", "-n", help="Write nothing; print the rows as a unified diff."),
    ] = False,
    package: Annotated[
        Path | None,
        typer.Option(
            "--package",
            "-p",
            help="datapackage.json or a directory holding one [default: the current directory]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Add the records of contribution files to the dataset's CSV files.

    Each file holds one event (with its agreements) or agreements alone, plus the new parties
    and sources they need (format: docs/contributing-records.md; template: 'sticoop new').
    Missing ids are proposed from the data model's conventions. Parties, sources and events
    that look already recorded are refused with the existing id. The whole package is
    validated with the new rows first; then every changed table is rewritten in canonical
    order, all or none. Exit status: 0 added, 1 refused (nothing written), 2 usage error.
    """
    from sticoop.contribute import add_files

    result = add_files(package, files, dry_run=dry_run)
    if dry_run:
        typer.echo(result.diff, nl=False)
    for line in result.warnings:
        typer.echo(f"warning: {line}", err=True)
    for table, id_ in result.referenced:
        typer.echo(f"already recorded, used as is: {table} {id_}", err=True)
    verb = "would add" if dry_run else "added"
    if not result.rows:
        typer.echo("nothing to add: every record is already recorded", err=True)
        return
    for table, ids in result.added.items():
        for id_ in ids:
            typer.echo(f"{verb} {table}: {id_}", err=True)
    counts = ", ".join(f"{n} {t}" for t, n in result.rows.items())
    typer.echo(f"{verb} {sum(result.rows.values())} rows ({counts})", err=True)
