"""Load a Parquet table into DuckDB in the shape the CSV loader gives (``loading.py``).

Every column is read as the text a CSV would hold (``sticoop.parquet_source``), so each cell,
key and rule check runs unchanged; a row's ``__line`` is its row number + 1, as if the file
had a header line. The file rules (encoding, line endings, NFC, ...) are about text files and
do not apply; a file DuckDB cannot read as Parquet is reported as ``file-missing``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sticoop.descriptor import Resource
from sticoop.errors import DataError
from sticoop.parquet_source import parquet_columns, read_parquet_call, text_expression
from sticoop.safefiles import display_path
from sticoop.sql_text import quote_ident
from sticoop.validators.loading import (
    UNUSABLE,
    LoadedTable,
    _create_empty_view,
    _create_view,
    header_findings,
    row_count,
)

if TYPE_CHECKING:
    from duckdb import DuckDBPyConnection


def load_parquet_table(con: DuckDBPyConnection, resource: Resource, path: Path) -> LoadedTable:
    """Check the columns, load the rows as text and create a view named after the table."""
    import duckdb

    table = LoadedTable(resource, display_path(path), house=False)
    try:
        described = parquet_columns(path, con)
    except DataError as exc:
        return _unreadable(con, table, exc.message.split(" as Parquet: ", 1)[-1])
    header = [name for name, _ in described]
    header_findings(table, header)
    if table.state == UNUSABLE:
        _create_empty_view(con, resource)
        return table
    fields = {f.name: f for f in resource.fields}
    cols = ", ".join(
        f"{text_expression(fields.get(name), name, duck_type)} AS c{i}"
        for i, (name, duck_type) in enumerate(described)
    )
    raw = quote_ident(f"raw_{resource.name}")
    source = read_parquet_call(path)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {raw} AS SELECT {cols} FROM {source}")
    except duckdb.Error as exc:
        return _unreadable(con, table, str(exc).splitlines()[0][:200])
    table.rows = row_count(con, raw)
    _create_view(con, table, header, f"raw_{resource.name}", "rowid + 2")
    return table


def _unreadable(con: DuckDBPyConnection, table: LoadedTable, detail: str) -> LoadedTable:
    table.state = UNUSABLE
    table.finding("file-missing", f"cannot read {table.file} as Parquet: {detail}")
    _create_empty_view(con, table.resource)
    return table
