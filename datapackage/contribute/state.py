"""The package as ``sticoop add`` sees it: the existing rows plus the rows added so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sticoop.descriptor import Package

Row = dict[str, str]


@dataclass
class Origin:
    """Where an added record comes from: its file and YAML key path."""

    file: Path
    path: str


@dataclass
class PackageState:
    """Existing rows (canonical form) per table, and the rows added by the files read so far."""

    pkg: Package
    existing: dict[str, list[Row]]
    added: dict[str, list[Row]] = field(default_factory=dict)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    referenced: list[tuple[str, str]] = field(default_factory=list)  # (table, id) reused as is

    @classmethod
    def load(cls, pkg: Package) -> PackageState:
        from sticoop.canonical import canonical_rows

        existing = {}
        for res in pkg.resources:
            header, rows = canonical_rows(pkg, res.name)
            existing[res.name] = [dict(zip(header, r, strict=True)) for r in rows]
        return cls(pkg, existing, {res.name: [] for res in pkg.resources})

    def rows(self, table: str) -> list[Row]:
        return self.existing.get(table, []) + self.added.get(table, [])

    def key(self, table: str) -> str:
        return self.pkg.resource(table).primary_key[0]

    def find(self, table: str, id_: str) -> Row | None:
        key = self.key(table)
        return next((r for r in self.rows(table) if r.get(key) == id_), None)

    def ids(self, table: str) -> set[str]:
        key = self.key(table)
        return {r.get(key, "") for r in self.rows(table)}

    def full_row(self, table: str, values: Row) -> Row:
        """VALUES with every column of TABLE present ('' where missing)."""
        return {c: values.get(c, "") for c in self.pkg.resource(table).field_names}
