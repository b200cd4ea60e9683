"""Typed descriptor values: constraint bounds, enum values, patterns and formats.

Everything a descriptor says that later reaches SQL or a regular expression is checked here
and turned into a Python value of a known type (never text spliced into code).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sticoop.descriptor import Field

MAX_PATTERN = 1000
_INT = re.compile(r"[+-]?[0-9]{1,30}")
_NUMBER = re.compile(
    r"[+-]?(?:[0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})(?:[eE][+-]?[0-9]{1,3})?"
)
_YEARMONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
# strftime directives DuckDB's strptime understands (a format is data, checked against these).
_DIRECTIVES = set("aAwdbBmyYHIpMSfzZjUWcxX%eg")
STRING_FORMATS = ("default", "email", "uri", "uuid", "binary")
GEOPOINT_FORMATS = ("default", "array", "object")
GEOJSON_FORMATS = ("default", "topojson")


class ValueProblem(ValueError):
    """A descriptor value that does not fit its field's type."""


def typed_value(field: Field, value: Any) -> Any:
    """VALUE (a constraint bound or enum value from JSON) as a typed Python value."""
    kind = field.type
    if isinstance(value, bool) and kind != "boolean":
        raise ValueProblem(f"must be a {kind} value, got {value!r}")
    if kind in ("integer", "year"):
        return _integer(value)
    if kind == "number":
        return _number(value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if str(value) in field.true_values + field.false_values:
            return str(value) in field.true_values
        if value in ("true", "false"):  # a JSON boolean as the descriptor model keeps it (text)
            return value == "true"
        raise ValueProblem(f"must be a boolean value, got {value!r}")
    if kind in ("date", "datetime", "time", "yearmonth"):
        return _temporal(kind, value)
    if kind in ("string", "any", "duration", "geopoint", "geojson", "object", "array", "list"):
        if not isinstance(value, (str, int, float)):
            raise ValueProblem(f"must be a scalar, got {type(value).__name__}")
        return value
    raise ValueProblem(f"unknown field type {kind!r}")


def _integer(value: Any) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT.fullmatch(value):
        return int(value)
    raise ValueProblem(f"must be an integer, got {str(value)[:80]!r}")


def _number(value: Any) -> int | float:
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return float(value)
    raise ValueProblem(f"must be a number, got {str(value)[:80]!r}")


def _temporal(kind: str, value: Any) -> Any:
    if not isinstance(value, str) or len(value) > 40:
        raise ValueProblem(f"must be a {kind} in ISO 8601 form, got {str(value)[:80]!r}")
    try:
        if kind == "date":
            return dt.date.fromisoformat(value)
        if kind == "datetime":
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if kind == "time":
            return dt.time.fromisoformat(value)
    except ValueError:
        raise ValueProblem(f"must be a {kind} in ISO 8601 form, got {value!r}") from None
    match = _YEARMONTH.fullmatch(value)
    if match and 1 <= int(match.group(2)) <= 12:
        return (int(match.group(1)), int(match.group(2)))
    raise ValueProblem(f"must be a yearmonth YYYY-MM, got {value!r}")


def check_pattern(pattern: Any) -> str | None:
    """Why PATTERN cannot be used (not a string, too long, not RE2), or None when it can."""
    if not isinstance(pattern, str):
        return "must be a string"
    if len(pattern) > MAX_PATTERN:
        return f"is longer than {MAX_PATTERN} characters"
    try:
        compile_re2(pattern)
    except Exception as exc:  # re2.error: the message names the construct
        detail = exc.args[0] if exc.args else exc
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        return f"is not a regular expression RE2 accepts: {str(detail)[:120]}"
    return None


def compile_re2(pattern: str) -> Any:
    """PATTERN compiled by RE2 (linear time; no backreferences or look-around)."""
    import re2

    options = re2.Options()
    options.log_errors = False
    options.max_mem = 8 << 20
    return re2.compile(pattern, options)


def re2_fullmatch(pattern: str, text: str) -> bool:
    """True when PATTERN matches the whole of TEXT, in linear time."""
    return compile_re2(pattern).fullmatch(text) is not None


def format_problem(field: Field) -> str | None:
    """Why FIELD's ``format`` cannot be used, or None."""
    fmt = field.format
    if field.type == "string" and fmt not in STRING_FORMATS:
        return f"string format {fmt[:40]!r} is not supported (known: {', '.join(STRING_FORMATS)})"
    if field.type == "geopoint" and fmt not in GEOPOINT_FORMATS:
        return f"geopoint format must be one of {', '.join(GEOPOINT_FORMATS)}"
    if field.type == "geojson" and fmt not in GEOJSON_FORMATS:
        return f"geojson format must be one of {', '.join(GEOJSON_FORMATS)}"
    if field.type in ("date", "time", "datetime") and fmt not in ("default", "any"):
        return _strftime_problem(fmt)
    if field.type == "number" and (len(field.decimal_char) != 1 or len(field.group_char) > 1):
        return "decimalChar must be one character and groupChar at most one"
    return None


def _strftime_problem(fmt: str) -> str | None:
    if fmt.startswith("fmt:"):  # the v1 spec's older spelling
        fmt = fmt[4:]
    if len(fmt) > 100 or "%" not in fmt:
        return f"date/time format {fmt[:40]!r} is not a strftime pattern such as %d/%m/%Y"
    for i in (m.start() for m in re.finditer("%", fmt)):
        directive = fmt[i + 1 : i + 2]
        if directive not in _DIRECTIVES and fmt[i - 1 : i] != "%":
            return f"date/time format {fmt[:40]!r}: %{directive} is not supported"
    return None


def strftime_pattern(fmt: str) -> str:
    """The strptime pattern of a checked custom format (without the v1 ``fmt:`` prefix)."""
    return fmt[4:] if fmt.startswith("fmt:") else fmt
