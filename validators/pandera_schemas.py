"""pandera (polars) schemas generated from the descriptor.

``schema(table)`` validates a polars DataFrame whose columns are all text (as read from the
CSV with ``infer_schema=False``). It applies the same ordered cell rules as the DuckDB engine
(``cell_rules``), required cells and primary-key uniqueness: what a single table can show.

    import polars as pl
    from sticoop.validators import schema
    df = pl.read_csv("resources/events.csv", infer_schema=False)
    schema("events").validate(df, lazy=True)
"""

from __future__ import annotations

from functools import reduce
from pathlib import Path
from typing import TYPE_CHECKING

from sticoop.descriptor import Field, Resource, load_package
from sticoop.validators.cell_rules import ISO_DATE, CellRule, cell_rules
from sticoop.validators.findings import Finding, truncate

if TYPE_CHECKING:
    import pandera.polars as pa
    import polars as pl


def _fails(rule: CellRule, col: str) -> pl.Expr:
    """Polars expression: true where the non-null cell breaks RULE (mirrors ``rule_sql``)."""
    import polars as pl

    c = pl.col(col)
    kind, arg = rule.kind, rule.arg
    if kind == "search":
        expr = c.str.contains(str(arg))
    elif kind == "full":
        expr = ~c.str.contains(f"^(?:{arg})$")
    elif kind == "in":
        expr = ~c.is_in(list(arg))  # type: ignore[call-overload]
    elif kind == "in_lower":
        expr = c.str.to_lowercase().is_in(list(arg))  # type: ignore[call-overload]
    elif kind == "prefix":
        expr = c.str.slice(0, 1).is_in(list(arg))  # type: ignore[call-overload]
    elif kind == "edge":
        chars = list(arg)  # type: ignore[call-overload]
        expr = c.str.slice(0, 1).is_in(chars) | c.str.slice(-1, 1).is_in(chars)
    elif kind == "date":
        expr = (
            ~c.str.contains(f"^(?:{ISO_DATE})$") | c.str.to_date("%Y-%m-%d", strict=False).is_null()
        )
    elif kind == "max_len":
        expr = c.str.len_chars() > int(arg)  # type: ignore[call-overload]
    elif kind == "range":
        lo, hi = arg  # type: ignore[misc]
        number = c.cast(pl.Float64, strict=False)
        parts = ([number < lo] if lo is not None else []) + (
            [number > hi] if hi is not None else []
        )
        expr = reduce(lambda a, b: a | b, parts)
    else:
        raise ValueError(f"unknown rule kind {kind!r}")
    return c.is_not_null() & expr.fill_null(False)


def _checks(field: Field) -> list[pa.Check]:
    """One pandera check per rule; a cell fails only the first rule it breaks."""
    import pandera.polars as pa

    rules = cell_rules(field)
    checks = []
    for i, rule in enumerate(rules):
        earlier = [_fails(r, field.name) for r in rules[:i]]
        first = reduce(lambda a, b: a & ~b, earlier, _fails(rule, field.name))

        def check(data, expr=first):  # bind the expression now, not at call time
            return data.lazyframe.select(~expr)

        checks.append(pa.Check(check, name=rule.code))
    return checks


def schema_for(resource: Resource) -> pa.DataFrameSchema:
    """The pandera schema of RESOURCE (all columns text)."""
    import pandera.polars as pa
    import polars as pl

    columns = {
        f.name: pa.Column(pl.Utf8, nullable=not f.required, checks=_checks(f), required=True)
        for f in resource.fields
    }
    return pa.DataFrameSchema(
        columns, unique=list(resource.primary_key) or None, name=resource.name, strict=True
    )


def schema(table: str, package: str | Path | None = None) -> pa.DataFrameSchema:
    """The pandera schema of TABLE in PACKAGE (default: as ``load_package``)."""
    return schema_for(load_package(package).resource(table))


def validate_frame(
    table: str, df: pl.DataFrame, package: str | Path | None = None, file: str | None = None
) -> list[Finding]:
    """Validate DF against TABLE's schema and return findings in the engine's terms.

    Row ``i`` (0-based) is reported at line ``i + 2`` (header = line 1, one line per record).
    """
    import pandera.polars as pa

    res = load_package(package).resource(table)
    try:
        schema_for(res).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _to_findings(res, df, exc.failure_cases, file)
    return []


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
