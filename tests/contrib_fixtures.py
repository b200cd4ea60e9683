"""Fixture packages for the contributor-workflow tests, built from the bundled dataset."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from sticoop.descriptor import ForeignKey, Package, Resource, bundled_descriptor, load_package

Rows = list[dict[str, str]]


def small_package(dest: Path) -> Path:
    """Copy the bundled descriptor and a closed subset of its rows into DEST.

    The subset starts from the first agreement and grows to a fixed point: every row a kept
    row references (foreign keys), and every link-table row whose first key column points at a
    kept row (an agreement's parties, sectors and sources, an event's ...). The result is as
    valid as the bundled dataset, only much smaller.
    """
    pkg = load_package(bundled_descriptor())
    tables = {res.name: _read(pkg.csv_path(res.name)) for res in pkg.resources}
    keep: dict[str, set[int]] = {name: set() for name in tables}
    if tables.get("agreements"):
        keep["agreements"].add(0)
    while _grow(pkg, tables, keep):
        pass
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pkg.descriptor_path, dest / "datapackage.json")
    for res in pkg.resources:
        rows = [row for i, row in enumerate(tables[res.name]) if i in keep[res.name]]
        _write(dest / res.path, res, rows)
    return dest


def _read(path: Path) -> Rows:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, res: Resource, rows: Rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=res.field_names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def _grow(pkg: Package, tables: dict[str, Rows], keep: dict[str, set[int]]) -> bool:
    """One closure step; True when a row was added."""
    before = sum(map(len, keep.values()))
    for res in pkg.resources:
        for fk in res.foreign_keys:
            for i in list(keep[res.name]):
                values = [tables[res.name][i][c] for c in fk.fields]
                if all(values):
                    keep[fk.resource] |= _matching(tables[fk.resource], fk.ref_fields, values)
        fk = _owner_key(res)
        if fk is not None:
            owned = {
                tuple(tables[fk.resource][j][c] for c in fk.ref_fields) for j in keep[fk.resource]
            }
            for i, row in enumerate(tables[res.name]):
                if tuple(row[c] for c in fk.fields) in owned:
                    keep[res.name].add(i)
    return sum(map(len, keep.values())) > before


def _owner_key(res: Resource) -> ForeignKey | None:
    """For a link table (two or more key columns are foreign keys), the foreign key on its
    first key column; None for other tables."""
    fk_columns = {c for fk in res.foreign_keys for c in fk.fields}
    if len(set(res.primary_key) & fk_columns) < 2:
        return None
    return next((fk for fk in res.foreign_keys if fk.fields[0] == res.primary_key[0]), None)


def _matching(rows: Rows, columns: tuple[str, ...], values: list[str]) -> set[int]:
    return {i for i, row in enumerate(rows) if [row[c] for c in columns] == values}
