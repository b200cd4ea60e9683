"""Summaries of a data package: name, version and row counts."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from sticoop.descriptor import load_package


@dataclass(frozen=True)
class PackageSummary:
    name: str
    version: str
    title: str
    descriptor_path: Path
    row_counts: dict[str, int | None]
    # tables whose file cannot be counted: what it is instead ("missing", "a FIFO ...")
    unreadable: dict[str, str] = field(default_factory=dict)


def count_rows(path: Path) -> int | None:
    """Data rows of a CSV (records after the header), or None when the file is missing."""
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        return max(sum(1 for _ in csv.reader(fh)) - 1, 0)


def count_parquet_rows(path: Path) -> int | None:
    """Rows of a Parquet file (from its footer), or None when it is not a readable Parquet."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except (pa.ArrowException, OSError):
        return None


def package_info(path: str | Path | None = None) -> PackageSummary:
    """Name, version and per-table row counts of the package at PATH. A file that is not a
    regular file inside the package (FIFO, device, directory, link out) is not opened: its
    count is None and ``unreadable`` says what it is."""
    from sticoop.safefiles import FileKind, inspect_resource

    pkg = load_package(path)
    counts: dict[str, int | None] = {}
    unreadable: dict[str, str] = {}
    for res in pkg.resources:
        kind = inspect_resource(pkg.root, res.path)
        if kind is FileKind.FILE:
            path = pkg.csv_path(res.name)
            counts[res.name] = (
                count_parquet_rows(path) if res.format == "parquet" else count_rows(path)
            )
        else:
            counts[res.name] = None
            unreadable[res.name] = kind.value
    return PackageSummary(pkg.name, pkg.version, pkg.title, pkg.descriptor_path, counts, unreadable)
