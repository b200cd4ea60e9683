"""Compile cell rules to one DuckDB query per table (one pass over the rows)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import assert_never

from sticoop.descriptor import Field, Resource
from sticoop.descriptor_values import re2_fullmatch
from sticoop.sql_text import quote_ident, quote_literal
from sticoop.validators.cell_rules import ISO_DATE, PLACEHOLDERS, CellRule, cell_rules
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

_CLEAN_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.]*")


def _literal_list(values: Iterable[object]) -> str:
    return ", ".join(quote_literal(v) for v in values)


def member_sql(col: str, values: Iterable[object]) -> str:
    """True when COL is one of VALUES, as a list look-up. (DuckDB's in_clause optimizer, which
    engine._duckdb disables, would turn a long list into a join run on every row, even inside
    a CASE branch that skips the row.)"""
    return f"list_contains([{_literal_list(values)}], {col})"


def _re2_char(char: str) -> str:
    """CHAR escaped for an RE2 character class."""
    return f"\\x{{{ord(char):x}}}"


def _char_class(chars: object) -> str:
    """An RE2 character class of CHARS."""
    return "[" + "".join(_re2_char(str(c)) for c in dict.fromkeys(chars)) + "]"  # type: ignore[call-overload]


def starts_with_any_sql(col: str, chars: object) -> str:
    """True when COL starts with one of CHARS: an anchored regex, settled by the first
    character."""
    return f"regexp_matches({col}, {quote_literal('^' + _char_class(chars))})"


def ends_with_any_sql(col: str, chars: object) -> str:
    """True when COL ends with one of CHARS (the class anchored at the cell's end)."""
    return f"regexp_matches({col}, {quote_literal(_char_class(chars) + '$')})"


def edge_sql(col: str, chars: object) -> str:
    """True when COL starts or ends with one of CHARS. Two anchored regular expressions, which
    RE2 settles from one end of the cell, where the unanchored pair would scan all of it."""
    return f"({starts_with_any_sql(col, chars)} OR {ends_with_any_sql(col, chars)})"


def rule_sql(rule: CellRule, col: str) -> str:
    """SQL that is true when the non-null cell COL breaks RULE (one branch per check kind)."""
    from sticoop.validators.typed_sql import cast_sql, length_sql, sql_literal

    match rule.check:
        case Search(pattern):
            return f"regexp_matches({col}, {quote_literal(pattern)})"
        case FullMatch(pattern):
            return f"NOT regexp_full_match({col}, {quote_literal(pattern)})"
        case OneOf(values):
            return f"NOT {member_sql(col, values)}"
        case LowerIn(values):
            # The byte-length guard skips lower() for nearly every cell: a cell whose lower
            # case is a value of at most N characters has at most N characters of <= 4 bytes.
            longest = 4 * max(len(v) for v in values)
            return (
                f"CASE WHEN strlen({col}) <= {longest} "
                f"THEN {member_sql(f'lower({col})', values)} ELSE false END"
            )
        case StartsWith(chars):
            return starts_with_any_sql(col, chars)
        case Edge(chars):
            return edge_sql(col, chars)
        case IsoDate():
            return (
                f"(NOT regexp_full_match({col}, {quote_literal(ISO_DATE)}) "
                f"OR TRY_CAST({col} AS DATE) IS NULL)"
            )
        case MaxChars(limit):  # the byte length bounds the character count from above
            n = int(limit)
            return f"CASE WHEN strlen({col}) > {n} THEN length({col}) > {n} ELSE false END"
        case NumberRange(low, high):
            parts = []
            if low is not None:
                parts.append(f"TRY_CAST({col} AS DOUBLE) < {sql_literal(float(low))}")
            if high is not None:
                parts.append(f"TRY_CAST({col} AS DOUBLE) > {sql_literal(float(high))}")
            return "(" + " OR ".join(parts) + ")"
        case Typed(field):
            return f"({cast_sql(field, col)}) IS NULL"
        case Bound(field, op, attr):
            assert op in ("<", "<=", ">", ">="), op
            bound = sql_literal(getattr(field, attr))
            return f"coalesce(({cast_sql(field, col)}) {op} {bound}, false)"
        case TypedOneOf(field):
            from sticoop.descriptor_values import typed_value

            listed = ", ".join(sql_literal(typed_value(field, v)) for v in field.enum or ())
            return f"NOT coalesce(list_contains([{listed}], {cast_sql(field, col)}), false)"
        case MinLength(field):
            return f"coalesce({length_sql(field, col)} < {int(field.min_length or 0)}, false)"
        case MaxItems(field):
            return f"coalesce({length_sql(field, col)} > {int(field.max_length or 0)}, false)"
        case _:
            assert_never(rule.check)


def field_case_sql(field: Field, skip: frozenset[str] = frozenset(), house: bool = True) -> str:
    """A CASE expression giving the code of the first rule the cell breaks, else NULL."""
    col = quote_ident(field.name)
    branches = [f"WHEN {col} IS NULL THEN " + ("'required-missing'" if field.required else "NULL")]
    fast = fast_pass_sql(field, col) if house else None
    if fast:
        branches.append(f"WHEN {fast} THEN NULL")
    branches += [
        f"WHEN {rule_sql(r, col)} THEN {quote_literal(r.code)}"
        for r in cell_rules(field, house)
        if r.code not in skip
    ]
    return "CASE " + " ".join(branches) + " END"


# A "safe" pattern uses only these characters (and the escaped dot); whatever it matches is
# then made of letters, digits, '.', ',' and '-': no control character, no whitespace.
_SAFE_PATTERN = re.compile(r"(?:[A-Za-z0-9\-\[\](){}|*+?,]|\\\.)+")


def fast_pass_sql(field: Field, col: str) -> str | None:
    """A cheap condition that, when true, proves the non-null cell breaks none of its rules.

    Valid cells then skip most regular expressions of the rule chain (most of the time spent
    on cells). Each branch is sound by construction; the corpus tests check the outcome.
    """
    rules = cell_rules(field)
    if field.type == "string" and field.enum is not None:
        if all(_clean_value(v, field) for v in field.enum):
            return member_sql(col, field.enum)
        return None
    if field.type == "boolean":
        values = field.true_values + field.false_values
        if all(_CLEAN_VALUE.fullmatch(v) and v.lower() not in PLACEHOLDERS for v in values):
            return member_sql(col, values)
        return None
    if field.type in ("date", "integer"):
        # Only digits and one leading '-' pass these: no control, space or placeholder.
        wanted: tuple[str, ...] = (
            "date-invalid",
            "integer-invalid",
            "out-of-range",
            "enum-invalid",
        )
    elif field.type == "string" and field.pattern and _SAFE_PATTERN.fullmatch(field.pattern):
        if field.format not in ("default", ""):
            return None
        wanted = ("formula-prefix", "pattern-mismatch", "too-long")
        tests = [f"NOT ({rule_sql(r, col)})" for r in rules if r.code in wanted]
        # The pattern admits only ASCII, so a placeholder can only be one of the ASCII case
        # variants of a placeholder that the pattern itself admits: often none at all.
        spellings = _placeholder_spellings(field.pattern)
        return " AND ".join(tests + ([f"NOT {member_sql(col, spellings)}"] if spellings else []))
    else:
        return None
    return " AND ".join(f"NOT ({rule_sql(r, col)})" for r in rules if r.code in wanted)


@lru_cache(maxsize=256)
def _placeholder_spellings(pattern: str) -> tuple[str, ...]:
    """Every ASCII upper/lower-case spelling of a placeholder that PATTERN fully matches.

    Memoized: each call tries every spelling (hundreds of RE2 matches), and the same few
    patterns come back for every table of every validation."""
    found: list[str] = []
    for word in PLACEHOLDERS:
        variants = [""]
        for char in word:
            options = {char.lower(), char.upper()} if char.isascii() else {char}
            variants = [v + o for v in variants for o in sorted(options)]
        found += [v for v in variants if re2_fullmatch(pattern, v)]
    return tuple(found)


def _clean_value(value: str, field: Field) -> bool:
    """True when VALUE passes every rule of FIELD (so membership in the enum settles a cell)."""
    return bool(
        _CLEAN_VALUE.fullmatch(value)
        and value.lower() not in PLACEHOLDERS
        and (field.pattern is None or re2_fullmatch(field.pattern, value))
        and (field.max_length is None or len(value) <= field.max_length)
    )


def record_id_sql(resource: Resource, alias: str = "") -> str:
    """Expression rendering the primary key as ``a/b/c`` (the record id in findings)."""
    prefix = f"{alias}." if alias else ""
    cols = [f"coalesce({prefix}{quote_ident(c)}, '')" for c in resource.primary_key]
    return f"concat_ws('/', {', '.join(cols)})" if cols else "NULL"


def cell_check_sql(
    resource: Resource,
    view: str,
    columns: list[str],
    skip: frozenset[str] = frozenset(),
    house: bool = True,
) -> str:
    """One query returning a row per row with at least one bad cell, a code column per field.

    SKIP names rules proven unnecessary for this file (e.g. no control byte anywhere in it).
    """
    fields = [f for f in resource.fields if f.name in columns]
    flags = ", ".join(
        f"{field_case_sql(f, skip, house)} AS {quote_ident('f:' + f.name)}" for f in fields
    )
    values = ", ".join(quote_ident(f.name) for f in fields)
    any_flag = ", ".join(quote_ident("f:" + f.name) for f in fields)
    every = ", ".join(quote_ident(f.name) for f in resource.fields)
    # MATERIALIZED keeps DuckDB from copying every CASE into the filter (3x the planning time).
    return (
        f"WITH checked AS MATERIALIZED (SELECT __line, {record_id_sql(resource)} AS __rid, "
        f"coalesce({every}) IS NULL AS __blank, {values}, {flags} FROM {quote_ident(view)}) "
        f"SELECT * FROM checked WHERE coalesce({any_flag}) IS NOT NULL OR __blank ORDER BY __line"
    )
