"""DuckDB DDL generated from the descriptor: enum types, typed tables or views, keys, comments.

Types always come from ``datapackage.json``; CSVs are read with the dialect spelled out and
every column as text, then cast (no sniffing). Two shapes share one typed projection:

- *views* over ``read_csv`` (lazy: a query reads only the files and columns it needs), used by
  ``sticoop.connect`` and by the committed ``load.sql``;
- *tables* with primary keys, foreign keys, NOT NULL and CHECK constraints, filled from the
  CSVs, used by ``build_database`` for the release's ``.duckdb`` file.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sticoop.descriptor import Field, ForeignKey, Package, Resource
from sticoop.errors import DataError, EnvironmentProblem
from sticoop.views import VIEWS

if TYPE_CHECKING:
    import duckdb

# DuckDB's reserved keywords (``duckdb_keywords()``, category 'reserved'), fixed here so that
# generated SQL does not change with the installed DuckDB version.
_RESERVED = frozenset(
    """all analyse analyze and any array as asc asymmetric both case cast check collate column
    constraint create default deferrable desc describe distinct do else end except false fetch
    for foreign from group having in initially intersect into lambda lateral leading limit not
    null offset on only or order pivot pivot_longer pivot_wider placing primary qualify
    references returning select show some summarize symmetric table then to trailing true union
    unique unpivot using variadic when where window with""".split()  # noqa: SIM905
)
_SIMPLE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_SCALAR_TYPES = {
    "string": "VARCHAR",
    "integer": "INTEGER",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "time": "TIME",
    "datetime": "TIMESTAMP",
    "year": "INTEGER",
    "yearmonth": "DATE",
    "duration": "VARCHAR",
    "geopoint": "VARCHAR",
    "geojson": "VARCHAR",
    "object": "VARCHAR",
    "array": "VARCHAR",
    "list": "VARCHAR",
    "any": "VARCHAR",
}
_INT32 = 2**31
_INDENT = "    "
# build_database's DuckDB buffer pool. Table data beyond it spills to the file, but a table's
# primary-key index is held whole while it is built (about 450 MB for 3.8 million rows).
MEMORY_LIMIT = "1GB"
# The smallest block DuckDB allows (the default is 256 KiB): a file of many small tables, each
# with its own blocks, is ~10x smaller; the build then checkpoints so the WAL is folded in.
COMPACT = {"default_block_size": "16384"}


def ident(name: str) -> str:
    """Quote an identifier only where DuckDB needs it."""
    if _SIMPLE_NAME.fullmatch(name) and name not in _RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def enum_type_name(resource: Resource, field: Field) -> str:
    """Name of the ENUM type of an enum column: ``<table>_<column>``."""
    return f"{resource.name}_{field.name}"


def column_type(resource: Resource, field: Field) -> str:
    """The DuckDB type of a column, from the descriptor alone."""
    if field.enum is not None:
        return ident(enum_type_name(resource, field))
    if field.type == "integer" and not _fits_int32(field):
        return "HUGEINT"
    return _SCALAR_TYPES[field.type]


def _fits_int32(field: Field) -> bool:
    """True when FIELD's declared bounds keep every value within a 32-bit INTEGER."""
    low = field.minimum if field.minimum is not None else field.exclusive_minimum
    high = field.maximum if field.maximum is not None else field.exclusive_maximum
    return low is not None and high is not None and low >= -_INT32 and high < _INT32


def type_statements(pkg: Package, *, if_not_exists: bool = False) -> list[str]:
    """``CREATE TYPE … AS ENUM`` for every enum column, values in descriptor order."""
    guard = " IF NOT EXISTS" if if_not_exists else ""
    out = []
    for res in pkg.resources:
        for f in res.fields:
            if f.enum is not None:
                values = ", ".join(literal(v) for v in f.enum)
                name = ident(enum_type_name(res, f))
                out.append(f"CREATE TYPE{guard} {name} AS ENUM ({values});")
    return out


def read_csv_call(pkg: Package, res: Resource, path: str) -> str:
    """``read_csv(...)`` of one resource: dialect spelled out, every column VARCHAR, no sniffing,
    and strict: a row that does not parse raises an error. A Parquet table gives the same
    text columns (``sticoop.parquet_source``)."""
    if res.format == "parquet":
        from sticoop.parquet_source import parquet_text_source

        return parquet_text_source(res, path)
    dialect = res.dialect
    columns = ", ".join(f"{literal(f.name)}: 'VARCHAR'" for f in res.fields)
    options = [
        literal(path),
        f"columns = {{{columns}}}",
        f"delim = {literal(dialect.delimiter)}",
        f"quote = {literal(dialect.quote_char)}",
        f"escape = {literal(dialect.escape)}",
        f"header = {'true' if dialect.header else 'false'}",
        "auto_detect = false",
        # a row that does not parse is an error, never skipped or padded (sticoop.csvread)
        "strict_mode = true",
        "null_padding = false",
        "ignore_errors = false",
    ]
    if dialect.comment_char:
        options.append(f"comment = {literal(dialect.comment_char)}")
    if res.missing_values != ("",):
        options.append(f"nullstr = [{', '.join(literal(v) for v in res.missing_values)}]")
    return "read_csv(\n" + ",\n".join(_INDENT * 2 + o for o in options) + f"\n{_INDENT})"


def cast_expression(resource: Resource, field: Field) -> str:
    """Expression turning the text column into its descriptor type (strict for booleans)."""
    col = ident(field.name)
    if field.type == "string" and field.enum is None:
        return col
    if field.type == "boolean":
        trues = ", ".join(literal(v) for v in field.true_values)
        falses = ", ".join(literal(v) for v in field.false_values)
        where = literal(f"{resource.name}.{field.name}: not a boolean: ")
        return (
            f"CASE WHEN {col} IN ({trues}) THEN true WHEN {col} IN ({falses}) THEN false "
            f"WHEN {col} IS NULL THEN NULL ELSE error({where} || {col}) END"
        )
    if _plain_cast(field):
        return f"CAST({col} AS {column_type(resource, field)})"
    from sticoop.validators.typed_sql import cast_sql

    where = literal(f"{resource.name}.{field.name}: not a valid {field.type}: ")
    typed = f"CAST(({cast_sql(field, col)}) AS {column_type(resource, field)})"
    return f"CASE WHEN {col} IS NULL THEN NULL ELSE coalesce({typed}, error({where} || {col})) END"


def _plain_cast(field: Field) -> bool:
    """True when DuckDB's own CAST reads FIELD's text exactly as the Table Schema does."""
    if field.enum is not None:
        return True
    if field.type == "integer":
        return field.bare_number and not field.group_char
    if field.type == "date":
        return field.format == "default"
    if field.type == "number":
        return field.bare_number and not field.group_char and field.decimal_char == "."
    return _SCALAR_TYPES[field.type] == "VARCHAR" and field.type != "string"


def typed_select(pkg: Package, res: Resource, path: str) -> str:
    """``SELECT <typed columns> FROM read_csv(...)`` for one resource."""
    cols = []
    for f in res.fields:
        expr = cast_expression(res, f)
        cols.append(expr if expr == ident(f.name) else f"{expr} AS {ident(f.name)}")
    body = (",\n" + _INDENT).join(cols)
    return f"SELECT\n{_INDENT}{body}\nFROM {read_csv_call(pkg, res, path)}"


def comment_statements(res: Resource, kind: str) -> list[str]:
    """``COMMENT ON TABLE|VIEW`` and ``COMMENT ON COLUMN`` from the descriptor's descriptions."""
    out = []
    about = res.title + (f": {res.description}" if res.description else "")
    out.append(f"COMMENT ON {kind} {ident(res.name)} IS {literal(about)};")
    for f in res.fields:
        if f.description:
            target = f"{ident(res.name)}.{ident(f.name)}"
            out.append(f"COMMENT ON COLUMN {target} IS {literal(f.description)};")
    return out


def _check_constraints(f: Field) -> list[str]:
    col = ident(f.name)
    checks = []
    if f.pattern is not None and f.type == "string" and f.enum is None:
        checks.append(f"regexp_full_match({col}, {literal(f.pattern)})")
    if f.max_length is not None:
        checks.append(f"length({col}) <= {int(f.max_length)}")
    from sticoop.validators.typed_sql import sql_literal

    bounds = (
        (f.minimum, ">="),
        (f.exclusive_minimum, ">"),
        (f.maximum, "<="),
        (f.exclusive_maximum, "<"),
    )
    checks += [f"{col} {op} {sql_literal(value)}" for value, op in bounds if value is not None]
    return checks


def enforceable_foreign_keys(pkg: Package, res: Resource) -> list[ForeignKey]:
    """Foreign keys DuckDB can enforce: those whose target columns are the target's primary key.

    (Others, like a composite key into a non-unique column pair, stay the validator's job.)
    """
    out = []
    for fk in res.foreign_keys:
        target = pkg.resource(fk.resource)
        if tuple(fk.ref_fields) == tuple(target.primary_key):
            out.append(fk)
    return out


def create_table_statement(pkg: Package, res: Resource, *, primary_key: bool = True) -> str:
    """``CREATE TABLE`` with NOT NULL, CHECK, PRIMARY KEY and FOREIGN KEY constraints.

    ``primary_key=False`` leaves the key out, to be added once the table is filled
    (``primary_key_statement``): building the index in bulk is faster than row by row.
    """
    lines = []
    for f in res.fields:
        parts = [ident(f.name), column_type(res, f)]
        if f.required or f.name in res.primary_key:
            parts.append("NOT NULL")
        parts += [f"CHECK ({c})" for c in _check_constraints(f)]
        lines.append(" ".join(parts))
    if res.primary_key and primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(ident(c) for c in res.primary_key)})")
    for fk in enforceable_foreign_keys(pkg, res):
        cols = ", ".join(ident(c) for c in fk.fields)
        refs = ", ".join(ident(c) for c in fk.ref_fields)
        lines.append(f"FOREIGN KEY ({cols}) REFERENCES {ident(fk.resource)} ({refs})")
    body = (",\n" + _INDENT).join(lines)
    return f"CREATE TABLE {ident(res.name)} (\n{_INDENT}{body}\n);"


def primary_key_statement(res: Resource) -> str:
    """``ALTER TABLE … ADD PRIMARY KEY`` for a table created without its key."""
    cols = ", ".join(ident(c) for c in res.primary_key)
    return f"ALTER TABLE {ident(res.name)} ADD PRIMARY KEY ({cols});"


def table_order(pkg: Package) -> list[Resource]:
    """Resources ordered so every referenced table comes before the tables referencing it."""
    done: list[str] = []
    pending = list(pkg.resources)
    while pending:
        for res in pending:
            deps = {fk.resource for fk in enforceable_foreign_keys(pkg, res)} - {res.name}
            if deps <= set(done):
                done.append(res.name)
                pending.remove(res)
                break
        else:
            names = ", ".join(r.name for r in pending)
            raise DataError(f"foreign keys between tables form a cycle: {names}")
    return [pkg.resource(n) for n in done]


def ddl_statements(pkg: Package) -> list[str]:
    """Enum types, tables with keys and constraints, and comments, in creation order."""
    out = type_statements(pkg)
    ordered = table_order(pkg)
    out += [create_table_statement(pkg, res) for res in ordered]
    for res in ordered:
        out += comment_statements(res, "TABLE")
    return out


def view_statements(pkg: Package, *, base: str | Path | None = None) -> list[str]:
    """Typed views over the CSVs, with comments.

    ``base=None`` writes the descriptor's relative paths (``resources/x.csv``, resolved from
    the current directory, as ``load.sql`` needs); otherwise paths are joined to ``base``.
    """
    out = type_statements(pkg, if_not_exists=True)
    for res in pkg.resources:
        path = res.path if base is None else str(Path(base) / res.path)
        out.append(f"CREATE OR REPLACE VIEW {ident(res.name)} AS\n{typed_select(pkg, res, path)};")
        out += comment_statements(res, "VIEW")
    return out


def convenience_view_statements(available: Iterable[str] | None = None) -> list[str]:
    """The convenience views (``sticoop.views``) with their comments; with AVAILABLE, only
    those whose tables are all among AVAILABLE."""
    have = None if available is None else set(available)
    out = []
    for view in VIEWS:
        if have is not None and not set(view.requires) <= have:
            continue
        out.append(f"CREATE OR REPLACE VIEW {view.name} AS\n{view.sql.strip()};")
        out.append(f"COMMENT ON VIEW {view.name} IS {literal(view.description)};")
    return out


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create the convenience views over the tables (or views) named as the descriptor's.

    A view is skipped when a table it reads is absent (a package with other tables).
    """
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()
    _execute_all(con, convenience_view_statements(row[0] for row in rows))


def load_sql(pkg: Package) -> str:
    """The text of ``load.sql``: typed views over ``resources/*.csv`` plus convenience views.

    Run from a clone with any DuckDB client: ``duckdb -c ".read load.sql"``.
    """
    header = [
        f"-- {pkg.title} ({pkg.name}): typed DuckDB views over the CSVs.",
        "-- Generated from datapackage.json by sticoop; do not edit by hand.",
        "-- Run from the repository root, e.g.  duckdb -cmd '.read load.sql'",
        "-- or, in Python,  duckdb.connect().execute(open('load.sql').read())",
    ]
    body = view_statements(pkg) + convenience_view_statements(pkg.resource_names)
    return "\n".join(header) + "\n\n" + "\n\n".join(body) + "\n"


def _execute_all(con: duckdb.DuckDBPyConnection, statements: Iterable[str]) -> None:
    for statement in statements:
        con.execute(statement)


def _self_keys(res: Resource) -> list[ForeignKey]:
    return [fk for fk in res.foreign_keys if fk.resource == res.name]


def _fill_table(con: duckdb.DuckDBPyConnection, pkg: Package, res: Resource) -> None:
    """Insert a resource's rows; with self-references, parents before children."""
    select = typed_select(pkg, res, str(pkg.csv_path(res.name)))
    name = ident(res.name)
    self_keys = [fk for fk in _self_keys(res) if fk in enforceable_foreign_keys(pkg, res)]
    order = ", ".join(ident(c) for c in res.primary_key) or "ALL"
    if not self_keys:
        con.execute(f"INSERT INTO {name} {select}\nORDER BY {order}")
        return
    stage = ident(f"stage_{res.name}")
    con.execute(f"CREATE TEMP TABLE {stage} AS {select}")
    same_row = " AND ".join(f"t.{ident(c)} = s.{ident(c)}" for c in res.primary_key)
    conditions = [f"NOT EXISTS (SELECT 1 FROM {name} t WHERE {same_row})"]
    for fk in self_keys:
        nulls = " OR ".join(f"s.{ident(c)} IS NULL" for c in fk.fields)
        match = " AND ".join(
            f"t.{ident(r)} = s.{ident(c)}" for c, r in zip(fk.fields, fk.ref_fields, strict=True)
        )
        conditions.append(f"({nulls} OR EXISTS (SELECT 1 FROM {name} t WHERE {match}))")
    insert = f"INSERT INTO {name} SELECT s.* FROM {stage} s WHERE " + " AND ".join(conditions)
    pk = ", ".join(f"s.{ident(c)}" for c in res.primary_key)
    total = con.execute(f"SELECT count(*) FROM {stage}").fetchone()[0]
    loaded = 0
    while loaded < total:
        added = con.execute(f"{insert}\nORDER BY {pk}").fetchone()[0]
        if added == 0:
            raise DataError(
                f"{res.name}: {total - loaded} rows reference rows of the same table that are "
                "missing or form a cycle",
                hint="run 'sticoop validate'",
            )
        loaded += added
    con.execute(f"DROP TABLE {stage}")


class Cancelled(Exception):
    """``build_database`` was cancelled (see its ``cancel`` argument)."""


class _Cancellation:
    """The build's connections; once CANCEL is set, whatever runs on them is interrupted and
    ``check`` raises ``Cancelled``."""

    def __init__(self, con: duckdb.DuckDBPyConnection, cancel: threading.Event | None) -> None:
        self.con = con
        self.cancel = cancel
        self._lock = threading.Lock()
        self._open = [con]
        self._finished = False
        if cancel is not None:
            threading.Thread(target=self._watch, daemon=True, name="sticoop-ddl-cancel").start()

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("building the database was cancelled")

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for a worker thread, interrupted with the rest."""
        self.check()
        with self._lock:
            cur = self.con.cursor()
            self._open.append(cur)
        try:
            yield cur
        finally:
            with self._lock:
                self._open.remove(cur)
            cur.close()

    def interrupt(self) -> None:
        with self._lock:
            if not self._finished:
                for con in self._open:
                    con.interrupt()

    def finish(self) -> None:
        with self._lock:
            self._finished = True

    def _watch(self) -> None:
        assert self.cancel is not None
        while not self._finished:
            if self.cancel.wait(0.1):
                self.interrupt()
                return


def _deferred_keys(pkg: Package) -> set[str]:
    """Tables whose primary key is added after the fill: building the index in bulk is faster
    than row by row. Tables that foreign keys point at need their key from the start."""
    referenced = {fk.resource or res.name for res in pkg.resources for fk in res.foreign_keys}
    return {r.name for r in pkg.resources if r.primary_key and r.name not in referenced}


def _load_tables(
    con: duckdb.DuckDBPyConnection, pkg: Package, guard: _Cancellation, workers: int
) -> None:
    """Create every table and fill it: first, one after the other, the tables foreign keys
    point at (referenced tables first); then the others, WORKERS at a time, on cursors of their
    own; then, one at a time, the primary keys of the latter, with a checkpoint after each.

    DuckDB checks foreign keys and builds an index on one thread per statement, so the fills
    that only check keys run side by side; the indexes are built one at a time and written out
    before the next, so memory holds one of them at a time.
    """
    from concurrent.futures import ThreadPoolExecutor

    ordered = table_order(pkg)
    deferred = _deferred_keys(pkg)
    for res in ordered:
        con.execute(create_table_statement(pkg, res, primary_key=res.name not in deferred))
        _execute_all(con, comment_statements(res, "TABLE"))
    for res in (r for r in ordered if r.name not in deferred):
        guard.check()
        _fill_table(con, pkg, res)
    leaves = [r for r in ordered if r.name in deferred]
    leaves.sort(key=lambda r: pkg.csv_path(r.name).stat().st_size, reverse=True)

    def fill(res: Resource) -> None:
        with guard.cursor() as cur:
            _fill_table(cur, pkg, res)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        jobs = [pool.submit(fill, res) for res in leaves]
        try:
            for job in jobs:
                job.result()
        except BaseException:
            for job in jobs:
                job.cancel()
            guard.interrupt()
            raise
    for res in (r for r in ordered if r.name in deferred):
        guard.check()
        con.execute(primary_key_statement(res))
        con.execute("CHECKPOINT")


def build_database(
    pkg: Package, dest: Path, *, workers: int = 2, cancel: threading.Event | None = None
) -> None:
    """Write a ``.duckdb`` file with typed tables, keys, comments and the convenience views.

    Written to a temporary file beside ``dest`` and moved into place, so ``dest`` is either the
    old file or the complete new one. Up to WORKERS tables are filled at a time (see
    ``_load_tables``). Setting CANCEL interrupts the build, which then raises ``Cancelled``.
    """
    import duckdb

    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp), config={"memory_limit": MEMORY_LIMIT, **COMPACT})
        guard = _Cancellation(con, cancel)
        try:
            _execute_all(con, type_statements(pkg))
            _load_tables(con, pkg, guard, workers)
            create_views(con)
            con.execute("CHECKPOINT")
        except duckdb.Error as exc:
            guard.check()
            raise DataError(
                f"building {dest.name}: {exc}", hint="run 'sticoop validate' first"
            ) from None
        finally:
            guard.finish()
            con.close()
        os.replace(tmp, dest)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot write {dest}: {exc.strerror}") from None
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)


def table_names(pkg: Package) -> list[str]:
    """The descriptor's table names."""
    return pkg.resource_names


def view_names() -> Sequence[str]:
    """The convenience views' names."""
    return [v.name for v in VIEWS]
