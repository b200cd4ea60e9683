"""Parquet tables read as the text a CSV would hold, so every reader of CSVs reads them too.

A resource with ``format: parquet`` (or a ``.parquet`` path) is read through DuckDB's
``read_parquet``; each column is cast to VARCHAR (booleans as the declared first true/false
value, dates in the declared format), and the typed views, the validator and the diff then
treat the text as they treat a CSV's. Column names from the file are untrusted: they are only
ever quoted identifiers, and the path only ever a quoted literal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sticoop.descriptor import Field, Resource
from sticoop.errors import DataError
from sticoop.sql_text import quote_ident, quote_literal


def read_parquet_call(path: str | Path) -> str:
    """``read_parquet('<path>')``, the path as an escaped literal."""
    return f"read_parquet({quote_literal(str(path))})"


def parquet_columns(path: str | Path, con: Any = None) -> list[tuple[str, str]]:
    """(name, DuckDB type) of each column of the Parquet file at PATH, in file order.

    Raises DataError naming the file when it is not a Parquet file DuckDB can read."""
    import duckdb

    own = con is None
    con = duckdb.connect() if own else con
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {read_parquet_call(path)}").fetchall()
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0][:200]
        raise DataError(f"{path}: cannot read as Parquet: {first}") from None
    finally:
        if own:
            con.close()
    return [(str(row[0]), str(row[1])) for row in rows]


def text_expression(field: Field | None, name: str, duck_type: str) -> str:
    """Column NAME (of DuckDB type DUCK_TYPE) as the text a CSV would hold for FIELD."""
    col = quote_ident(name)
    if field is None:
        return col
    boolean = field.type == "boolean" and duck_type == "BOOLEAN"
    if boolean and field.true_values and field.false_values:
        yes, no = quote_literal(field.true_values[0]), quote_literal(field.false_values[0])
        return f"CASE WHEN {col} THEN {yes} WHEN NOT {col} THEN {no} END"
    if field is not None and field.type == "date" and duck_type == "DATE" and "%" in field.format:
        return f"strftime({col}, {quote_literal(field.format)})"
    return f"CAST({col} AS VARCHAR)"


def parquet_text_source(res: Resource, path: str | Path) -> str:
    """``(SELECT <each descriptor column as text> FROM read_parquet(...))`` for RES.

    Raises DataError when the file is unreadable or lacks a column of the descriptor."""
    types = dict(parquet_columns(path))
    missing = [f.name for f in res.fields if f.name not in types]
    if missing:
        raise DataError(
            f"{path}: column(s) {', '.join(missing)} of table {res.name} are not in the file",
            hint="run 'sticoop validate'",
        )
    cols = ", ".join(
        f"{text_expression(f, f.name, types[f.name])} AS {quote_ident(f.name)}" for f in res.fields
    )
    return f"(SELECT {cols} FROM {read_parquet_call(path)})"
