"""DuckDB DDL generated from the descriptor: enum types, typed tables or views, keys, comments.

Types always come from ``datapackage.json``; CSVs are read with the dialect spelled out and
every column as text, then cast (no sniffing). Two shapes share one typed projection:

- *views* over ``read_csv`` (lazy: a query reads only the files and columns it needs), used by
  ``sticoop.connect`` and by the committed ``load.sql``;
- *tables* with NOT NULL and CHECK constraints, primary and foreign keys, filled from the CSVs
  by ``sticoop.database.build_database`` for the release's ``.duckdb`` file.

This module only writes SQL text; ``sticoop.database`` runs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from sticoop.descriptor import Field, ForeignKey, Package, Resource
from sticoop.sql_text import quote_ident, quote_literal
from sticoop.table_graph import referenced_first
from sticoop.views import VIEWS

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


def _ident(name: str) -> str:
    """NAME as an identifier of the generated DDL: quoted only where DuckDB needs it."""
    return quote_ident(name, only_if_needed=True)


def enum_type_name(resource: Resource, field: Field) -> str:
    """Name of the ENUM type of an enum column: ``<table>_<column>``."""
    return f"{resource.name}_{field.name}"


def column_type(resource: Resource, field: Field) -> str:
    """The DuckDB type of a column, from the descriptor alone."""
    if field.enum is not None:
        return _ident(enum_type_name(resource, field))
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
                values = ", ".join(quote_literal(v) for v in f.enum)
                name = _ident(enum_type_name(res, f))
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
    columns = ", ".join(f"{quote_literal(f.name)}: 'VARCHAR'" for f in res.fields)
    options = [
        quote_literal(path),
        f"columns = {{{columns}}}",
        f"delim = {quote_literal(dialect.delimiter)}",
        f"quote = {quote_literal(dialect.quote_char)}",
        f"escape = {quote_literal(dialect.escape)}",
        f"header = {'true' if dialect.header else 'false'}",
        "auto_detect = false",
        # a row that does not parse is an error, never skipped or padded (sticoop.csvread)
        "strict_mode = true",
        "null_padding = false",
        "ignore_errors = false",
    ]
    if dialect.comment_char:
        options.append(f"comment = {quote_literal(dialect.comment_char)}")
    if res.missing_values != ("",):
        options.append(f"nullstr = [{', '.join(quote_literal(v) for v in res.missing_values)}]")
    return "read_csv(\n" + ",\n".join(_INDENT * 2 + o for o in options) + f"\n{_INDENT})"


def cast_expression(resource: Resource, field: Field) -> str:
    """Expression turning the text column into its descriptor type (strict for booleans)."""
    col = _ident(field.name)
    if field.type == "string" and field.enum is None:
        return col
    if field.type == "boolean":
        trues = ", ".join(quote_literal(v) for v in field.true_values)
        falses = ", ".join(quote_literal(v) for v in field.false_values)
        where = quote_literal(f"{resource.name}.{field.name}: not a boolean: ")
        return (
            f"CASE WHEN {col} IN ({trues}) THEN true WHEN {col} IN ({falses}) THEN false "
            f"WHEN {col} IS NULL THEN NULL ELSE error({where} || {col}) END"
        )
    if _plain_cast(field):
        return f"CAST({col} AS {column_type(resource, field)})"
    from sticoop.validators.typed_sql import cast_sql

    where = quote_literal(f"{resource.name}.{field.name}: not a valid {field.type}: ")
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
        cols.append(expr if expr == _ident(f.name) else f"{expr} AS {_ident(f.name)}")
    body = (",\n" + _INDENT).join(cols)
    return f"SELECT\n{_INDENT}{body}\nFROM {read_csv_call(pkg, res, path)}"


def comment_statements(res: Resource, kind: str) -> list[str]:
    """``COMMENT ON TABLE|VIEW`` and ``COMMENT ON COLUMN`` from the descriptor's descriptions."""
    out = []
    about = res.title + (f": {res.description}" if res.description else "")
    out.append(f"COMMENT ON {kind} {_ident(res.name)} IS {quote_literal(about)};")
    for f in res.fields:
        if f.description:
            target = f"{_ident(res.name)}.{_ident(f.name)}"
            out.append(f"COMMENT ON COLUMN {target} IS {quote_literal(f.description)};")
    return out


def _check_constraints(f: Field) -> list[str]:
    col = _ident(f.name)
    checks = []
    if f.pattern is not None and f.type == "string" and f.enum is None:
        checks.append(f"regexp_full_match({col}, {quote_literal(f.pattern)})")
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


def create_table_statement(
    pkg: Package, res: Resource, *, primary_key: bool = True, foreign_keys: bool = True
) -> str:
    """``CREATE TABLE`` with NOT NULL, CHECK, PRIMARY KEY and FOREIGN KEY constraints.

    ``primary_key=False`` leaves the key out, to be added once the table is filled
    (``primary_key_statement``): building the index in bulk is faster than row by row.
    ``foreign_keys=False`` leaves the foreign keys out.
    """
    lines = []
    for f in res.fields:
        parts = [_ident(f.name), column_type(res, f)]
        if f.required or f.name in res.primary_key:
            parts.append("NOT NULL")
        parts += [f"CHECK ({c})" for c in _check_constraints(f)]
        lines.append(" ".join(parts))
    if res.primary_key and primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(_ident(c) for c in res.primary_key)})")
    for fk in enforceable_foreign_keys(pkg, res) if foreign_keys else []:
        cols = ", ".join(_ident(c) for c in fk.fields)
        refs = ", ".join(_ident(c) for c in fk.ref_fields)
        lines.append(f"FOREIGN KEY ({cols}) REFERENCES {_ident(fk.resource)} ({refs})")
    body = (",\n" + _INDENT).join(lines)
    return f"CREATE TABLE {_ident(res.name)} (\n{_INDENT}{body}\n);"


def primary_key_statement(res: Resource) -> str:
    """``ALTER TABLE … ADD PRIMARY KEY`` for a table created without its key."""
    cols = ", ".join(_ident(c) for c in res.primary_key)
    return f"ALTER TABLE {_ident(res.name)} ADD PRIMARY KEY ({cols});"


def table_order(pkg: Package) -> list[Resource]:
    """Resources ordered so every referenced table comes before the tables referencing it."""
    return referenced_first(
        pkg.resources, lambda res: {fk.resource for fk in enforceable_foreign_keys(pkg, res)}
    )


def view_statements(pkg: Package, *, base: str | Path | None = None) -> list[str]:
    """Typed views over the CSVs, with comments.

    ``base=None`` writes the descriptor's relative paths (``resources/x.csv``, resolved from
    the current directory, as ``load.sql`` needs); otherwise paths are joined to ``base``.
    """
    out = type_statements(pkg, if_not_exists=True)
    for res in pkg.resources:
        path = res.path if base is None else str(Path(base) / res.path)
        out.append(f"CREATE OR REPLACE VIEW {_ident(res.name)} AS\n{typed_select(pkg, res, path)};")
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
        out.append(f"COMMENT ON VIEW {view.name} IS {quote_literal(view.description)};")
    return out


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


def view_names() -> Sequence[str]:
    """The convenience views' names."""
    return [v.name for v in VIEWS]
