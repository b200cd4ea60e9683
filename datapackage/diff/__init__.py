"""Differences between two versions of the package: schema, records and retired ids.

``diff_packages`` is what ``sticoop diff``, ``sticoop release check`` and the release build
share. Record differences come from ``sticoop.diff.tables`` (DuckDB joins on keys).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sticoop.descriptor import Package
from sticoop.diff.schema import SchemaChange, compare_schemas
from sticoop.diff.tables import ADDED, CHANGES, DiffEngine, RecordChange, TablePair
from sticoop.semver import NONE, PATCH, max_level

RETIRED_TABLE = "retired_ids"


@dataclass(frozen=True)
class RetiredId:
    """An id retired since the old version, with what replaces it."""

    table: str
    retired_id: str
    replaced_by: str | None
    version: str | None
    reason: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "retired_id": self.retired_id,
            "replaced_by_id": self.replaced_by,
            "retired_in_version": self.version,
            "reason": self.reason,
        }


@dataclass
class TableDiff:
    """Counts for one table, and up to ``limit`` records of each kind of change."""

    table: str
    key: list[str]
    old_rows: int
    new_rows: int
    counts: dict[str, int]
    records: dict[str, list[RecordChange]] = field(default_factory=dict)

    @property
    def changed_any(self) -> bool:
        return any(self.counts.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "key": self.key,
            "old_rows": self.old_rows,
            "new_rows": self.new_rows,
            **{c: self.counts[c] for c in CHANGES},
            "records": {c: [r.to_dict() for r in self.records.get(c, [])] for c in CHANGES},
        }


@dataclass
class PackageDiff:
    """Everything that differs between an old and a new version of a package."""

    name: str
    old_version: str | None
    new_version: str
    schema_changes: list[SchemaChange]
    tables: list[TableDiff]
    retired: list[RetiredId]

    @property
    def records_changed(self) -> bool:
        return any(t.changed_any for t in self.tables)

    @property
    def required_level(self) -> str:
        """The smallest version bump these changes need (none, patch, minor or major)."""
        levels = [c.level for c in self.schema_changes]
        return max_level(levels + ([PATCH] if self.records_changed else [NONE]))

    def replacement(self, table: str, record_id: str) -> RetiredId | None:
        """The retirement entry of RECORD_ID in TABLE, if it was retired in this diff."""
        for r in self.retired:
            if r.table == table and r.retired_id == record_id:
                return r
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "required_level": self.required_level,
            "schema_changes": [c.to_dict() for c in self.schema_changes],
            "retired_ids": [r.to_dict() for r in self.retired],
            "tables": [t.to_dict() for t in self.tables],
        }


def _table_diff(engine: DiffEngine, pair: TablePair, limit: int | None) -> TableDiff:
    records = {}
    if limit != 0:
        records = {c: engine.records(pair.name, c, limit) for c in CHANGES if pair.counts[c]}
    return TableDiff(pair.name, pair.key, pair.old_rows, pair.new_rows, pair.counts, records)


def _retired(engine: DiffEngine, new: Package) -> list[RetiredId]:
    if RETIRED_TABLE not in new.resource_names:
        return []
    out = []
    for rec in engine.records(RETIRED_TABLE, ADDED):
        row = rec.new or {}
        out.append(
            RetiredId(
                table=row.get("table_name") or "",
                retired_id=row.get("retired_id") or "",
                replaced_by=row.get("replaced_by_id"),
                version=row.get("retired_in_version"),
                reason=row.get("reason"),
            )
        )
    return out


def summarize(
    engine: DiffEngine, old: Package | None, new: Package, limit: int | None = None
) -> PackageDiff:
    """The PackageDiff of an open DiffEngine (see ``diff_packages`` for LIMIT)."""
    return PackageDiff(
        name=new.name,
        old_version=old.version if old else None,
        new_version=new.version,
        schema_changes=compare_schemas(old, new) if old else [],
        tables=[_table_diff(engine, pair, limit) for pair in engine.pairs],
        retired=_retired(engine, new),
    )


def diff_packages(old: Package | None, new: Package, limit: int | None = None) -> PackageDiff:
    """Diff OLD against NEW (OLD None: a first release, every record added).

    LIMIT bounds the records kept per table and kind of change (None: all, 0: counts only).
    """
    with DiffEngine(old, new) as engine:
        return summarize(engine, old, new, limit)


def diff_paths(old: str | Path, new: str | Path, limit: int | None = None) -> PackageDiff:
    """Diff two packages given as directories, ``datapackage.json`` files or release zips.

    Zips are checked (``check_zip``) before anything is unpacked; a descriptor given on the
    command line must be a regular file (a FIFO would block the read).
    """
    from sticoop.package_source import opened_package

    for path in (Path(old), Path(new)):
        _check_source(path)
    with opened_package(old) as old_pkg, opened_package(new) as new_pkg:
        return diff_packages(old_pkg, new_pkg, limit)


def _check_source(path: Path) -> None:
    """Refuse special files (FIFO, device, ...) and check zips, before anything is read."""
    from sticoop.descriptor import DESCRIPTOR_NAME
    from sticoop.release_layout import csv_zip_in
    from sticoop.safefiles import FileKind, UnreadableResource, inspect_path, require_regular

    kind = inspect_path(path, path.parent)
    if kind is FileKind.DIRECTORY:
        descriptor = path / DESCRIPTOR_NAME
        if descriptor.exists() or descriptor.is_symlink():
            require_regular(descriptor)
            return
        archive = csv_zip_in(path)
        if archive is not None:
            check_zip(archive)
        return
    if kind is FileKind.MISSING:
        return  # opened_package names it
    if kind is not FileKind.FILE:
        raise UnreadableResource(str(path), kind)
    if path.suffix.lower() == ".zip":
        check_zip(path)


def check_zip(archive: Path, max_size: int | None = None) -> None:
    """Check a release zip without unpacking it: ``safezip.check_zip`` (safe member names and
    types, no zip bomb, a total size within MAX_SIZE, default: what ``opened_package``
    allows), then the free space of the temporary folder and a ``datapackage.json``. Raises
    ``UnsafeArchive`` (exit 8) or ``UsageError``."""
    import shutil
    import tempfile

    from sticoop import safezip
    from sticoop.errors import UnsafeArchive, UsageError
    from sticoop.package_source import MAX_PREVIOUS_SIZE

    members = safezip.check_zip(archive, MAX_PREVIOUS_SIZE if max_size is None else max_size)
    total = sum(info.file_size for info in members)
    free = shutil.disk_usage(tempfile.gettempdir()).free
    if total > free:
        raise UnsafeArchive(
            f"{archive}: unpacks to {total:,} bytes, more than the {free:,} free in "
            f"{tempfile.gettempdir()}"
        )
    names = [info.filename for info in members]
    if not any(n == "datapackage.json" or n.endswith("/datapackage.json") for n in names):
        raise UsageError(f"{archive}: archive holds no datapackage.json")
