"""Helpers for the DDL tests: the whole schema as statements, built from ``sticoop.ddl``'s parts."""

from __future__ import annotations

from sticoop.ddl import comment_statements, create_table_statement, table_order, type_statements
from sticoop.descriptor import Package


def ddl_statements(pkg: Package) -> list[str]:
    """Enum types, tables with keys and constraints, and comments, in creation order."""
    out = type_statements(pkg)
    ordered = table_order(pkg)
    out += [create_table_statement(pkg, res) for res in ordered]
    for res in ordered:
        out += comment_statements(res, "TABLE")
    return out
