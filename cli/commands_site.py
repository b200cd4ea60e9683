"""``sticoop site build``: a static website of the dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sticoop.cli.options import PathArg


def build(
    path: PathArg = None,
    dest: Annotated[
        Path,
        typer.Option(
            "--dest",
            "-d",
            help="Folder to write the site into (new, empty, or an "
            "earlier site, which is replaced).",
        ),
    ] = Path("site"),
) -> None:
    """Build a static site (plain files, no external asset; opens from file://): home with
    charts, a page per event, agreement, party, sector and partner, searchable tables, the
    codebook and the changelog. Dates shown follow SOURCE_DATE_EPOCH when it is set.

    Exit status: 0 built, 2 usage or environment error (unreadable package, DEST not free).
    """
    from sticoop.site import build_site

    result = build_site(path, dest)
    typer.echo(f"site: {result.pages:,} pages in {result.dest} ({result.seconds:.1f}s)")
