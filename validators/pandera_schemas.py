"""pandera (polars) schemas generated from the descriptor.

``schema(table)`` validates a polars DataFrame whose columns are all text (as read from the
CSV with ``infer_schema=False``) or already typed (as ``sticoop.read_table()`` returns them).
It applies the same ordered cell rules as the DuckDB engine (``cell_rules``), for every Table
Schema type, plus required cells and primary-key uniqueness: what a single table can show.
Typed columns are checked as their text form, and their type rule is already met. The rules
that read a cell as its Table Schema type (numbers with a decimal comma, geopoints, JSON...)
evaluate the validator's own SQL (``typed_sql``) over the column with DuckDB, so both engines
share one definition of every type.

    import polars as pl
    from sticoop.validators import schema
    df = pl.read_csv("resources/events.csv", infer_schema=False)
    schema("events").validate(df, lazy=True)
"""

from __future__ import annotations

from functools import reduce
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, assert_never

from sticoop.descriptor import Field, Package, Resource, load_package
from sticoop.validators.cell_rules import ISO_DATE, CellRule, cell_rules
from sticoop.validators.findings import Finding, truncate
from sticoop.validators.rule_checks import (
    Bound,
    Edge,
    FullMatch,
    IsoDate,
    LowerIn,
    MaxChars,
    MaxItems,
    MinLength,
    NumberRange,
    OneOf,
    Search,
    StartsWith,
    Typed,
    TypedOneOf,
)

if TYPE_CHECKING:
    import pandera.polars as pa
    import polars as pl


def _pandera() -> ModuleType:
    """``pandera.polars`` (which needs polars), or ``MissingExtra`` naming the extra."""
    from sticoop.extras import require

    require("polars", "pandera", "a pandera schema")
    return require("pandera.polars", "pandera", "a pandera schema")


def _fails(rule: CellRule, col: str) -> pl.Expr:
    """Polars expression: true where the non-null cell breaks RULE (mirrors ``rule_sql``)."""
    import polars as pl

    c = pl.col(col).cast(pl.Utf8)
    match rule.check:
        case Typed() | Bound() | TypedOneOf() | MinLength() | MaxItems():
            expr = c.map_batches(
                lambda series: _duckdb_fails(rule, series), return_dtype=pl.Boolean
            )
        case Search(pattern):
            expr = c.str.contains(pattern)
        case FullMatch(pattern):
            expr = ~c.str.contains(f"^(?:{pattern})$")
        case OneOf(values):
            expr = ~c.is_in(list(values))
        case LowerIn(values):
            expr = c.str.to_lowercase().is_in(list(values))
        case StartsWith(chars):
            expr = c.str.slice(0, 1).is_in(list(chars))
        case Edge(chars):
            expr = c.str.slice(0, 1).is_in(list(chars)) | c.str.slice(-1, 1).is_in(list(chars))
        case IsoDate():
            expr = (
                ~c.str.contains(f"^(?:{ISO_DATE})$")
                | c.str.to_date("%Y-%m-%d", strict=False).is_null()
            )
        case MaxChars(limit):
            expr = c.str.len_chars() > int(limit)
        case NumberRange(low, high):
            number = c.cast(pl.Float64, strict=False)
            parts = ([number < low] if low is not None else []) + (
                [number > high] if high is not None else []
            )
            expr = reduce(lambda a, b: a | b, parts)
        case _:
            assert_never(rule.check)
    return c.is_not_null() & expr.fill_null(False)


def _duckdb_fails(rule: CellRule, series: pl.Series) -> pl.Series:
    """RULE's SQL (``sql_cells.rule_sql``) evaluated over SERIES by DuckDB, row for row."""
    import duckdb
    import polars as pl

    from sticoop.validators.sql_cells import rule_sql

    frame = pl.DataFrame({"v": series.cast(pl.Utf8)})  # noqa: F841 - read by DuckDB below
    con = duckdb.connect()
    try:
        sql = f"SELECT CASE WHEN v IS NULL THEN false ELSE {rule_sql(rule, 'v')} END FROM frame"
        result = con.sql(sql).pl().to_series()
    finally:
        con.close()
    return result.cast(pl.Boolean)


def _checks(field: Field, house: bool) -> list[pa.Check]:
    """One pandera check per rule; a cell fails only the first rule it breaks. A column that
    is already typed (not text) meets its type rule: only the others apply."""
    import pandera.polars as pa
    import polars as pl

    rules = cell_rules(field, house)
    checks = []
    for i, rule in enumerate(rules):
        earlier = [_fails(r, field.name) for r in rules[:i]]
        first = reduce(lambda a, b: a & ~b, earlier, _fails(rule, field.name))
        is_type_rule = rule.code.endswith("-invalid") and rule.code != "enum-invalid"

        def check(  # EXPR and TYPE_RULE bound now, not at call time
            data: Any, expr: pl.Expr = first, type_rule: bool = is_type_rule
        ) -> pl.LazyFrame:
            typed = data.lazyframe.collect_schema()[data.key] not in (pl.Utf8, pl.String)
            if typed and type_rule:
                return data.lazyframe.select(pl.lit(True).alias(data.key))
            return data.lazyframe.select(~expr)

        checks.append(pa.Check(check, name=rule.code))
    return checks


def schema_for(resource: Resource, house: bool = True) -> pa.DataFrameSchema:
    """The pandera schema of RESOURCE (columns text or already typed; HOUSE: our data model's
    hygiene rules too). Needs the ``pandera`` extra, else raises ``MissingExtra``."""
    pa = _pandera()
    columns = {
        f.name: pa.Column(
            None,
            nullable=not f.required,
            unique=f.unique,
            checks=_checks(f, house),
            required=True,
        )
        for f in resource.fields
    }
    return pa.DataFrameSchema(
        columns, unique=list(resource.primary_key) or None, name=resource.name, strict=True
    )


def _package(package: str | Path | Package | None) -> Package:
    return package if isinstance(package, Package) else load_package(package)


def schema(table: str, package: str | Path | Package | None = None) -> pa.DataFrameSchema:
    """The pandera schema of TABLE in PACKAGE (a loaded package, or a path for
    ``load_package``; default: as ``load_package``)."""
    pkg = _package(package)
    return schema_for(pkg.resource(table), pkg.house)


def validate_frame(
    table: str,
    df: pl.DataFrame,
    package: str | Path | Package | None = None,
    file: str | None = None,
) -> list[Finding]:
    """Validate DF against TABLE's schema and return findings in the engine's terms.

    Row ``i`` (0-based) is reported at line ``i + 2`` (header = line 1, one line per record).
    Needs the ``pandera`` extra, else raises ``MissingExtra``.
    """
    pa = _pandera()
    pkg = _package(package)
    res = pkg.resource(table)
    df = _missing_as_null(res, df)
    try:
        schema_for(res, pkg.house).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _to_findings(res, df, exc.failure_cases, file)
    return []


def _missing_as_null(res: Resource, df: pl.DataFrame) -> pl.DataFrame:
    """Text cells equal to one of the column's declared missing values become null."""
    import polars as pl

    changes = [
        pl.when(pl.col(f.name).is_in(list(f.missing_values)))
        .then(None)
        .otherwise(pl.col(f.name))
        .alias(f.name)
        for f in res.fields
        if f.name in df.columns and df.schema[f.name] == pl.Utf8 and f.missing_values != ("",)
    ]
    return df.with_columns(changes) if changes else df


def _to_findings(
    res: Resource, df: pl.DataFrame, cases: pl.DataFrame, file: str | None
) -> list[Finding]:
    findings = []
    first_seen: set[tuple] = set()
    pk = list(res.primary_key)
    for case in cases.sort("index", nulls_last=True).iter_rows(named=True):
        index, column, check = case["index"], case["column"], case["check"]
        if index is None:  # schema-level problem (missing column, wrong dtype)
            findings.append(
                Finding(
                    code="header-missing-column",
                    message=str(case["failure_case"]),
                    table=res.name,
                    file=file,
                    column=column,
                )
            )
            continue
        row = df.row(index, named=True)
        rid = "/".join(str(row.get(c) or "") for c in pk) or None
        if check == "multiple_fields_uniqueness":
            key = tuple(row.get(c) for c in pk)
            if key not in first_seen:  # the engine reports repeats, not the first row
                first_seen.add(key)
                continue
            code, column, value = "pk-duplicate", pk[-1], rid
        elif check == "field_uniqueness":
            if (column, row.get(column)) not in first_seen:
                first_seen.add((column, row.get(column)))
                continue
            code, value = "unique-duplicate", row.get(column)
        elif check == "not_nullable":
            code, value = "required-missing", None
        else:
            code, value = check, row.get(column)
        findings.append(
            Finding(
                code=code,
                message=f"{column}: {code}",
                table=res.name,
                file=file,
                line=index + 2,
                column=column,
                record_id=rid,
                value=truncate(value),
            )
        )
    return findings
