"""The kinds of cell check, one small dataclass each.

A ``CellRule`` (``cell_rules.py``) pairs a finding code with one of these checks. Each backend
compiles them with one exhaustive ``match`` (``sql_cells.rule_sql`` for DuckDB,
``pandera_schemas._fails`` for polars): a new kind added here and not to a backend fails
there with ``assert_never`` in the type checker and at run time, never silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from sticoop.descriptor import Field


@dataclass(frozen=True)
class Search:
    """Fails when the regular expression (RE2) matches anywhere in the cell."""

    pattern: str


@dataclass(frozen=True)
class FullMatch:
    """Fails when the regular expression (RE2) does not match the whole cell."""

    pattern: str


@dataclass(frozen=True)
class OneOf:
    """Fails when the cell's text is not one of the values."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class LowerIn:
    """Fails when the lower-cased cell IS one of the values (placeholders)."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class StartsWith:
    """Fails when the cell starts with one of the characters."""

    chars: tuple[str, ...]


@dataclass(frozen=True)
class Edge:
    """Fails when the cell starts or ends with one of the characters."""

    chars: tuple[str, ...]


@dataclass(frozen=True)
class IsoDate:
    """Fails when the cell is not a calendar-valid ``YYYY-MM-DD``."""


@dataclass(frozen=True)
class MaxChars:
    """Fails when the cell has more than ``limit`` characters."""

    limit: int


@dataclass(frozen=True)
class NumberRange:
    """Fails when the cell, read as a number, is below ``low`` or above ``high``."""

    low: float | None
    high: float | None


@dataclass(frozen=True)
class Typed:
    """Fails when the cell does not parse as the field's Table Schema type."""

    field: Field


@dataclass(frozen=True)
class Bound:
    """Fails when the typed cell compares with the field's bound ATTR the way OP says."""

    field: Field
    op: str  # one of < <= > >=
    attr: str  # minimum, exclusive_minimum, maximum, exclusive_maximum


@dataclass(frozen=True)
class TypedOneOf:
    """Fails when the typed cell is not one of the field's typed enum values."""

    field: Field


@dataclass(frozen=True)
class MinLength:
    """Fails when the cell is shorter than the field's minLength (items for arrays)."""

    field: Field


@dataclass(frozen=True)
class MaxItems:
    """Fails when an array or object cell has more than maxLength items."""

    field: Field


Check = (
    Search
    | FullMatch
    | OneOf
    | LowerIn
    | StartsWith
    | Edge
    | IsoDate
    | MaxChars
    | NumberRange
    | Typed
    | Bound
    | TypedOneOf
    | MinLength
    | MaxItems
)
