"""Cheap SQL that proves a cell breaks no rule, for the quick pass over large packages.

Unlike ``sql_cells`` it does not say which rule a cell breaks: a table with any doubtful cell
is handed to the precise engine. Control characters (and text that may not be NFC) are ruled
out for whole files by ``quickscan``, so no cell is searched for them here.
"""

from __future__ import annotations

from sticoop.descriptor import Field
from sticoop.validators.cell_rules import CellRule, cell_rules
from sticoop.validators.sql_cells import fast_pass_sql, quote_ident, rule_sql

BYTE_RULES = ("control-char",)  # ruled out for the whole file by quickscan


def doubtful_sql(field: Field, implied: bool = False) -> str:
    """SQL true when the cell of FIELD may break a rule (NULL cells: when required).

    IMPLIED: every non-null value is known to equal a value checked by the same rules
    elsewhere (a foreign key into a column with those rules, when the key check passes).
    """
    col = quote_ident(field.name)
    missing = f"{col} IS NULL" if field.required else "false"
    if implied:
        return missing
    fast = fast_pass_sql(field, col)
    if fast:
        return f"({missing} OR ({col} IS NOT NULL AND NOT coalesce({fast}, false)))"
    tests = [rule_sql(r, col) for r in cell_rules(field) if r.code not in BYTE_RULES]
    return f"({missing} OR ({col} IS NOT NULL AND coalesce({' OR '.join(tests)}, true)))"


def same_rules(child: Field, parent: Field) -> bool:
    """True when every cell rule of CHILD is also a rule of PARENT (so equal values pass both)."""
    return {_key(r) for r in cell_rules(child)} <= {_key(r) for r in cell_rules(parent)}


def _key(rule: CellRule) -> tuple[str, str, str]:
    return rule.code, rule.kind, repr(rule.arg)
