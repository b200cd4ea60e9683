"""Compare two descriptors and classify every schema change as major, minor or patch.

MAJOR: a table, column or vocabulary value removed or renamed, a type, key, file path, column
order or licence changed. MINOR: a table, column or vocabulary value added, a constraint or a
foreign key changed. PATCH: titles and descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sticoop.descriptor import Field, Package, Resource
from sticoop.semver import MAJOR, MINOR, PATCH

_CONSTRAINTS = ("required", "pattern", "minimum", "maximum", "max_length", "format")
_DOC_KEYS = ("title", "description", "keywords", "sources", "contributors", "homepage")


@dataclass(frozen=True)
class SchemaChange:
    """One difference between two descriptors."""

    level: str
    table: str  # "" for package-level metadata
    column: str  # "" for table-level changes
    message: str

    def to_dict(self) -> dict[str, str]:
        return {
            "level": self.level,
            "table": self.table,
            "column": self.column,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = ".".join(p for p in (self.table, self.column) if p) or "package"
        return f"{where}: {self.message}"


def compare_schemas(old: Package, new: Package) -> list[SchemaChange]:
    """Every schema change from OLD to NEW: package metadata, then tables in NEW's order."""
    changes = _package_changes(old.raw, new.raw)
    old_names, new_names = set(old.resource_names), set(new.resource_names)
    for name in old.resource_names:
        if name not in new_names:
            changes.append(SchemaChange(MAJOR, name, "", "table removed"))
    for res in new.resources:
        if res.name not in old_names:
            changes.append(SchemaChange(MINOR, res.name, "", "table added"))
        else:
            changes.extend(_table_changes(old, new, old.resource(res.name), res))
    return changes


def _package_changes(old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    out = []
    if old.get("name") != new.get("name"):
        out.append(
            SchemaChange(
                MAJOR, "", "", f"package renamed {old.get('name')!r} -> {new.get('name')!r}"
            )
        )
    if old.get("licenses") != new.get("licenses"):
        out.append(SchemaChange(MAJOR, "", "", "licence changed"))
    for key in _DOC_KEYS:
        if old.get(key) != new.get(key):
            out.append(SchemaChange(PATCH, "", "", f"{key} changed"))
    return out


def _raw_resource(pkg: Package, name: str) -> dict[str, Any]:
    for raw in pkg.raw.get("resources", []):
        if isinstance(raw, dict) and raw.get("name") == name:
            return raw
    return {}


def _table_changes(
    old_pkg: Package, new_pkg: Package, old: Resource, new: Resource
) -> list[SchemaChange]:
    t = new.name
    out = []
    if old.path != new.path:
        out.append(SchemaChange(MAJOR, t, "", f"file moved {old.path} -> {new.path}"))
    if old.primary_key != new.primary_key:
        out.append(
            SchemaChange(
                MAJOR, t, "", f"primary key {list(old.primary_key)} -> {list(new.primary_key)}"
            )
        )
    old_raw, new_raw = _raw_resource(old_pkg, t), _raw_resource(new_pkg, t)
    for key in ("dialect", "encoding", "format"):
        if old_raw.get(key) != new_raw.get(key):
            out.append(SchemaChange(MAJOR, t, "", f"{key} changed"))
    old_missing = (old_raw.get("schema") or {}).get("missingValues")
    if old_missing != (new_raw.get("schema") or {}).get("missingValues"):
        out.append(SchemaChange(MAJOR, t, "", "missingValues changed"))
    for fk in sorted(set(old.foreign_keys) - set(new.foreign_keys), key=repr):
        out.append(SchemaChange(MINOR, t, "", f"foreign key {list(fk.fields)} removed"))
    for fk in sorted(set(new.foreign_keys) - set(old.foreign_keys), key=repr):
        out.append(
            SchemaChange(MINOR, t, "", f"foreign key {list(fk.fields)} -> {fk.resource} added")
        )
    for key in ("title", "description"):
        if getattr(old, key) != getattr(new, key):
            out.append(SchemaChange(PATCH, t, "", f"table {key} changed"))
    return out + _column_changes(old, new)


def _column_changes(old: Resource, new: Resource) -> list[SchemaChange]:
    t = new.name
    old_names, new_names = old.field_names, new.field_names
    out = [SchemaChange(MAJOR, t, c, "column removed") for c in old_names if c not in new_names]
    out += [SchemaChange(MINOR, t, c, "column added") for c in new_names if c not in old_names]
    common_old = [c for c in old_names if c in new_names]
    common_new = [c for c in new_names if c in old_names]
    if common_old != common_new:
        out.append(SchemaChange(MAJOR, t, "", "column order changed"))
    for name in common_new:
        out += _field_changes(t, old.field(name), new.field(name))
    return out


def _field_changes(table: str, old: Field, new: Field) -> list[SchemaChange]:
    col = new.name
    out = []
    if old.type != new.type:
        out.append(SchemaChange(MAJOR, table, col, f"type {old.type} -> {new.type}"))
    if (old.true_values, old.false_values) != (new.true_values, new.false_values):
        out.append(SchemaChange(MAJOR, table, col, "boolean spellings changed"))
    out += _enum_changes(table, old, new)
    for key in _CONSTRAINTS:
        before, after = getattr(old, key), getattr(new, key)
        if before != after:
            out.append(SchemaChange(MINOR, table, col, f"{key} {before!r} -> {after!r}"))
    if old.description != new.description:
        out.append(SchemaChange(PATCH, table, col, "description changed"))
    return out


def _enum_changes(table: str, old: Field, new: Field) -> list[SchemaChange]:
    col = new.name
    if old.enum == new.enum:
        return []
    if old.enum is None or new.enum is None:
        what = "vocabulary introduced" if old.enum is None else "vocabulary dropped"
        return [SchemaChange(MINOR, table, col, what)]
    removed = [v for v in old.enum if v not in new.enum]
    added = [v for v in new.enum if v not in old.enum]
    out = [SchemaChange(MAJOR, table, col, f"vocabulary value {v!r} removed") for v in removed]
    out += [SchemaChange(MINOR, table, col, f"vocabulary value {v!r} added") for v in added]
    if not removed and not added:
        out.append(SchemaChange(PATCH, table, col, "vocabulary order changed"))
    return out
