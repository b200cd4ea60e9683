"""SQL over the dataset with DuckDB: connections, tables as DataFrames, and guarded queries.

A connection holds typed *views* over the CSVs (see ``sticoop.ddl``), so a query reads only
the files and columns it needs; or, for a release's ``.duckdb`` file, that database read-only.
``run_query`` adds a sandbox: one read-only statement, no file access beyond the dataset's
own files, configuration locked.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sticoop.descriptor import DESCRIPTOR_NAME, Package, load_package
from sticoop.errors import DataError, QueryError, UsageError

if TYPE_CHECKING:
    import duckdb
    import pyarrow

    from sticoop.query_output import Rows

ALLOWED_STATEMENTS = ("SELECT", "EXPLAIN")
_EXPLAIN = re.compile(r"\s*explain\s+(?:analy[sz]e\s+)?(?P<inner>.*)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class DataSource:
    """What a query runs against: a data package (CSVs) or a built ``.duckdb`` database."""

    package: Package | None = None
    database: Path | None = None

    @property
    def label(self) -> str:
        if self.package is not None:
            return str(self.package.descriptor_path)
        return str(self.database)


def locate_data(data: str | Path | None = None) -> DataSource:
    """Resolve DATA: None (current repository, else the bundled dataset), a ``datapackage.json``,
    a directory holding one (directly or in its one sub-directory, as an unpacked release), or
    a ``.duckdb`` file (or a directory holding exactly one)."""
    if data is None:
        return DataSource(package=load_package(None))
    path = Path(data)
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


def check_headers(pkg: Package) -> None:
    """Every CSV exists and its header row names the descriptor's columns, in order.

    (The views read columns by position, so a reordered header would silently shift them.)
    """
    for res in pkg.resources:
        path = pkg.csv_path(res.name)
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                header = next(csv.reader(fh), [])
        except FileNotFoundError:
            raise DataError(f"{path}: file missing", hint="run 'sticoop validate'") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError(f"{path}: cannot read: {exc}") from None
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        if header != res.field_names:
            raise DataError(
                f"{path}, line 1: header {','.join(header)!r} does not match the descriptor's "
                f"columns {','.join(res.field_names)!r}",
                hint="run 'sticoop validate'",
            )


def _sandbox(con: duckdb.DuckDBPyConnection, allowed_files: list[Path]) -> None:
    """Allow reading only ALLOWED_FILES, no extensions, and lock the configuration."""
    from sticoop.ddl import literal

    paths = ", ".join(literal(str(p)) for p in allowed_files)
    con.execute(f"SET allowed_paths = [{paths}]")
    con.execute("SET allowed_directories = []")
    con.execute("SET enable_external_access = false")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET lock_configuration = true")


def connect(data: str | Path | None = None, *, sandbox: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding the dataset's typed tables and the convenience views.

    DATA as in ``locate_data``. With ``sandbox=True`` the connection can read nothing but the
    dataset's files, load no extension, and change no setting.
    """
    import duckdb

    from sticoop.ddl import create_views, view_statements

    source = locate_data(data)
    if source.database is not None:
        try:
            con = duckdb.connect(str(source.database), read_only=True)
        except duckdb.Error as exc:
            raise UsageError(f"{source.database}: not a readable DuckDB database: {exc}") from None
        if sandbox:
            _sandbox(con, [])
        return con
    pkg = source.package
    assert pkg is not None
    check_headers(pkg)
    con = duckdb.connect()
    root = pkg.root.resolve()
    try:
        for statement in view_statements(pkg, base=root):
            con.execute(statement)
        create_views(con)
    except duckdb.Error as exc:
        con.close()
        raise DataError(f"{pkg.descriptor_path}: cannot set up the views: {exc}") from None
    if sandbox:
        _sandbox(con, [root / res.path for res in pkg.resources])
    return con


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


def statement_type(sql: str) -> tuple[str, str]:
    """(type, text) of the single statement in SQL; QueryError if there is none or several."""
    import duckdb

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(str(exc)) from None
    if not statements:
        raise QueryError("no SQL statement given")
    if len(statements) > 1:
        raise QueryError(
            f"{len(statements)} statements given; run one at a time",
            hint="remove the extra ';'-separated statements",
        )
    st = statements[0]
    return st.type.name, sql if st.query is None else st.query


def check_read_only(sql: str) -> str:
    """The statement in SQL if it only reads (SELECT, or EXPLAIN of a SELECT); else QueryError."""
    kind, text = statement_type(sql)
    if kind == "EXPLAIN":
        match = _EXPLAIN.match(text)
        inner_kind = statement_type(match.group("inner"))[0] if match else "UNKNOWN"
        if inner_kind != "SELECT":
            raise QueryError(
                "only EXPLAIN of a SELECT is allowed",
                hint="queries may only read the dataset (SELECT, WITH, FROM, DESCRIBE, SUMMARIZE)",
            )
        return text
    if kind not in ALLOWED_STATEMENTS:
        raise QueryError(
            f"{kind} statements are not allowed: queries may only read the dataset",
            hint="use SELECT (or WITH, FROM, DESCRIBE, SHOW, SUMMARIZE); "
            "to save results pass --output FILE",
        )
    return text


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


def run_query(
    sql: str,
    data: str | Path | None = None,
    params: Mapping[str, Any] | None = None,
) -> pyarrow.Table:
    """Run one read-only SQL statement against DATA and return the result as an Arrow table.

    PARAMS fill DuckDB named parameters (``$name``). Raises QueryError (with a hint naming the
    known tables) for syntax errors, unknown names and anything that is not a read.
    """
    return _run_query(sql, data, params, lambda relation: relation.to_arrow_table())


def run_query_rows(
    sql: str,
    data: str | Path | None = None,
    params: Mapping[str, Any] | None = None,
) -> Rows:
    """``run_query`` returning plain Python rows (``query_output.Rows``): no pyarrow import,
    which is most of the start-up time of a small query printed as text."""
    from sticoop.query_output import Rows

    return _run_query(sql, data, params, Rows.from_relation)


def _run_query(
    sql: str,
    data: str | Path | None,
    params: Mapping[str, Any] | None,
    fetch: Callable[[Any], Any],
) -> Any:
    """The guarded query behind both ``run_query`` functions; FETCH turns the relation into
    the result."""
    import duckdb

    con = connect(data, sandbox=True)
    try:
        try:
            text = check_read_only(sql)
            relation = con.sql(text, params=dict(params) if params else None)
            if relation is None:
                raise QueryError("the statement returned no result")
            return fetch(relation)
        except duckdb.Error as exc:
            raise QueryError(str(exc), hint=_hint_for(exc, con)) from None
        except QueryError as exc:
            if exc.hint is None:
                exc.hint = _hint_for(exc, con)
            raise
    finally:
        con.close()


def _enum_columns(data: str | Path | None, name: str) -> dict[str, tuple[str, ...]]:
    source = locate_data(data)
    if source.package is None or name not in source.package.resource_names:
        return {}
    res = source.package.resource(name)
    return {f.name: f.enum for f in res.fields if f.enum is not None}


def read_table(name: str, data: str | Path | None = None, pandas: bool = False) -> Any:
    """A table or convenience view as a polars DataFrame (a pandas one with ``pandas=True``).

    Enum columns become ``polars.Enum`` with the descriptor's values, in its order.
    """
    import duckdb

    from sticoop.ddl import ident

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
            raise QueryError(str(exc), hint=_hint_for(exc, con)) from None
    finally:
        con.close()
    enums = _enum_columns(data, name)
    if enums:
        import polars as pl

        frame = frame.with_columns(
            pl.col(col).cast(pl.String).cast(pl.Enum(list(values))) for col, values in enums.items()
        )
    return frame
