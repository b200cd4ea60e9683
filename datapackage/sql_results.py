"""Reading DuckDB results whose shape the query fixes (an aggregate gives exactly one row)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb


def one_row(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    """The single row of SQL, a query that always returns one (an aggregate, an EXISTS)."""
    row = con.execute(sql).fetchone()
    assert row is not None, f"a query that returns one row returned none: {sql[:200]}"
    return row
