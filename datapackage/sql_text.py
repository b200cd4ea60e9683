"""SQL text built from untrusted names and values: the one quoting pair of the library.

Nothing read from a descriptor, CSV or archive becomes SQL text except through these: an
identifier in double quotes, a value as a string literal, each with its quote doubled.
"""

from __future__ import annotations

import re

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


def quote_ident(name: str, *, only_if_needed: bool = False) -> str:
    """NAME as a quoted SQL identifier (double quotes doubled: it cannot end the name).

    ``only_if_needed=True`` leaves a lower-case name that is not a reserved word bare, for
    generated SQL meant to be read (``load.sql``); it means the same to DuckDB."""
    if only_if_needed and _SIMPLE_NAME.fullmatch(name) and name not in _RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: object) -> str:
    """VALUE as a SQL string literal (quotes doubled: nothing it holds can end the string)."""
    return "'" + str(value).replace("'", "''") + "'"
