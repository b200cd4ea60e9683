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


HOUSE_ONLY = ("control-char", "placeholder", "whitespace", "formula-prefix")
_TYPE_CODES = {
    "string": "string-invalid",
    "integer": "integer-invalid",
    "number": "number-invalid",
    "boolean": "boolean-invalid",
    "date": "date-invalid",
    "time": "time-invalid",
    "datetime": "datetime-invalid",
    "year": "year-invalid",
    "yearmonth": "yearmonth-invalid",
    "duration": "duration-invalid",
    "geopoint": "geopoint-invalid",
    "geojson": "geojson-invalid",
    "object": "object-invalid",
    "array": "array-invalid",
}
_FORMAT_CODES = {
    "uri": "uri-invalid",
    "email": "email-invalid",
    "uuid": "uuid-invalid",
    "binary": "binary-invalid",
}
_BOUNDS = (
    ("minimum", "<", "below the minimum"),
    ("exclusive_minimum", "<=", "not above the exclusive minimum"),
    ("maximum", ">", "above the maximum"),
    ("exclusive_maximum", ">=", "not below the exclusive maximum"),
)


def cell_rules(field: Field, house: bool = True) -> list[CellRule]:
    """The ordered cell rules for FIELD (required-ness is handled separately).

    HOUSE adds our data model's hygiene rules (no control characters, placeholders, edge
    whitespace or formula prefixes; http(s) URIs); without it only the Table Schema applies.
    """
    rules = []
    if house:
        rules += [
            CellRule("control-char", "search", CONTROL, "contains a control character"),
            CellRule(
                "placeholder", "in_lower", PLACEHOLDERS, "placeholder instead of an empty cell"
            ),
            CellRule("whitespace", "edge", EDGE_SPACE, "leading or trailing whitespace"),
        ]
        if field.type == "string":
            rules.append(
                CellRule("formula-prefix", "prefix", FORMULA_PREFIXES, "starts with = + - or @")
            )
    rules.extend(_type_rules(field, house))
    if field.enum is not None:
        allowed = ", ".join(field.enum)
        kind = "in" if field.type == "string" or house else "typed_in"
        arg = field.enum if kind == "in" else field
        rules.append(CellRule("enum-invalid", kind, arg, f"not one of: {allowed}"))
    if field.pattern and field.type == "string":
        rules.append(
            CellRule("pattern-mismatch", "full", field.pattern, f"does not match {field.pattern}")
        )
    if field.min_length is not None:
        rules.append(CellRule("too-short", "min_len", field, f"shorter than {field.min_length}"))
    if field.max_length is not None:
        if field.type in ("array", "object"):
            rules.append(
                CellRule("too-long", "max_items", field, f"longer than {field.max_length}")
            )
        else:
            rules.append(
                CellRule("too-long", "max_len", field.max_length, f"longer than {field.max_length}")
            )
    rules.extend(_bound_rules(field, house))
    return rules


def _bound_rules(field: Field, house: bool) -> list[CellRule]:
    if house and field.type == "integer":
        if field.minimum is None and field.maximum is None:
            return []
        return [
            CellRule(
                "out-of-range",
                "range",
                (field.minimum, field.maximum),
                f"outside {field.minimum}..{field.maximum}",
            )
        ]
    return [
        CellRule("out-of-range", "bound", (field, op, attr), f"{text} {getattr(field, attr)}")
        for attr, op, text in _BOUNDS
        if getattr(field, attr) is not None
    ]


def _house_plain(field: Field) -> bool:
    """True when the house's simpler rule for FIELD's type applies (no format options)."""
    return (
        (field.type == "integer" and field.bare_number and not field.group_char)
        or field.type == "boolean"
        or (field.type == "date" and field.format == "default")
        or (field.type == "string" and field.format in ("default", "uri"))
    )


def _type_rules(field: Field, house: bool) -> list[CellRule]:
    if house and _house_plain(field):
        return _house_type_rules(field)
    if field.type == "string":
        from sticoop.validators.typed_sql import string_format_re

        pattern = string_format_re(field, house=False)
        code = _FORMAT_CODES.get(field.format)
        return [CellRule(code, "full", pattern, f"not a valid {field.format}")] if code else []
    code = _TYPE_CODES.get(field.type)
    if code is None:  # any, list: every text is a value
        return []
    what = field.type if field.format in ("default", "") else f"{field.type} ({field.format})"
    return [CellRule(code, "cast", field, f"not a valid {what}")]


def _house_type_rules(field: Field) -> list[CellRule]:
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
