"""Cell rules derived from the descriptor, in a neutral form both engines compile.

Each column gets an ordered list of ``CellRule``; a cell is reported under the first rule it
breaks (so one bad cell gives one finding). DuckDB (``sql_cells``) and pandera
(``pandera_schemas``) compile the same list, which is how the two engines keep one contract.
"""

from __future__ import annotations

from dataclasses import dataclass

from sticoop.descriptor import Field

PLACEHOLDERS = (
    "n/a",
    "na",
    "n.a.",
    "#n/a",
    "-",
    "--",
    "—",
    "?",
    "unknown",
    "null",
    "none",
    "nil",
    "tbd",
    "tba",
    "missing",
    "nan",
)
CONTROL = r"[\x00-\x1F\x7F]"
# Whitespace that may not start or end a cell (ASCII and Unicode spaces, BOM).
EDGE_SPACE = tuple(
    "\t\n\x0b\x0c\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
)
FORMULA_PREFIXES = ("=", "+", "-", "@")
INTEGER = r"-?[0-9]+"
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
URI = r"https?://[^\s/?#]+[^\s]*"


@dataclass(frozen=True)
class CellRule:
    """A check on one non-empty cell. ``kind`` says how to evaluate ``arg``:

    - ``search``: fails when regex ``arg`` matches anywhere;
    - ``full``: fails when regex ``arg`` does not match the whole cell;
    - ``in``: fails when the cell is not one of ``arg``;
    - ``in_lower``: fails when the lower-cased cell IS one of ``arg``;
    - ``prefix``: fails when the cell starts with one of ``arg``;
    - ``edge``: fails when the cell starts or ends with one of ``arg``;
    - ``date``: fails when the cell is not a calendar-valid ISO date;
    - ``max_len``: fails when longer than ``arg`` characters;
    - ``range``: fails when the integer is outside ``arg`` = (min or None, max or None).
    """

    code: str
    kind: str
    arg: object
    message: str


def cell_rules(field: Field) -> list[CellRule]:
    """The ordered cell rules for FIELD (required-ness is handled separately)."""
    rules = [
        CellRule("control-char", "search", CONTROL, "contains a control character"),
        CellRule("placeholder", "in_lower", PLACEHOLDERS, "placeholder instead of an empty cell"),
        CellRule("whitespace", "edge", EDGE_SPACE, "leading or trailing whitespace"),
    ]
    if field.type == "string":
        rules.append(
            CellRule("formula-prefix", "prefix", FORMULA_PREFIXES, "starts with = + - or @")
        )
    rules.extend(_type_rules(field))
    if field.enum is not None:
        allowed = ", ".join(field.enum)
        rules.append(CellRule("enum-invalid", "in", field.enum, f"not one of: {allowed}"))
    if field.pattern:
        rules.append(
            CellRule("pattern-mismatch", "full", field.pattern, f"does not match {field.pattern}")
        )
    if field.max_length is not None:
        rules.append(
            CellRule("too-long", "max_len", field.max_length, f"longer than {field.max_length}")
        )
    if field.minimum is not None or field.maximum is not None:
        rules.append(
            CellRule(
                "out-of-range",
                "range",
                (field.minimum, field.maximum),
                f"outside {field.minimum}..{field.maximum}",
            )
        )
    return rules


def _type_rules(field: Field) -> list[CellRule]:
    if field.type == "integer":
        return [CellRule("integer-invalid", "full", INTEGER, "not an integer")]
    if field.type == "boolean":
        allowed = field.true_values + field.false_values
        return [CellRule("boolean-invalid", "in", allowed, f"not a boolean ({'/'.join(allowed)})")]
    if field.type == "date":
        return [CellRule("date-invalid", "date", None, "not a calendar-valid date YYYY-MM-DD")]
    if field.type == "string" and field.format == "uri":
        return [CellRule("uri-invalid", "full", URI, "not an absolute http(s) URI")]
    return []
