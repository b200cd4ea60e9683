"""Cell rules derived from the descriptor, in a neutral form both engines compile.

Each column gets an ordered list of ``CellRule``; a cell is reported under the first rule it
breaks (so one bad cell gives one finding). DuckDB (``sql_cells``) and pandera
(``pandera_schemas``) compile the same list, which is how the two engines keep one contract.
"""

from __future__ import annotations

from dataclasses import dataclass

from sticoop.descriptor import Field
from sticoop.validators.rule_checks import (
    Bound,
    Check,
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
EMAIL_RE = r"[^@\s]+@[^@\s]+\.[^@\s]+"
URI_ANY_RE = r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+"
UUID_RE = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
BASE64_RE = r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"


@dataclass(frozen=True)
class CellRule:
    """A check on one non-empty cell: the finding CODE it gives, the CHECK (one of the kinds
    in ``rule_checks``) and the MESSAGE shown with the finding."""

    code: str
    check: Check
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
            CellRule("control-char", Search(CONTROL), "contains a control character"),
            CellRule("placeholder", LowerIn(PLACEHOLDERS), "placeholder instead of an empty cell"),
            CellRule("whitespace", Edge(EDGE_SPACE), "leading or trailing whitespace"),
        ]
        if field.type == "string":
            rules.append(
                CellRule("formula-prefix", StartsWith(FORMULA_PREFIXES), "starts with = + - or @")
            )
    rules.extend(_type_rules(field, house))
    if field.enum is not None:
        allowed = ", ".join(field.enum)
        check: Check = OneOf(field.enum) if field.type == "string" or house else TypedOneOf(field)
        rules.append(CellRule("enum-invalid", check, f"not one of: {allowed}"))
    if field.pattern and field.type == "string":
        rules.append(
            CellRule(
                "pattern-mismatch", FullMatch(field.pattern), f"does not match {field.pattern}"
            )
        )
    if field.min_length is not None:
        rules.append(CellRule("too-short", MinLength(field), f"shorter than {field.min_length}"))
    if field.max_length is not None:
        if field.type in ("array", "object"):
            rules.append(CellRule("too-long", MaxItems(field), f"longer than {field.max_length}"))
        else:
            rules.append(
                CellRule("too-long", MaxChars(field.max_length), f"longer than {field.max_length}")
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
                NumberRange(field.minimum, field.maximum),
                f"outside {field.minimum}..{field.maximum}",
            )
        ]
    return [
        CellRule("out-of-range", Bound(field, op, attr), f"{text} {getattr(field, attr)}")
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
        pattern = string_format_re(field, house=False)
        code = _FORMAT_CODES.get(field.format)
        if code is None or pattern is None:
            return []
        return [CellRule(code, FullMatch(pattern), f"not a valid {field.format}")]
    code = _TYPE_CODES.get(field.type)
    if code is None:  # any, list: every text is a value
        return []
    what = field.type if field.format in ("default", "") else f"{field.type} ({field.format})"
    return [CellRule(code, Typed(field), f"not a valid {what}")]


def _house_type_rules(field: Field) -> list[CellRule]:
    if field.type == "integer":
        return [CellRule("integer-invalid", FullMatch(INTEGER), "not an integer")]
    if field.type == "boolean":
        allowed = field.true_values + field.false_values
        return [CellRule("boolean-invalid", OneOf(allowed), f"not a boolean ({'/'.join(allowed)})")]
    if field.type == "date":
        return [CellRule("date-invalid", IsoDate(), "not a calendar-valid date YYYY-MM-DD")]
    if field.type == "string" and field.format == "uri":
        return [CellRule("uri-invalid", FullMatch(URI), "not an absolute http(s) URI")]
    return []


def string_format_re(field: Field, house: bool) -> str | None:
    """The full-match pattern of a string format (email, uri, uuid, binary)."""
    if field.format == "uri":
        return URI if house else URI_ANY_RE
    return {"email": EMAIL_RE, "uuid": UUID_RE, "binary": BASE64_RE}.get(field.format)
