"""Per-table content checksums: SHA-256 of each table's canonical CSV.

The canonical form is defined by ``sticoop.canonical`` (Python's csv module). Building it in
Python costs seconds per million rows and holds the whole table in memory, so a file is first
checked, streaming and in bounded memory, for being *already* canonical; its checksum is then
the SHA-256 of its bytes. Only a file that fails the check (or cannot be checked) goes through
``sticoop.canonical``. The check never decides what the canonical bytes are, it only proves
that the file's bytes are them:

1. the file starts with the header ``encode_rows`` writes for the descriptor's columns;
2. DuckDB parses the body (every column as text) and every row is re-encoded with the csv
   module's minimal quoting (``_ENCODE``, see ``test_release_checksums.py``); the encoded rows,
   in the order DuckDB returns them, must equal the rest of the file byte for byte. The file is
   then what ``encode_rows`` writes for those cells, so Python's reader reads exactly them back,
   whatever DuckDB's parser would make of other files;
3. those cells need no repair: the file holds no NUL or CR byte, is UTF-8 and NFC (checked
   with ``unicodedata`` on the file's text, whose separators are NFC-stable), no cell starts
   or ends with a character ``str.strip`` removes, no row is all empty;
4. the rows are in canonical order: primary-key tuples strictly increase in UTF-8 byte order
   (a repeated key falls back), or, without a primary key, whole rows never decrease.
"""

from __future__ import annotations

import hashlib
import unicodedata
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from sticoop.descriptor import Package, Resource
from sticoop.release.files import arrow_bytes

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

Checksums = dict[str, dict[str, int | str]]
_BATCH_ROWS = 64 * 1024
# DuckDB's default: a larger maximum line makes its CSV reader use one thread. A row longer
# than this fails the check and goes through sticoop.canonical.
_MAX_LINE = 2 * 1024 * 1024


@cache
def _spaces() -> tuple[int, ...]:
    """Every character ``sticoop.canonical`` strips from a cell's edges (validate's
    ``EDGE_SPACE``), as sorted code points."""
    from sticoop.canonical import EDGE_CHARS

    return tuple(sorted({ord(c) for c in EDGE_CHARS}))


@cache
def _space_class() -> str:
    """``_spaces()`` as an RE2 character class."""
    return "[" + "".join(f"\\x{{{c:x}}}" for c in _spaces()) + "]"


def table_checksums(pkg: Package) -> Checksums:
    """``{table: {"rows": n, "sha256": hex}}`` in descriptor order.

    The checksum is over the canonical form (``sticoop.canonical``), so it identifies the
    content whatever the file's formatting, and covers artefacts that are not byte-reproducible
    (the DuckDB file).
    """
    out: Checksums = {}
    con = _connect()
    try:
        for res in pkg.resources:
            found = canonical_file_digest(pkg, res, con)
            if found is None:
                found = _python_digest(pkg, res)
            rows, digest = found
            out[res.name] = {"rows": rows, "sha256": digest}
    finally:
        con.close()
    return out


def _python_digest(pkg: Package, res: Resource) -> tuple[int, str]:
    from sticoop.canonical import canonical_rows, encode_rows

    header, rows = canonical_rows(pkg, res.name)
    return len(rows), hashlib.sha256(encode_rows(header, rows)).hexdigest()


def _connect() -> duckdb.DuckDBPyConnection:
    import duckdb

    con = duckdb.connect(config={"preserve_insertion_order": True})
    con.execute("SET memory_limit = '512MB'")
    return con


def _quote(col: str) -> str:
    """SQL for the csv module's QUOTE_MINIMAL rendering of one cell (the cell has no CR)."""
    return (
        f"CASE WHEN {col} IS NULL THEN '' "
        f"WHEN contains({col}, ',') OR contains({col}, '\"') OR contains({col}, chr(10)) "
        f"THEN '\"' || replace({col}, '\"', '\"\"') || '\"' ELSE {col} END"
    )


def _needs_strip(col: str) -> str:
    """SQL: does the cell start or end with a character ``canonical.clean_cell`` strips?

    The first character is tested by code point (ASCII ones by range), the regular expression
    only runs when that cannot decide.
    """
    first = f"unicode({col})"
    spaces, pattern = _spaces(), _space_class()
    # ranges, not IN (...): DuckDB turns a long IN list into a join, which loses row order
    ascii_spaces = " OR ".join(
        f"{first} BETWEEN {lo} AND {hi}" for lo, hi in _ranges([c for c in spaces if c < 0x80])
    )
    non_ascii = min(c for c in spaces if c >= 0x80)
    return (
        f"({col} <> '' AND ({ascii_spaces} "
        f"OR ({first} >= {non_ascii} AND regexp_matches({col}, '^{pattern}')) "
        f"OR regexp_matches({col}, '{pattern}$')))"
    )


def _ranges(codes: list[int]) -> list[tuple[int, int]]:
    """Sorted integers as inclusive (first, last) runs."""
    out: list[tuple[int, int]] = []
    for c in codes:
        if out and out[-1][1] == c - 1:
            out[-1] = (out[-1][0], c)
        else:
            out.append((c, c))
    return out


def _scan_sql(res: Resource, path: Path) -> tuple[str, bool]:
    """SELECT line, sort key per row; the line is NULL when a cell needs repair or the row is
    all empty. The bool says whether sort keys must strictly increase (a primary key)."""
    from sticoop.sql_text import quote_literal as literal

    cols = [f"c{i}" for i in range(len(res.fields))]
    names = res.field_names
    key = [cols[names.index(k)] for k in res.primary_key] or cols
    repair = " OR ".join(_needs_strip(c) for c in cols)
    empty = " AND ".join(f"coalesce({c}, '') = ''" for c in cols)
    line = "concat(" + ", ',', ".join(_quote(c) for c in cols) + ", chr(10))"
    sort_key = "concat(" + ", ".join(f"{c}, chr(0)" for c in key) + ")"
    columns = ", ".join(f"'{c}': 'VARCHAR'" for c in cols)
    source = (
        f"read_csv({literal(str(path))}, columns = {{{columns}}}, header = true, delim = ',', "
        "quote = '\"', escape = '\"', new_line = '\\n', auto_detect = false, "
        f"strict_mode = true, null_padding = false, max_line_size = {_MAX_LINE})"
    )
    sql = (
        f"SELECT CASE WHEN {repair} OR ({empty}) THEN NULL ELSE {line} END AS line, "
        f"{sort_key} AS sort_key FROM {source}"
    )
    return sql, bool(res.primary_key)


def _header_ok(res: Resource) -> bytes | None:
    """The canonical header line, or None when the column names would be repaired."""
    from sticoop.canonical import clean_cell, encode_rows

    names = res.field_names
    if not names or len(set(names)) != len(names):
        return None
    if any(not n or clean_cell(n) != n for n in names):
        return None
    if any(k not in names for k in res.primary_key):
        return None
    return encode_rows(names, [])


def _text_ok(chunk: bytes) -> bool:
    """No NUL or CR, valid UTF-8, NFC (the chunk ends at a record's LF)."""
    if b"\x00" in chunk or b"\r" in chunk:
        return False
    if chunk.isascii():
        return True
    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return unicodedata.is_normalized("NFC", text)


def canonical_file_digest(
    pkg: Package, res: Resource, con: duckdb.DuckDBPyConnection | None = None
) -> tuple[int, str] | None:
    """(rows, sha256) of the table's file when the file is provably in canonical form (see the
    module docstring), else None. Streams the file; memory stays bounded by one batch."""
    import duckdb
    import pyarrow as pa
    import pyarrow.compute as pc

    header = _header_ok(res)
    path = pkg.csv_path(res.name)
    if header is None or not path.is_file():
        return None
    own = con is None
    con = con or _connect()
    try:
        with path.open("rb") as fh:
            if fh.read(len(header)) != header:
                return None
            digest = hashlib.sha256(header)
            sql, strict = _scan_sql(res, path)
            rows = 0
            last = None
            reader = con.sql(sql).to_arrow_reader(_BATCH_ROWS)
            for batch in reader:
                lines, keys = batch.column(0), batch.column(1)
                if len(lines) == 0:
                    continue
                if lines.null_count:
                    return None
                data = arrow_bytes(lines)
                chunk = fh.read(data.size)
                if not data.equals(pa.py_buffer(chunk)) or not _text_ok(chunk):
                    return None
                if not _ordered(keys, last, strict, pc):
                    return None
                last = keys[-1].as_py()
                digest.update(chunk)
                rows += len(lines)
            if fh.read(1):
                return None
    except (duckdb.Error, OSError, ValueError):
        return None
    finally:
        if own:
            con.close()
    return rows, digest.hexdigest()


def _ordered(keys: pa.Array, last: str | None, strict: bool, pc: ModuleType) -> bool:
    """Sort keys increase (strictly with a primary key) within the batch and from LAST on."""
    compare = pc.less if strict else pc.less_equal
    if last is not None and not compare(last, keys[0]).as_py():
        return False
    if len(keys) < 2:
        return True
    return pc.all(compare(keys[:-1], keys[1:])).as_py() is not False
