"""SQL that reads a text cell as its Table Schema type: the typed value, or NULL when the
cell does not parse. Constraint bounds are compared with typed literals (``sql_literal``);
no descriptor text is ever spliced into SQL except as an escaped string literal.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from sticoop.descriptor import Field
from sticoop.descriptor_values import strftime_pattern
from sticoop.sql_text import quote_literal

INTEGER_RE = r"[+-]?[0-9]+"
NUMBER_RE = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
ISO_DATE_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
TIME_RE = r"[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
DATETIME_RE = ISO_DATE_RE + "T" + TIME_RE
_NUM = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
DURATION_RE = (
    r"P(?:" + _NUM + r"Y)?(?:" + _NUM + r"M)?(?:" + _NUM + r"W)?(?:" + _NUM + r"D)?"
    r"(?:T(?:" + _NUM + r"H)?(?:" + _NUM + r"M)?(?:" + _NUM + r"S)?)?"
)
GEOPOINT_RE = r"\s*(" + _NUM + r")\s*,\s*(" + _NUM + r")\s*"
GEOJSON_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
    "Feature",
    "FeatureCollection",
)
SPECIAL_NUMBERS = {"NaN": "nan", "INF": "inf", "-INF": "-inf"}


def sql_literal(value: Any) -> str:
    """A typed SQL literal for a value produced by ``descriptor_values.typed_value``."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return f"{int(value)}::HUGEINT" if abs(value) >= 2**63 else str(int(value))
    if isinstance(value, float):
        if math.isnan(value):
            return "'nan'::DOUBLE"
        if math.isinf(value):
            return "'inf'::DOUBLE" if value > 0 else "'-inf'::DOUBLE"
        return f"{float(value)!r}::DOUBLE"
    if isinstance(value, dt.datetime):
        naive = value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
        return f"TIMESTAMP {quote_literal(naive.isoformat(sep=' '))}"
    if isinstance(value, dt.date):
        return f"DATE {quote_literal(value.isoformat())}"
    if isinstance(value, dt.time):
        return f"TIME {quote_literal(value.replace(tzinfo=None).isoformat())}"
    if isinstance(value, tuple) and len(value) == 2:  # yearmonth
        year, month = (int(v) for v in value)
        return f"make_date({year}, {month}, 1)"
    return quote_literal(value)


def _re(col: str, pattern: str) -> str:
    return f"regexp_full_match({col}, {quote_literal(pattern)})"


def cast_sql(field: Field, col: str) -> str | None:
    """SQL giving FIELD's typed value of the non-null text cell COL, NULL when it does not parse.

    None for types every text is valid for (string, any).
    """
    kind = field.type
    if kind == "integer":
        return _integer(field, col)
    if kind == "number":
        return _number(field, col)
    if kind == "boolean":
        trues = ", ".join(quote_literal(v) for v in field.true_values)
        falses = ", ".join(quote_literal(v) for v in field.false_values)
        return (
            f"CASE WHEN list_contains([{trues}], {col}) THEN true "
            f"WHEN list_contains([{falses}], {col}) THEN false END"
        )
    if kind == "year":
        return f"CASE WHEN {_re(col, '[0-9]{4}')} THEN CAST({col} AS INTEGER) END"
    if kind == "yearmonth":
        return (
            f"CASE WHEN {_re(col, '[0-9]{1,4}-[0-9]{1,2}')} THEN try(make_date("
            f"CAST(split_part({col}, '-', 1) AS INTEGER), "
            f"CAST(split_part({col}, '-', 2) AS INTEGER), 1)) END"
        )
    if kind in ("date", "time", "datetime"):
        return _temporal(field, col)
    if kind == "duration":
        empty = f"regexp_matches({col}, '^PT?$|T$')"
        return f"CASE WHEN {_re(col, DURATION_RE)} AND NOT {empty} THEN {col} END"
    if kind == "geopoint":
        return _geopoint(field, col)
    if kind in ("object", "array", "geojson"):
        return _json(field, col)
    return None


def _integer(field: Field, col: str) -> str:
    text = col
    if field.group_char:
        text = f"replace({text}, {quote_literal(field.group_char)}, '')"
    if not field.bare_number:
        text = f"regexp_extract({text}, '^[^0-9+-]*([+-]?[0-9]+)[^0-9]*$', 1)"
    return f"CASE WHEN {_re(text, INTEGER_RE)} THEN TRY_CAST({text} AS HUGEINT) END"


def _number(field: Field, col: str) -> str:
    text = col
    if field.group_char:
        text = f"replace({text}, {quote_literal(field.group_char)}, '')"
    if field.decimal_char != ".":
        text = f"replace({text}, {quote_literal(field.decimal_char)}, '.')"
    if not field.bare_number:
        text = f"regexp_replace({text}, '^[^0-9+.-]+|[^0-9.]+$', '', 'g')"
    specials = " ".join(
        f"WHEN {col} = {quote_literal(k)} THEN {quote_literal(v)}::DOUBLE"
        for k, v in SPECIAL_NUMBERS.items()
    )
    return f"CASE {specials} WHEN {_re(text, NUMBER_RE)} THEN TRY_CAST({text} AS DOUBLE) END"


def _temporal(field: Field, col: str) -> str:
    kind, fmt = field.type, field.format
    target = {"date": "DATE", "time": "TIME", "datetime": "TIMESTAMP"}[kind]
    if fmt not in ("default", "any"):
        parsed = f"try_strptime({col}, {quote_literal(strftime_pattern(fmt))})"
        return f"TRY_CAST({parsed} AS {target})"
    if kind == "date":
        if fmt == "any":
            return f"TRY_CAST({col} AS DATE)"
        return f"CASE WHEN {_re(col, ISO_DATE_RE)} THEN TRY_CAST({col} AS DATE) END"
    pattern = TIME_RE if kind == "time" else DATETIME_RE
    head = r"^[0-9:.]+" if kind == "time" else r"^[0-9T:.-]+"
    core = f"TRY_CAST(replace(regexp_extract({col}, {quote_literal(head)}), 'T', ' ') AS {target})"
    if fmt == "any":
        return f"coalesce(TRY_CAST({col} AS {target}), {core})"
    return f"CASE WHEN {_re(col, pattern)} THEN {core} END"


def _geopoint(field: Field, col: str) -> str:
    if field.format == "default":
        whole = quote_literal("^" + GEOPOINT_RE + "$")
        lon = f"TRY_CAST(regexp_extract({col}, {whole}, 1) AS DOUBLE)"
        lat = f"TRY_CAST(regexp_extract({col}, {whole}, 2) AS DOUBLE)"
        valid = _re(col, GEOPOINT_RE)
    else:
        json_ok = f"coalesce(try(json_valid({col})), false)"
        if field.format == "array":
            shape = f"json_type({col}) = 'ARRAY' AND json_array_length({col}) = 2"
            lon, lat = (f"TRY_CAST(json_extract({col}, '$[{i}]') AS DOUBLE)" for i in (0, 1))
        else:
            shape = f"json_type({col}) = 'OBJECT' AND len(json_keys({col})) = 2"
            lon, lat = (f"TRY_CAST(json_extract({col}, '$.{k}') AS DOUBLE)" for k in ("lon", "lat"))
        valid = f"({json_ok} AND {shape})"
    return (
        f"CASE WHEN {valid} AND {lon} BETWEEN -180 AND 180 AND {lat} BETWEEN -90 AND 90 "
        f"THEN {col} END"
    )


def _json(field: Field, col: str) -> str:
    ok = f"coalesce(try(json_valid({col})), false)"
    if field.type == "array":
        return f"CASE WHEN {ok} AND json_type({col}) = 'ARRAY' THEN {col} END"
    if field.type == "object":
        return f"CASE WHEN {ok} AND json_type({col}) = 'OBJECT' THEN {col} END"
    if field.format == "topojson":
        wanted = "'Topology'"
    else:
        wanted = ", ".join(quote_literal(t) for t in GEOJSON_TYPES)
    return (
        f"CASE WHEN {ok} AND json_type({col}) = 'OBJECT' AND "
        f"list_contains([{wanted}], json_extract_string({col}, '$.type')) THEN {col} END"
    )


def length_sql(field: Field, col: str) -> str:
    """The length minLength/maxLength constrain: characters, or items of an array."""
    if field.type == "array":
        return f"try(json_array_length({col}))"
    if field.type == "object":
        return f"try(len(json_keys({col})))"
    return f"length({col})"
