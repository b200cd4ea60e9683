"""Helpers for the release, diff and download tests: fixture packages copied from the bundled
dataset into temporary folders, and small edits to their descriptor and CSVs."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

from sticoop.descriptor import bundled_descriptor

Row = dict[str, str]


FIXTURE_VERSION = "0.1.0"  # the release tests' starting version, whatever the dataset's is


def copy_bundled(dest: Path) -> Path:
    """Copy the bundled datapackage.json and resources/ into DEST, at version
    ``FIXTURE_VERSION`` (so the release tests do not change with each dataset release);
    return DEST."""
    source = bundled_descriptor().parent
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(source / "resources", dest / "resources")
    set_version(dest, FIXTURE_VERSION)
    return dest


def load_descriptor(root: Path) -> dict:
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))


def save_descriptor(root: Path, descriptor: dict) -> None:
    text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    (root / "datapackage.json").write_text(text, encoding="utf-8")


def set_version(root: Path, version: str) -> None:
    descriptor = load_descriptor(root)
    descriptor["version"] = version
    save_descriptor(root, descriptor)


def resource(descriptor: dict, table: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == table)


def read_rows(root: Path, table: str) -> tuple[list[str], list[Row]]:
    with (root / "resources" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_rows(root: Path, table: str, header: list[str], rows: list[Row]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (root / "resources" / f"{table}.csv").write_text(buf.getvalue(), encoding="utf-8")


def edit_rows(root: Path, table: str, edit: Callable[[list[Row]], list[Row]]) -> None:
    header, rows = read_rows(root, table)
    write_rows(root, table, header, edit(rows))


def drop_column(root: Path, table: str, column: str) -> None:
    """Remove COLUMN from TABLE's schema and CSV."""
    descriptor = load_descriptor(root)
    res = resource(descriptor, table)
    res["schema"]["fields"] = [f for f in res["schema"]["fields"] if f["name"] != column]
    save_descriptor(root, descriptor)
    header, rows = read_rows(root, table)
    for row in rows:
        row.pop(column)
    write_rows(root, table, [h for h in header if h != column], rows)


def add_column(root: Path, table: str, column: str, value: str = "") -> None:
    """Append an optional string COLUMN to TABLE, filled with VALUE."""
    descriptor = load_descriptor(root)
    resource(descriptor, table)["schema"]["fields"].append({"name": column, "type": "string"})
    save_descriptor(root, descriptor)
    header, rows = read_rows(root, table)
    for row in rows:
        row[column] = value
    write_rows(root, table, [*header, column], rows)


def field(descriptor: dict, table: str, column: str) -> dict:
    return next(f for f in resource(descriptor, table)["schema"]["fields"] if f["name"] == column)
