"""Compile cell rules to one DuckDB query per table (one pass over the rows)."""

from __future__ import annotations

import re

from sticoop.descriptor import Field, Resource
from sticoop.validators.cell_rules import ISO_DATE, PLACEHOLDERS, CellRule, cell_rules

_CLEAN_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.]*")


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _literal_list(values: object) -> str:
    return ", ".join(quote_literal(v) for v in values)  # type: ignore[union-attr]


def rule_sql(rule: CellRule, col: str) -> str:
    """SQL that is true when the non-null cell COL breaks RULE."""
    kind, arg = rule.kind, rule.arg
    if kind == "search":
        return f"regexp_matches({col}, {quote_literal(arg)})"
    if kind == "full":
        return f"NOT regexp_full_match({col}, {quote_literal(arg)})"
    if kind == "in":
        return f"{col} NOT IN ({_literal_list(arg)})"
    if kind == "in_lower":  # the length guard skips lower() for nearly every cell
        longest = max(len(str(v)) for v in arg)  # type: ignore[union-attr]
        return f"(length({col}) <= {longest} AND lower({col}) IN ({_literal_list(arg)}))"
    if kind == "prefix":
        return f"left({col}, 1) IN ({_literal_list(arg)})"
    if kind == "date":
        return (
            f"(NOT regexp_full_match({col}, {quote_literal(ISO_DATE)}) "
            f"OR TRY_CAST({col} AS DATE) IS NULL)"
        )
    if kind == "max_len":
        return f"length({col}) > {int(arg)}"  # type: ignore[call-overload]
    if kind == "range":
        lo, hi = arg  # type: ignore[misc]
        parts = []
        if lo is not None:
            parts.append(f"TRY_CAST({col} AS DOUBLE) < {lo}")
        if hi is not None:
            parts.append(f"TRY_CAST({col} AS DOUBLE) > {hi}")
        return "(" + " OR ".join(parts) + ")"
    raise ValueError(f"unknown rule kind {kind!r}")


def field_case_sql(field: Field) -> str:
    """A CASE expression giving the code of the first rule the cell breaks, else NULL."""
    col = quote_ident(field.name)
    branches = [f"WHEN {col} IS NULL THEN " + ("'required-missing'" if field.required else "NULL")]
    if enum_fast_pass(field):
        branches.append(f"WHEN {col} IN ({_literal_list(field.enum)}) THEN NULL")
    branches += [f"WHEN {rule_sql(r, col)} THEN {quote_literal(r.code)}" for r in cell_rules(field)]
    return "CASE " + " ".join(branches) + " END"


def enum_fast_pass(field: Field) -> bool:
    """True when every allowed value passes every other rule, so membership settles a cell.

    That lets the common valid cell skip the regular expressions (a large share of the time).
    """
    if field.enum is None or field.type != "string":
        return False
    return all(
        _CLEAN_VALUE.fullmatch(v)
        and v.lower() not in PLACEHOLDERS
        and (field.pattern is None or re.fullmatch(field.pattern, v))
        and (field.max_length is None or len(v) <= field.max_length)
        for v in field.enum
    )


def record_id_sql(resource: Resource, alias: str = "") -> str:
    """Expression rendering the primary key as ``a/b/c`` (the record id in findings)."""
    prefix = f"{alias}." if alias else ""
    cols = [f"coalesce({prefix}{quote_ident(c)}, '')" for c in resource.primary_key]
    return f"concat_ws('/', {', '.join(cols)})" if cols else "NULL"


def cell_check_sql(resource: Resource, view: str, columns: list[str]) -> str:
    """One query returning a row per row with at least one bad cell, a code column per field."""
    fields = [f for f in resource.fields if f.name in columns]
    flags = ", ".join(f"{field_case_sql(f)} AS {quote_ident('f:' + f.name)}" for f in fields)
    values = ", ".join(quote_ident(f.name) for f in fields)
    any_flag = ", ".join(quote_ident("f:" + f.name) for f in fields)
    # MATERIALIZED keeps DuckDB from copying every CASE into the filter (3x the planning time).
    return (
        f"WITH checked AS MATERIALIZED (SELECT __line, {record_id_sql(resource)} AS __rid, "
        f"{values}, {flags} FROM {quote_ident(view)}) "
        f"SELECT * FROM checked WHERE coalesce({any_flag}) IS NOT NULL ORDER BY __line"
    )
