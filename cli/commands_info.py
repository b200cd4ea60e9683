"""``sticoop info``: what dataset this is and how many rows each table holds."""

from __future__ import annotations

import typer

from sticoop.cli.options import PathArg


def info(path: PathArg = None) -> None:
    """Show the dataset's name, version, location and per-table row counts."""
    from sticoop.info import package_info
    from sticoop.safefiles import check_given_path

    if path is not None:
        check_given_path(path)
    summary = package_info(path)
    typer.echo(f"{summary.name} {summary.version}")
    typer.echo(summary.title)
    typer.echo(f"descriptor: {summary.descriptor_path}")
    width = max(len(name) for name in summary.row_counts)
    for name, count in summary.row_counts.items():
        shown = summary.unreadable.get(name, "missing") if count is None else f"{count:>8,}"
        typer.echo(f"  {name:<{width}}  {shown}")
