"""Summaries of a data package: name, version and row counts."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sticoop.descriptor import load_package


@dataclass(frozen=True)
class PackageSummary:
    name: str
    version: str
    title: str
    descriptor_path: Path
    row_counts: dict[str, int | None]


def count_rows(path: Path) -> int | None:
    """Data rows of a CSV (records after the header), or None when the file is missing."""
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        return max(sum(1 for _ in csv.reader(fh)) - 1, 0)


def package_info(path: str | Path | None = None) -> PackageSummary:
    """Name, version and per-table row counts of the package at PATH."""
    pkg = load_package(path)
    counts = {r.name: count_rows(pkg.csv_path(r.name)) for r in pkg.resources}
    return PackageSummary(pkg.name, pkg.version, pkg.title, pkg.descriptor_path, counts)
