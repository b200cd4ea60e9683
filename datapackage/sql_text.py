"""SQL text built from untrusted names and values: the one quoting pair of the library.

Nothing read from a descriptor, CSV or archive becomes SQL text except through these: an
identifier in double quotes, a value as a string literal, each with its quote doubled.
"""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """NAME as a quoted SQL identifier (double quotes doubled: it cannot end the name)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: object) -> str:
    """VALUE as a SQL string literal (quotes doubled: nothing it holds can end the string)."""
    return "'" + str(value).replace("'", "''") + "'"
