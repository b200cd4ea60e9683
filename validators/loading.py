"""Load each CSV into DuckDB as all-text columns, with the physical line of every row.

Fast path: DuckDB's parallel CSV reader; the line of a row is its insertion order + 2, which
holds when every record is one line (checked against the scan's line count). Slow path, for
files with multi-line records, blank lines or rows of the wrong width: Python's csv module
records each row's starting line and reports rows of the wrong width.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sticoop.descriptor import MAX_FIELDS, Dialect, Field, Resource
from sticoop.safefiles import display_path
from sticoop.sql_text import quote_ident, quote_literal
from sticoop.validators.filescan import MAX_LINE_BYTES, FileScan, scan_file
from sticoop.validators.findings import Finding, truncate

if TYPE_CHECKING:
    from duckdb import DuckDBPyConnection

OK, DEGRADED, UNUSABLE = "ok", "degraded", "unusable"
BATCH = 100_000
# DuckDB's buffer must hold the longest line, and a buffer that large makes it read a file on
# one thread: a file with a longer line goes to the Python reader instead.
MAX_LINE = 2 * 1024 * 1024
MAX_COLUMNS = MAX_FIELDS  # as many as a descriptor may declare
csv.field_size_limit(MAX_LINE_BYTES)  # a longer cell is a csv-syntax finding, not memory


@dataclass
class LoadedTable:
    """A table as loaded: which descriptor columns it has and whether rules can use it."""

    resource: Resource
    file: str
    state: str = OK
    columns: list[str] = field(default_factory=list)
    rows: int = 0
    findings: list[Finding] = field(default_factory=list)
    skip_rules: frozenset[str] = frozenset()  # cell rules the file scan proved unnecessary
    house: bool = True  # our data model's file rules apply (NFC, LF, no BOM, no blank line)

    def finding(
        self,
        code: str,
        message: str,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        """Record a finding of this table's file."""
        where = {"table": self.resource.name, "file": self.file}
        self.findings.append(
            Finding(code=code, message=message, line=line, column=column, value=value, **where)
        )


def scan_or_error(path: Path | None) -> FileScan | OSError | None:
    """``scan_file`` for a background thread: None for a missing file, the error if unreadable."""
    if path is None or not path.is_file():
        return None
    try:
        return scan_file(path)
    except OSError as exc:
        return exc


def row_count(con: DuckDBPyConnection, relation: str) -> int:
    """The number of rows of RELATION (SQL text: a quoted table or view name)."""
    found = con.execute(f"SELECT count(*) FROM {relation}").fetchone()
    return int(found[0]) if found else 0


def unreadable_table(
    con: DuckDBPyConnection, resource: Resource, path: Path, what: str
) -> LoadedTable:
    """The table of a resource whose path is not a regular file inside the package (WHAT it
    is instead: "missing", "a FIFO (named pipe)", ...): never opened, reported as such."""
    table = LoadedTable(resource, display_path(path), state=UNUSABLE)
    if what == "missing":
        table.finding("file-missing", f"file not found: {table.file}")
    else:
        table.finding("file-not-regular", f"{table.file} is {what}, not a file: not read")
    _create_empty_view(con, resource)
    return table


def load_table(
    con: DuckDBPyConnection,
    resource: Resource,
    path: Path,
    scanned: FileScan | OSError | None = None,
    house: bool = True,
) -> LoadedTable:
    """Check the file and header, load the rows, and create a view named after the table.

    SCANNED is the result of ``scan_or_error(path)`` when it was computed ahead (in a thread,
    while DuckDB loaded the previous table); otherwise the file is scanned here. HOUSE applies
    our data model's file rules on top of the Table Schema's.
    """
    table, header, scan = inspect_file(resource, path, scanned, house)
    if header is not None and scan is not None:
        width = len(header)
        raw = f"raw_{resource.name}"
        first = 2 if resource.dialect.header else 1
        if _load_fast(con, raw, path, width, scan, resource.dialect):
            line_expr = f"rowid + {first}"
            if not scan.has_control:  # one line per record and no control byte at all
                table.skip_rules = frozenset({"control-char"})
        else:
            _load_slow(con, raw, path, width, table)
            line_expr = "__line"
        table.rows = row_count(con, quote_ident(raw))
        _create_view(con, table, header, raw, line_expr)
    else:
        _create_empty_view(con, resource)
    return table


def inspect_file(
    resource: Resource,
    path: Path,
    scanned: FileScan | OSError | None = None,
    house: bool = True,
) -> tuple[LoadedTable, list[str] | None, FileScan | None]:
    """The one inspection of a table's file: the byte scan (``filescan``: encoding, NUL, BOM,
    line endings, NFC, blank lines, line length) and the file and header findings it gives,
    with the codes of ``validators.rules``. Returns the table holding the findings and its
    state, the parsed header and the scan (Nones when the file is unusable). SCANNED: the
    result of ``scan_or_error(path)`` when computed ahead."""
    table = LoadedTable(resource, display_path(path), house=house)
    header, scan = _check_file(table, path, scanned if scanned is not None else scan_or_error(path))
    return table, header, scan


def _check_file(
    table: LoadedTable, path: Path, scan: FileScan | OSError | None
) -> tuple[list[str] | None, FileScan | None]:
    """File-level findings; returns the parsed header and scan, or Nones when unusable."""
    if scan is None or not path.is_file():
        table.state = UNUSABLE
        table.finding("file-missing", f"file not found: {table.file}")
        return None, None
    if isinstance(scan, OSError):
        table.state = UNUSABLE
        table.finding("file-missing", f"cannot read {table.file}: {scan.strerror}")
        return None, None
    _file_findings(table, scan)
    dialect = table.resource.dialect
    if scan.fatal or scan.header is None or (dialect.header and not scan.header.strip()):
        if not scan.fatal:
            table.finding("file-empty", "the file has no header row", line=1)
        table.state = UNUSABLE
        return None, None
    if not dialect.header:
        table.columns = table.resource.field_names
        return table.columns, scan
    header = next(csv.reader([scan.header.removeprefix("\ufeff")], **dialect.csv_options()))
    if table.resource.kind == "headed":  # no schema: the header names the columns
        names = [h for i, h in enumerate(header) if h and h not in header[:i]]
        fields = tuple(Field(name=h, type="any") for h in names)
        table.resource = replace(table.resource, fields=fields)
    if len(header) > MAX_COLUMNS:
        table.state = UNUSABLE
        table.finding(
            "header-too-wide",
            f"the header has {len(header):,} columns; sticoop reads at most {MAX_COLUMNS:,}",
            line=1,
        )
        return None, None
    header_findings(table, header)
    return (header, scan) if table.state != UNUSABLE else (None, None)


def _file_findings(table: LoadedTable, scan: FileScan) -> None:
    if scan.size == 0:
        table.finding("file-empty", "the file is empty (0 bytes)")
    if scan.nul_line is not None:
        table.finding("binary-file", "NUL byte: this is not a text CSV", line=scan.nul_line)
    if scan.long_line is not None:
        table.finding(
            "line-too-long",
            f"a line longer than {MAX_LINE_BYTES // 2**20} MiB: sticoop reads lines of at most "
            "that size (the file is not checked further)",
            line=scan.long_line,
        )
    if scan.invalid_utf8 is not None and scan.nul_line is None:
        line, raw = scan.invalid_utf8
        table.finding(
            "encoding-invalid",
            f"not UTF-8 (bytes {raw}); re-save the file as UTF-8",
            line=line,
            value=raw,
        )
    if not table.house:
        return
    if scan.bom:
        table.finding("bom", "the file starts with a UTF-8 byte-order mark; remove it", line=1)
    if scan.cr.count:
        table.finding(
            "line-ending",
            f"{scan.cr.count:,} line(s) end in CR/CRLF instead of LF (first shown)",
            line=scan.cr.lines[0],
        )
    for line in scan.not_nfc.lines:
        table.finding("not-nfc", "text is not Unicode NFC; normalise it (sticoop fmt)", line=line)


def header_findings(table: LoadedTable, header: list[str]) -> None:
    """Add to TABLE the findings of HEADER against its descriptor's columns (delimiter,
    duplicate, unknown, missing columns, order); ``sticoop sql`` refuses with the same."""
    expected = table.resource.field_names
    others = set(";\t|,") - {table.resource.dialect.delimiter}
    if len(header) == 1 and len(expected) > 1 and any(d in header[0] for d in others):
        table.state = UNUSABLE
        table.finding(
            "delimiter",
            f"the header does not split on {table.resource.dialect.delimiter!r}; save the file "
            "with the delimiter the descriptor declares",
            line=1,
            value=truncate(header[0]),
        )
        return
    seen: set[str] = set()
    for name in header:
        if name in seen:
            table.finding(
                "header-duplicate-column", f"column {name!r} appears twice", line=1, column=name
            )
            table.state = DEGRADED
        seen.add(name)
        if name not in expected:
            table.finding(
                "header-unknown-column",
                f"column {name!r} is not in the descriptor",
                line=1,
                column=name,
            )
            table.state = DEGRADED
    for name in expected:
        if name not in seen:
            table.finding(
                "header-missing-column", f"column {name!r} is missing", line=1, column=name
            )
            table.state = DEGRADED
    present = [h for h in header if h in expected]
    if table.state == OK and present != expected:
        table.finding(
            "header-order",
            f"columns must be in the order: {', '.join(expected)}",
            line=1,
            value=truncate(",".join(header)),
        )
    table.columns = [name for name in expected if name in seen]


def read_csv_sql(
    path: Path, columns: list[str], dialect: Dialect | None = None, **options: object
) -> str:
    """DuckDB read_csv of PATH in the declared dialect, COLUMNS all as VARCHAR.

    Every descriptor value is passed as an escaped string literal, never as SQL text.
    """
    d = dialect or Dialect()
    cols = ", ".join(f"{quote_literal(c)}: 'VARCHAR'" for c in columns)
    extra = "".join(f", {k}={v}" for k, v in options.items())
    if d.comment_char:
        extra += f", comment={quote_literal(d.comment_char)}"
    return (
        f"read_csv({quote_literal(path)}, columns={{{cols}}}, header={str(d.header).lower()}, "
        f"delim={quote_literal(d.delimiter)}, quote={quote_literal(d.quote_char)}, "
        f"escape={quote_literal(d.escape)}, auto_detect=false, max_line_size={MAX_LINE}{extra})"
    )


def _load_fast(
    con: DuckDBPyConnection, raw: str, path: Path, width: int, scan: FileScan, dialect: Dialect
) -> bool:
    """Bulk-load with DuckDB; False (and nothing loaded) when the fast path cannot be trusted."""
    if scan.blank.count or dialect.skip_initial_space or dialect.comment_char:
        return False
    columns = [f"c{i}" for i in range(width)]
    sql = read_csv_sql(path, columns, dialect, store_rejects="true", strict_mode="true")
    try:
        con.execute(f"CREATE OR REPLACE TABLE {quote_ident(raw)} AS SELECT * FROM {sql}")
    except Exception:  # DuckDB could not parse it at all: let the slow path explain why
        return False
    rows = row_count(con, quote_ident(raw))
    rejects = row_count(con, "reject_errors")
    con.execute("DELETE FROM reject_errors")
    if rejects == 0 and rows == scan.lines - (1 if dialect.header else 0):
        return True
    con.execute(f"DROP TABLE {quote_ident(raw)}")
    return False


def _records(path: Path, table: LoadedTable) -> Iterator[tuple[int, list[str]]]:
    """(starting line, cells) for each record after the header.

    The reader is strict (RFC 4180): a quote that closes in the middle of a cell, or one that
    never closes, is reported as ``csv-syntax`` and reading goes on with the next record.
    """
    dialect = table.resource.dialect
    first = 2 if dialect.header else 1
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, strict=True, **dialect.csv_options())
        previous = 0
        while True:
            start = previous + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                table.finding("csv-syntax", f"CSV syntax error: {exc}", line=start)
                table.state = DEGRADED
                previous = reader.line_num
                continue
            previous = reader.line_num
            if start < first:
                continue
            if dialect.comment_char and cells and cells[0].startswith(dialect.comment_char):
                continue
            if not cells:
                _blank(table, start)
                continue
            yield start, cells


def _blank(table: LoadedTable, line: int) -> None:
    """An empty record: a blank line (house rule) or a blank row (Table Schema)."""
    if table.house:
        table.finding("blank-line", "blank line", line=line)
    else:
        table.finding("blank-row", "the row is empty", line=line)


def _load_slow(
    con: DuckDBPyConnection, raw: str, path: Path, width: int, table: LoadedTable
) -> None:
    import pyarrow as pa

    names = [f"c{i}" for i in range(width)] + ["__line"]
    con.execute(
        f"CREATE OR REPLACE TABLE {quote_ident(raw)} ("
        + ", ".join(f"{n} VARCHAR" for n in names[:-1])
        + ", __line BIGINT)"
    )
    batch: list[list] = [[] for _ in names]

    def flush() -> None:
        if batch[-1]:
            arrow = pa.table(dict(zip(names, batch, strict=True)))  # noqa: F841
            con.execute(f"INSERT INTO {quote_ident(raw)} SELECT * FROM arrow")
            for col in batch:
                col.clear()

    for line, cells in _records(path, table):
        if len(cells) != width:
            table.finding(
                "row-width",
                f"{len(cells)} cells, expected {width} (as many as the header)",
                line=line,
                value=truncate(",".join(cells)),
            )
            table.state = DEGRADED  # rows are missing: rules across tables would mislead
            continue
        for i, cell in enumerate(cells):
            batch[i].append(cell if cell != "" else None)
        batch[-1].append(line)
        if len(batch[-1]) >= BATCH:
            flush()
    flush()


def _create_view(
    con: DuckDBPyConnection, table: LoadedTable, header: list[str], raw: str, line_expr: str
) -> None:
    position: dict[str, int] = {}
    for i, name in enumerate(header if table.resource.dialect.header else table.columns):
        position.setdefault(name, i)
    cols = [
        f"{_missing_as_null(f'c{position[f.name]}', f.missing_values)} AS {quote_ident(f.name)}"
        if f.name in position
        else f"NULL::VARCHAR AS {quote_ident(f.name)}"
        for f in table.resource.fields
    ]
    con.execute(
        f"CREATE OR REPLACE VIEW {quote_ident(table.resource.name)} AS SELECT "
        f"{line_expr} AS __line, {', '.join(cols)} FROM {quote_ident(raw)}"
    )


def _missing_as_null(col: str, missing: tuple[str, ...]) -> str:
    """COL with the declared missing values read as NULL (the empty cell always is)."""
    others = [v for v in missing if v != ""]
    if not others:
        return col
    values = ", ".join(quote_literal(v) for v in others)
    return f"CASE WHEN list_contains([{values}], {col}) THEN NULL ELSE {col} END"


def _create_empty_view(con: DuckDBPyConnection, resource: Resource) -> None:
    cols = ", ".join(f"NULL::VARCHAR AS {quote_ident(f.name)}" for f in resource.fields)
    con.execute(
        f"CREATE OR REPLACE VIEW {quote_ident(resource.name)} AS "
        f"SELECT NULL::BIGINT AS __line, {cols} WHERE false"
    )
