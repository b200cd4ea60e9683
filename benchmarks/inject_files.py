"""File-, header- and row-shape injections.

Two sets. The *content* set keeps every table usable (a BOM, one CRLF line, blank lines,
columns out of order), so it goes into the same package as the cell, key and rule errors.
The *structural* set makes a table degraded or unusable (missing, empty, binary, not UTF-8,
wrong delimiter, missing/unknown/duplicate column, rows of the wrong width);
the validator then skips every rule that reads that table, so these go into a package of
their own, one table each, where they are the only findings.
"""

from __future__ import annotations

from benchmarks.inject_context import Injector
from benchmarks.inject_model import Table

KEEP = 20  # the validator lists at most 20 lines per file for blank lines and not-NFC text


def _tables(inj: Injector, names: tuple[str, ...], n: int) -> list[Table]:
    return [inj.t[name] for name in names[: max(0, n)]]


def _any_row(inj: Injector, table: Table):
    return table.rows[int(inj.rng.integers(len(table.rows)))]


# -- content set (tables stay usable) ------------------------------------------------------
def bom(inj: Injector, n: int) -> int:
    tables = _tables(inj, ("agreement_sectors", "event_sectors", "agreement_sources"), n)
    for t in tables:
        t.bom = True
        inj.expect("bom", t.name, None, None, line=1)
    return len(tables)


def line_ending(inj: Injector, n: int) -> int:
    """One CRLF line per table (the validator reports the first such line of a file)."""
    tables = _tables(inj, ("event_sectors", "agreement_sources", "agreement_sectors"), n)
    for t in tables:
        row = _any_row(inj, t)
        t.crlf_rows.add(id(row))
        inj.expect("line-ending", t.name, row, None, row_line_only=True)
    return len(tables)


def blank_line(inj: Injector, n: int) -> int:
    t = inj.t["sources"]
    rows = [t.rows[int(i)] for i in inj.rng.permutation(len(t.rows))[: min(n, KEEP)]]
    for row in rows:
        t.blank_before[id(row)] = 1
        inj.expect("blank-line", t.name, row, None, row_line_only=True, offset=-1)
    return len(rows)


def _swap(t: Table, a: str, b: str) -> None:
    i, j = t.col(a), t.col(b)
    for cells in [t.header, *t.rows]:
        cells[i], cells[j] = cells[j], cells[i]


def header_order(inj: Injector, n: int) -> int:
    done = 0
    for name, a, b in (("sectors", "name_en", "name_vi"), ("sources", "title", "outlet"))[:n]:
        inj.after_sort.append(lambda t=inj.t[name], a=a, b=b: _swap(t, a, b))
        inj.expect("header-order", name, None, None, line=1)
        done += 1
    return done


CONTENT_FILE_INJECTIONS = {
    "bom": bom,
    "line-ending": line_ending,
    "blank-line": blank_line,
    "header-order": header_order,
}


# -- structural set (one table each; the table becomes degraded or unusable) --------------
def file_missing(inj: Injector, n: int) -> int:
    inj.t["agreement_sectors"].missing = True
    inj.expect("file-missing", "agreement_sectors", None, None)
    return 1


def file_empty(inj: Injector, n: int) -> int:
    inj.t["agreement_sources"].empty = True
    inj.expect("file-empty", "agreement_sources", None, None)
    return 1


def _line_edit(inj: Injector, code: str, table: str, new_end: bytes) -> int:
    t = inj.t[table]
    row = _any_row(inj, t)
    t.line_edits[id(row)] = (b"\n", new_end)
    inj.expect(code, table, row, None, row_line_only=True)
    return 1


def binary_file(inj: Injector, n: int) -> int:
    return _line_edit(inj, "binary-file", "event_sectors", b"\x00\n")


def encoding_invalid(inj: Injector, n: int) -> int:
    # Latin-1 "é" (0xE9) at the end of the last cell: not valid UTF-8.
    return _line_edit(inj, "encoding-invalid", "sectors", b"\xe9\n")


def delimiter(inj: Injector, n: int) -> int:
    inj.t["retired_ids"].delimiter = ";"
    inj.expect("delimiter", "retired_ids", None, None, line=1)
    return 1


def header_missing_column(inj: Injector, n: int) -> int:
    t = inj.t["agreements"]
    i = t.col("summary_en")
    for cells in [t.header, *t.rows]:
        del cells[i]
    inj.expect("header-missing-column", t.name, None, "summary_en", line=1)
    return 1


def header_unknown_column(inj: Injector, n: int) -> int:
    t = inj.t["sources"]
    t.header.append("notes")
    for cells in t.rows:
        cells.append("")
    inj.expect("header-unknown-column", t.name, None, "notes", line=1)
    return 1


def header_duplicate_column(inj: Injector, n: int) -> int:
    t = inj.t["parties"]
    i = t.col("wikidata_id")
    for cells in [t.header, *t.rows]:
        cells.append(cells[i])
    inj.expect("header-duplicate-column", t.name, None, "wikidata_id", line=1)
    return 1


def row_width(inj: Injector, n: int) -> int:
    t = inj.t["event_parties"]
    rows = [t.rows[int(i)] for i in inj.rng.permutation(len(t.rows))[:n]]
    for row in rows:
        row.append("extra")
        inj.expect("row-width", t.name, row, None, row_line_only=True)
    return len(rows)


STRUCTURAL_INJECTIONS = {
    "file-missing": file_missing,
    "file-empty": file_empty,
    "binary-file": binary_file,
    "encoding-invalid": encoding_invalid,
    "delimiter": delimiter,
    "header-missing-column": header_missing_column,
    "header-unknown-column": header_unknown_column,
    "header-duplicate-column": header_duplicate_column,
    "row-width": row_width,
}
