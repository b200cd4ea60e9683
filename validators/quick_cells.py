"""Cheap SQL that proves a cell breaks no rule, for the quick pass over large packages.

Unlike ``sql_cells`` it does not say which rule a cell breaks: a table with any doubtful cell
is handed to the precise engine. Control characters (and text that may not be NFC) are ruled
out for whole files by ``quickscan``, so no cell is searched for them here. Where a cheaper
test settles several rules at once it replaces them: one anchored regular expression for
leading whitespace and formula prefixes, and a round trip through DATE for dates.
"""

from __future__ import annotations

import re

from sticoop.descriptor import Field
from sticoop.validators.cell_rules import URI, CellRule, cell_rules
from sticoop.validators.rule_checks import Edge, FullMatch, StartsWith
from sticoop.validators.sql_cells import (
    ends_with_any_sql,
    fast_pass_sql,
    quote_ident,
    quote_literal,
    rule_sql,
    starts_with_any_sql,
)

BYTE_RULES = ("control-char",)  # ruled out for the whole file by quickscan
_URI_TAIL = "+[^\\s]*"
# A pattern that only excludes control characters, e.g. ``[^\r\n]+``: a plain file's cells
# hold none (no control byte, and no LF inside a cell since records are lines).
_NO_CONTROLS = re.compile(r"\[\^(?:\\[rnt])+\]([+*])")
# A cell that is exactly how DuckDB writes a date, in 10 characters, is YYYY-MM-DD with digits
# only (no sign, no "(BC)", no fifth year digit): it breaks none of these.
_SETTLED_BY_DATE = ("control-char", "placeholder", "whitespace", "formula-prefix", "date-invalid")


def doubtful_sql(field: Field, implied: bool = False) -> str:
    """SQL true when the cell of FIELD may break a rule (NULL cells: when required).

    IMPLIED: every non-null value is known to equal a value checked by the same rules
    elsewhere (a foreign key into a column with those rules, when the key check passes).
    """
    col = quote_ident(field.name)
    missing = f"{col} IS NULL" if field.required else "false"
    if implied:
        return missing
    rules = [r for r in cell_rules(field) if r.code not in BYTE_RULES]
    if field.type == "date":
        clean = [f"strlen({col}) = 10 AND CAST(TRY_CAST({col} AS DATE) AS VARCHAR) = {col}"]
        clean += [f"NOT ({rule_sql(r, col)})" for r in rules if r.code not in _SETTLED_BY_DATE]
        return _doubt(col, missing, f"NOT coalesce({' AND '.join(clean)}, false)")
    fast = fast_pass_sql(field, col)
    if fast:
        return _doubt(col, missing, f"NOT coalesce({fast}, false)")
    tests = _edge_tests(rules, col)
    tests += [_rule_sql(r, col) for r in rules if not isinstance(r.check, (Edge, StartsWith))]
    return _doubt(col, missing, f"coalesce({' OR '.join(tests)}, true)")


def _rule_sql(rule: CellRule, col: str) -> str:
    if isinstance(rule.check, FullMatch) and (only := _NO_CONTROLS.fullmatch(rule.check.pattern)):
        # settled by quickscan: only an empty cell can fail "+", and nothing fails "*"
        return f"strlen({col}) = 0" if only.group(1) == "+" else "false"
    if rule.check == FullMatch(URI) and URI.endswith(_URI_TAIL):
        # A URI is its head, then no \s; in a plain file the only \s a cell can hold is a space.
        head = quote_literal("^" + URI.removesuffix(_URI_TAIL))
        return f"(NOT regexp_matches({col}, {head}) OR contains({col}, ' '))"
    return rule_sql(rule, col)


def _doubt(col: str, missing: str, broken: str) -> str:
    return f"({missing} OR ({col} IS NOT NULL AND {broken}))"


def _edge_tests(rules: list[CellRule], col: str) -> list[str]:
    """Leading whitespace and formula prefixes in one anchored regex, trailing in another."""
    lead = [c for r in rules if isinstance(r.check, (Edge, StartsWith)) for c in r.check.chars]
    trail = [c for r in rules if isinstance(r.check, Edge) for c in r.check.chars]
    tests = []
    if lead:
        tests.append(starts_with_any_sql(col, lead))
    if trail:
        tests.append(ends_with_any_sql(col, trail))
    return tests


def same_rules(child: Field, parent: Field) -> bool:
    """True when every cell rule of CHILD is also a rule of PARENT (so equal values pass both)."""
    return {_key(r) for r in cell_rules(child)} <= {_key(r) for r in cell_rules(parent)}


def _key(rule: CellRule) -> tuple[str, str, str]:
    return rule.code, type(rule.check).__name__, repr(rule.check)
