"""``sticoop diff``: records and schema changed between two versions of the package."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sticoop.diff.render import FORMATS

Version = Annotated[
    Path,
    typer.Argument(
        help="A package directory, datapackage.json, release zip or dist/<name>-<version>/ folder.",
        show_default=False,
    ),
]


def diff(
    old: Version,
    new: Version,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}.")
    ] = "text",
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=0,
            help="Records listed per table and kind of change; all are counted "
            "[default: 20 for text and markdown, all for json].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Show records added, removed and changed (with the changed fields) per table, schema
    changes, and retired ids with their replacements. Exits 0 whatever the changes; 1 when a
    CSV does not parse or a resource is not a regular file inside its package (FIFO, device,
    directory, link out); 8 for an unsafe zip (checked before anything is unpacked)."""
    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    from sticoop.diff import diff_paths
    from sticoop.diff.render import RENDERERS

    if limit is None:
        limit = None if fmt == "json" else 20
    result = diff_paths(old, new, limit=limit)
    typer.echo(RENDERERS[fmt](result), nl=False)
