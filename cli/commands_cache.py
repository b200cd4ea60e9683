"""``sticoop cache``: list or clear the downloaded releases kept in the user cache."""

from __future__ import annotations

import typer


def _size(n: int) -> str:
    """N bytes for people: 812 B, 19.6 KiB, 1.2 MiB."""
    if n < 1024:
        return f"{n} B"
    value, units = n / 1024, ["KiB", "MiB", "GiB"]
    while value >= 1024 and len(units) > 1:
        value, units = value / 1024, units[1:]
    return f"{value:.1f} {units[0]}"


def cache_list() -> None:
    """List the cached files with their sizes, by package and version, and the total."""
    from sticoop.release.cache import list_cache, user_cache_dir

    root = user_cache_dir()
    files = list_cache(root)
    typer.echo(f"cache: {root}")
    for item in files:
        note = " (unfinished download)" if item.partial else ""
        typer.echo(f"{item.name} {item.version}  {item.path.name}  {_size(item.size)}{note}")
    total = sum(item.size for item in files)
    typer.echo(f"{len(files)} file(s), {_size(total)}")


def cache_clear() -> None:
    """Delete every cached release (files of the cache's layout only; nothing else)."""
    from sticoop.release.cache import clear_cache, user_cache_dir

    root = user_cache_dir()
    removed = clear_cache(root)
    total = sum(item.size for item in removed)
    typer.echo(f"removed {len(removed)} file(s), {_size(total)}, from {root}")
