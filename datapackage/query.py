"""SQL over the dataset with DuckDB: connections, tables as DataFrames, and guarded queries.

A connection holds typed *views* over the CSVs (see ``sticoop.ddl``), so a query reads only
the files and columns it needs; or, for a release's ``.duckdb`` file, that database read-only.
``run_query`` adds the sandbox (``sticoop.sandbox``): one read-only statement, no file access
beyond the dataset's own files, configuration locked, memory bounded, a private temporary
folder, a time limit and Ctrl-C (``sticoop.interrupts``). Before DuckDB reads a CSV, each file
is checked to be a regular file inside the package (``sticoop.safefiles``) whose last line
DuckDB will not silently drop (``sticoop.csvread``); a row that does not parse is a
``DataError`` naming file and line.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from sticoop.descriptor import DESCRIPTOR_NAME, Dialect, Package, Resource, load_package
from sticoop.errors import DataError, QueryError, UsageError
from sticoop.sandbox import ALLOWED_STATEMENTS, check_read_only, statement_type

if TYPE_CHECKING:
    import duckdb
    import pyarrow

    from sticoop.query_output import Rows
    from sticoop.sandbox import SandboxedConnection

__all__ = [
    "ALLOWED_STATEMENTS",
    "check_read_only",
    "connect",
    "locate_data",
    "read_table",
    "run_query",
    "run_query_rows",
    "statement_type",
]


@dataclass(frozen=True)
class DataSource:
    """What a query runs against: a data package (CSVs) or a built ``.duckdb`` database."""

    package: Package | None = None
    database: Path | None = None


def locate_data(data: str | Path | None = None) -> DataSource:
    """Resolve DATA: None (current repository, else the bundled dataset), a ``datapackage.json``,
    a directory holding one (directly or in its one sub-directory, as an unpacked release), or
    a ``.duckdb`` file (or a directory holding exactly one)."""
    from sticoop.safefiles import check_given_path

    if data is None:
        return DataSource(package=load_package(None))
    path = Path(data)
    check_given_path(path)
    if path.is_file():
        if path.suffix == ".duckdb":
            return DataSource(database=path)
        if path.suffix == ".zip":
            raise UsageError(
                f"{path}: an archive; unpack it and pass the directory",
                hint="or pass the release's .duckdb file",
            )
        return DataSource(package=load_package(path))
    if not path.is_dir():
        raise UsageError(f"{path}: no such file or directory")
    if (path / DESCRIPTOR_NAME).is_file():
        return DataSource(package=load_package(path))
    nested = sorted(path.glob(f"*/{DESCRIPTOR_NAME}"))
    if len(nested) == 1:
        return DataSource(package=load_package(nested[0]))
    databases = sorted(path.glob("*.duckdb"))
    if len(databases) == 1:
        return DataSource(database=databases[0])
    raise UsageError(
        f"{path}: holds no {DESCRIPTOR_NAME} (nor one release directory or .duckdb file)",
        hint="pass a directory holding datapackage.json, the descriptor itself, or a .duckdb file",
    )


def _read_header(path: Path, shown: str, dialect: Dialect) -> list[str]:
    """The header row of PATH, read from its first line alone (bounded, without blocking)."""
    from sticoop.csvread import MAX_LINE, CsvReadError
    from sticoop.safefiles import open_regular

    try:
        with os.fdopen(open_regular(path), "rb") as fh:
            first = fh.readline(MAX_LINE + 1)
    except OSError as exc:
        raise DataError(f"{shown}: cannot read: {exc.strerror}") from None
    if len(first) > MAX_LINE:
        raise CsvReadError(f"{shown}, line 1: the header line is longer than {MAX_LINE:,} bytes")
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = first[exc.start : exc.start + 1].hex().upper()
        raise CsvReadError(
            f"{shown}, line 1: not valid UTF-8 (byte 0x{bad}) [encoding-invalid]",
            hint="re-save the file as 'CSV UTF-8'; 'sticoop validate' lists every problem",
        ) from None
    line = text.removeprefix("\ufeff").rstrip("\r\n")
    return next(csv.reader([line], **dialect.csv_options()), [])


def _header_refusal(res: Resource, path: Path, header: list[str]) -> DataError:
    """The refusal of a header that differs from RES's columns, named with the code
    ``validate`` reports (the views read columns by position: any difference is refused)."""
    from sticoop.validators.loading import LoadedTable, header_findings

    table = LoadedTable(res, str(path))
    header_findings(table, header)
    detail = f"{table.findings[0].message} [{table.findings[0].code}]" if table.findings else ""
    return DataError(
        f"{path}, line 1: header {','.join(header)!r} does not match the descriptor's "
        f"columns {','.join(res.field_names)!r}" + (f": {detail}" if detail else ""),
        hint="run 'sticoop validate'",
    )


def check_headers(pkg: Package) -> None:
    """Every CSV is a regular file inside the package, its header row names the descriptor's
    columns in order, and its last line is not garbage DuckDB would skip.

    (The views read columns by position, so a reordered header would silently shift them.
    A FIFO, device, directory or link out of the package is refused without being opened.)
    """
    from sticoop.csvread import check_lines
    from sticoop.safefiles import require_file

    for res in pkg.resources:
        path = pkg.csv_path(res.name)
        require_file(pkg.root, res.path, str(path))
        if res.format == "parquet":
            from sticoop.parquet_source import parquet_text_source

            parquet_text_source(res, path)  # readable, with every column: the views read by name
            continue
        header = _read_header(path, str(path), res.dialect)
        if res.dialect.header and header != res.field_names:
            raise _header_refusal(res, path, header)
        check_lines(path, str(path))


@overload
def connect(
    data: str | Path | None = None,
    *,
    sandbox: Literal[False] = False,
    memory_limit: str | None = None,
) -> duckdb.DuckDBPyConnection: ...


@overload
def connect(
    data: str | Path | None = None,
    *,
    sandbox: Literal[True],
    memory_limit: str | None = None,
) -> SandboxedConnection: ...


def connect(
    data: str | Path | None = None, *, sandbox: bool = False, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection | SandboxedConnection:
    """A DuckDB connection holding the dataset's typed tables and the convenience views.

    DATA as in ``locate_data``. Without ``sandbox`` this is a plain DuckDB connection: full
    DuckDB (files, extensions, settings, DDL), as your own process may do anything. With
    ``sandbox=True`` it is a ``SandboxedConnection`` (``sticoop.sandbox``): read-only
    statements only, no file but the dataset's, no extension, settings locked, memory bounded
    (MEMORY_LIMIT, default ``sandbox.MEMORY_LIMIT``), temporary files in a private folder.
    """
    import duckdb

    from sticoop import sandbox as sb
    from sticoop.database import create_views
    from sticoop.ddl import view_statements

    source = locate_data(data)
    temp = sb.private_temp_dir() if sandbox else None
    settings = sb.config(temp, memory_limit) if temp is not None else {}
    try:
        if source.database is not None:
            try:
                con = duckdb.connect(str(source.database), read_only=True, config=settings)
            except duckdb.Error as exc:
                raise UsageError(
                    f"{source.database}: not a readable DuckDB database: {exc}"
                ) from None
            allowed: list[Path] = []
        else:
            pkg = source.package
            assert pkg is not None
            check_headers(pkg)
            con = duckdb.connect(config=settings)
            root = pkg.root.resolve()
            try:
                for statement in view_statements(pkg, base=root):
                    con.execute(statement)
                create_views(con)
            except duckdb.Error as exc:
                con.close()
                raise DataError(f"{pkg.descriptor_path}: cannot set up the views: {exc}") from None
            except RuntimeError as exc:  # Ctrl-C or SIGTERM while the views were being set up
                con.close()
                if "interrupted" in str(exc).lower():
                    raise KeyboardInterrupt from None
                raise
            allowed = [root / res.path for res in pkg.resources]
        if temp is None:
            return con
        try:
            sb.apply(con, allowed)
        except BaseException:
            con.close()
            raise
        return sb.SandboxedConnection(con, temp)
    except BaseException:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
        raise


def relation_names(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """(tables, views) a connection offers to users, sorted; descriptor tables may be views."""
    from sticoop.ddl import view_names

    rows = con.execute(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_schema = 'main' ORDER BY table_name"
    ).fetchall()
    convenience = set(view_names())
    tables = [name for name, _ in rows if name not in convenience]
    views = [name for name, _ in rows if name in convenience]
    return tables, views


def _hint_for(exc: Exception, con: duckdb.DuckDBPyConnection) -> str:
    import duckdb

    tables, views = relation_names(con)
    known = f"tables: {', '.join(tables)}; views: {', '.join(views) or '-'}"
    if isinstance(exc, duckdb.PermissionException):
        return "queries may read only the dataset's own tables; " + known
    if isinstance(exc, duckdb.BinderException):
        return f"'DESCRIBE <table>' lists a table's columns; {known}"
    if isinstance(exc, duckdb.ConversionException):
        return "a value does not fit its declared type: run 'sticoop validate'"
    if isinstance(exc, duckdb.InvalidInputException) and "arameter" in str(exc):
        return "named parameters are written $name and given as params / --param name=value"
    return known


def _duckdb_error(
    exc: Exception, con: duckdb.DuckDBPyConnection, data: str | Path | None = None
) -> Exception:
    """The sticoop error for a DuckDB error: a CSV that does not parse is invalid data
    (exit 1, naming file and line); anything else a QueryError with a hint."""
    from sticoop.csvread import csv_error

    def files() -> list[Path]:
        source = locate_data(data)
        pkg = source.package
        return [pkg.csv_path(r.name) for r in pkg.resources] if pkg is not None else []

    found = csv_error(exc, files=files() if "Parallel CSV" in str(exc) else None)
    return found or QueryError(str(exc), hint=_hint_for(exc, con))


def run_query(
    sql: str,
    data: str | Path | None = None,
    params: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
    memory_limit: str | None = None,
) -> pyarrow.Table:
    """Run one read-only SQL statement against DATA and return the result as an Arrow table.

    PARAMS fill DuckDB named parameters (``$name``). Raises QueryError (with a hint naming the
    known tables) for syntax errors, unknown names and anything that is not a read;
    ``QueryTimeout`` after TIMEOUT seconds (None: no limit); KeyboardInterrupt on Ctrl-C or
    SIGTERM (the query is interrupted at once); a ``DataError`` when a CSV does not parse.
    MEMORY_LIMIT is DuckDB's (e.g. ``"2GB"``, default ``sandbox.MEMORY_LIMIT``).
    """
    return _run_query(
        sql, data, params, lambda relation, check: relation.to_arrow_table(), timeout, memory_limit
    )


def run_query_rows(
    sql: str,
    data: str | Path | None = None,
    params: Mapping[str, Any] | None = None,
    *,
    max_rows: int | None = None,
    timeout: float | None = None,
    memory_limit: str | None = None,
) -> Rows:
    """``run_query`` returning plain Python rows (``query_output.Rows``): no pyarrow import,
    which is most of the start-up time of a small query printed as text.

    With MAX_ROWS only that many rows are fetched (the result streams: the rest is never
    computed or held); ``Rows.more`` then says whether the query had more.
    """
    from sticoop.query_output import Rows

    def fetch(relation: Any, check: Callable[[], None]) -> Rows:
        return Rows.from_relation(relation, limit=max_rows, check=check)

    return _run_query(sql, data, params, fetch, timeout, memory_limit)


def _run_query(
    sql: str,
    data: str | Path | None,
    params: Mapping[str, Any] | None,
    fetch: Callable[[Any, Callable[[], None]], Any],
    timeout: float | None = None,
    memory_limit: str | None = None,
) -> Any:
    """The guarded query behind both ``run_query`` functions; FETCH turns the relation into
    the result (calling its second argument between batches, to stop when interrupted)."""
    import duckdb

    from sticoop.interrupts import Watchdog

    sandboxed = connect(data, sandbox=True, memory_limit=memory_limit)
    con = sandboxed.raw
    try:
        with Watchdog(con, timeout if timeout else None) as dog:
            try:
                text = check_read_only(sql)
                relation = con.sql(text, params=dict(params) if params else None)
                if relation is None:
                    raise QueryError("the statement returned no result")
                result = fetch(relation, dog.check)
            except duckdb.Error as exc:
                dog.check()
                raise _duckdb_error(exc, con, data) from None
            except QueryError as exc:
                if exc.hint is None:
                    exc.hint = _hint_for(exc, con)
                raise
        dog.check()
        return result
    finally:
        sandboxed.close()


def _enum_columns(data: str | Path | None, name: str) -> dict[str, tuple[str, ...]]:
    source = locate_data(data)
    if source.package is None or name not in source.package.resource_names:
        return {}
    res = source.package.resource(name)
    return {f.name: f.enum for f in res.fields if f.enum is not None}


def read_table(name: str, data: str | Path | None = None, pandas: bool = False) -> Any:
    """A table or convenience view as a polars DataFrame (a pandas one with ``pandas=True``).

    Enum columns become ``polars.Enum`` with the descriptor's values, in its order. Needs
    the ``polars`` extra (``pandas`` with ``pandas=True``), else raises ``MissingExtra``.
    """
    import duckdb

    from sticoop.extras import require
    from sticoop.sql_text import quote_ident as ident

    if pandas:
        require("pandas", "pandas", "read_table(pandas=True)")
    else:
        pl = require("polars", "polars", "read_table()")

    con = connect(data)
    try:
        tables, views = relation_names(con)
        if name not in tables + views:
            raise QueryError(
                f"no table or view named {name!r}",
                hint=f"tables: {', '.join(tables)}; views: {', '.join(views)}",
            )
        try:
            relation = con.sql(f"SELECT * FROM {ident(name)}")
            if pandas:
                return relation.df()
            frame = relation.pl()
        except duckdb.Error as exc:
            raise _duckdb_error(exc, con, data) from None
    finally:
        con.close()
    enums = _enum_columns(data, name)
    if enums:
        frame = frame.with_columns(
            pl.col(col).cast(pl.String).cast(pl.Enum(list(values))) for col, values in enums.items()
        )
    return frame
