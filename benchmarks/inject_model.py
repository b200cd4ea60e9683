"""In-memory tables for error injection, and their serialisation with physical line numbers.

An injection edits rows (Python lists of cells) and records an ``Expect`` that points at the
row object, not at a line: rows are re-sorted by primary key and blank lines may be inserted,
so line numbers are only known when the table is written. ``write_table`` returns them.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from sticoop.descriptor import Package, Resource

Row = list[str]


@dataclass
class Expect:
    """A finding the validator must report: at ROW (a line resolved on writing) or LINE."""

    code: str
    table: str
    column: str | None = None
    row: Row | None = None
    line: int | None = None
    # For file-level findings on a row's line (NUL, bad bytes, CRLF...): the line, no record id.
    row_line_only: bool = False
    offset: int = 0  # added to the row's line (-1: the blank line just before it)


@dataclass
class Table:
    """One CSV as header + rows, plus byte-level edits applied when it is written."""

    resource: Resource
    header: list[str]
    rows: list[Row]
    bom: bool = False
    delimiter: str = ","
    crlf_rows: set[int] = field(default_factory=set)  # id() of rows ending in CRLF
    blank_before: dict[int, int] = field(default_factory=dict)  # id(row) -> blank lines before
    line_edits: dict[int, tuple[bytes, bytes]] = field(default_factory=dict)  # id -> (old, new)
    missing: bool = False
    empty: bool = False

    @property
    def name(self) -> str:
        return self.resource.name

    def col(self, name: str) -> int:
        """Position of column NAME in the header (first occurrence)."""
        return self.header.index(name)

    def get(self, row: Row, name: str) -> str:
        return row[self.col(name)]

    def set(self, row: Row, name: str, value: str) -> None:
        row[self.col(name)] = value

    def record_id(self, row: Row) -> str:
        return "/".join(row[self.col(c)] for c in self.resource.primary_key)

    def new_row(self, **values: str) -> Row:
        """A row with VALUES by column name (others empty), appended to the table."""
        row = [""] * len(self.header)
        for name, value in values.items():
            row[self.col(name)] = value
        self.rows.append(row)
        return row

    def sort(self) -> None:
        """Sort rows by primary key (byte order of the UTF-8 key tuple); stable."""
        idx = [self.col(c) for c in self.resource.primary_key]
        self.rows.sort(key=lambda r: tuple(r[i].encode("utf-8") for i in idx))


def read_tables(pkg: Package) -> dict[str, Table]:
    """Every table of PKG as rows of text cells."""
    tables = {}
    for res in pkg.resources:
        with pkg.csv_path(res.name).open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            tables[res.name] = Table(res, header, [list(r) for r in reader])
    return tables


def _line_bytes(cells: list[str], delimiter: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerow(cells)
    return buf.getvalue().encode("utf-8")


def write_table(table: Table, path: Path) -> dict[int, int]:
    """Write TABLE to PATH (atomically); returns id(row) -> physical line (header = 1)."""
    if table.missing:
        path.unlink(missing_ok=True)
        return {}
    lines: list[bytes] = [_line_bytes(table.header, table.delimiter)]
    where: dict[int, int] = {}
    for row in table.rows:
        for _ in range(table.blank_before.get(id(row), 0)):
            lines.append(b"\n")
        data = _line_bytes(row, table.delimiter)
        if id(row) in table.line_edits:
            old, new = table.line_edits[id(row)]
            if old not in data:
                raise ValueError(f"{table.name}: cannot edit line, {old!r} not in {data!r}")
            data = data.replace(old, new, 1)
        if id(row) in table.crlf_rows:
            data = data[:-1] + b"\r\n"
        lines.append(data)
        where[id(row)] = len(lines)
    blob = b"" if table.empty else b"".join(lines)
    if table.bom:
        blob = b"\xef\xbb\xbf" + blob
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(blob)
    os.replace(tmp, path)
    return where
