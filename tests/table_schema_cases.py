"""Conformance cases for the Table Schema: per type, format, constraint and dialect option,
cells that are valid and cells that are not (with the finding code sticoop reports).

Each case is one single-column package; ``tests/test_table_schema.py`` validates it with
sticoop and compares the lines found invalid with ``frictionless validate``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Case:
    """A column definition, valid cells and invalid cells (each with its expected code)."""

    id: str
    field: dict[str, Any]
    valid: tuple[str, ...]
    invalid: tuple[tuple[str, str], ...]
    schema: dict[str, Any] = field(default_factory=dict)  # extra schema properties
    divergent: tuple[str, ...] = ()  # cells where frictionless differs (docs/validation.md)


def _c(id: str, fld: dict[str, Any], valid: list[str], invalid: list[tuple[str, str]], **kw: Any):
    return Case(id, {"name": "v", **fld}, tuple(valid), tuple(invalid), **kw)


CASES = [
    _c("string", {"type": "string"}, ["abc", " padded ", "=1+1"], []),
    _c(
        "string-email",
        {"type": "string", "format": "email"},
        ["a@b.co", "first.last@example.org"],
        [("not-an-email", "email-invalid"), ("a@b", "email-invalid")],
    ),
    _c(
        "string-uri",
        {"type": "string", "format": "uri"},
        ["https://example.org/x", "ftp://host/file", "mailto:a@b.co"],
        [("example.org", "uri-invalid"), ("http ://x", "uri-invalid")],
    ),
    _c(
        "string-uuid",
        {"type": "string", "format": "uuid"},
        ["123e4567-e89b-12d3-a456-426614174000"],
        [("123e4567", "uuid-invalid"), ("zzze4567-e89b-12d3-a456-426614174000", "uuid-invalid")],
    ),
    _c(
        "integer",
        {"type": "integer"},
        ["0", "-12", "+7", "9223372036854775807"],
        [("1.5", "integer-invalid"), ("abc", "integer-invalid"), ("1e3", "integer-invalid")],
    ),
    _c(
        "integer-bare-number-false",
        {"type": "integer", "bareNumber": False},
        ["1", "$12", "15%"],
        [("abc", "integer-invalid")],
    ),
    _c(
        "number",
        {"type": "number"},
        ["1", "-1.5", ".5", "1e3", "NaN", "INF", "-INF"],
        [("x", "number-invalid"), ("1,5", "number-invalid"), ("1.2.3", "number-invalid")],
    ),
    _c(
        "number-decimal-group",
        {"type": "number", "decimalChar": ",", "groupChar": " "},
        ["1 234,5", "3,14", "12"],
        [("1.5.5", "number-invalid")],
    ),
    _c(
        "boolean-defaults",
        {"type": "boolean"},
        ["true", "False", "TRUE", "1", "0"],
        [("yes", "boolean-invalid"), ("t", "boolean-invalid")],
    ),
    _c(
        "boolean-custom",
        {"type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
        ["oui", "non"],
        [("true", "boolean-invalid")],
    ),
    _c(
        "date",
        {"type": "date"},
        ["2024-02-29", "1999-12-31"],
        [
            ("2023-02-29", "date-invalid"),
            ("2024/01/01", "date-invalid"),
            ("24-1-1", "date-invalid"),
        ],
    ),
    _c(
        "date-format",
        {"type": "date", "format": "%d/%m/%Y"},
        ["31/12/2024", "01/02/2021"],
        [("2024-12-31", "date-invalid"), ("31/02/2024", "date-invalid")],
    ),
    _c(
        "time",
        {"type": "time"},
        ["10:00:00", "23:59:59"],
        [("25:00:00", "time-invalid"), ("10:00", "time-invalid"), ("noon", "time-invalid")],
    ),
    _c(
        "datetime",
        {"type": "datetime"},
        ["2021-01-01T10:00:00Z", "2021-01-01T10:00:00", "2021-06-01T10:00:00+02:00"],
        [("2021-01-01", "datetime-invalid"), ("2021-13-01T00:00:00", "datetime-invalid")],
    ),
    _c(
        "year",
        {"type": "year"},
        ["2021", "0999"],
        [("21", "year-invalid"), ("year", "year-invalid")],
    ),
    _c(
        "yearmonth",
        {"type": "yearmonth"},
        ["2021-03", "2021-12"],
        [("2021-13", "yearmonth-invalid"), ("2021", "yearmonth-invalid")],
    ),
    _c(
        "duration",
        {"type": "duration"},
        ["P1Y2M3DT4H5M6S", "PT5M", "P1W"],
        [("1 day", "duration-invalid"), ("P1Z", "duration-invalid")],
    ),
    _c(
        "geopoint",
        {"type": "geopoint"},
        ["10.5, 20", "-180,90"],
        [("200,0", "geopoint-invalid"), ("0,95", "geopoint-invalid"), ("x,y", "geopoint-invalid")],
    ),
    _c(
        "geopoint-array",
        {"type": "geopoint", "format": "array"},
        ["[10.5, 20]"],
        [("[200, 0]", "geopoint-invalid"), ("10, 20", "geopoint-invalid")],
    ),
    _c(
        "geopoint-object",
        {"type": "geopoint", "format": "object"},
        ['{"lon": 10, "lat": 20}'],
        [('{"lon": 10}', "geopoint-invalid")],
    ),
    _c(
        "object",
        {"type": "object"},
        ['{"a": 1}', "{}"],
        [("[1]", "object-invalid"), ("{bad json", "object-invalid")],
    ),
    _c(
        "array",
        {"type": "array"},
        ["[1, 2]", "[]"],
        [('{"a": 1}', "array-invalid"), ("1", "array-invalid")],
    ),
    _c(
        "geojson",
        {"type": "geojson"},
        ['{"type": "Point", "coordinates": [1, 2]}'],
        [('{"type": "Nope"}', "geojson-invalid"), ("[1]", "geojson-invalid")],
    ),
    _c("any", {"type": "any"}, ["x", "1", "[]"], []),
    _c(
        "required",
        {"type": "string", "constraints": {"required": True}},
        ["x"],
        [("", "required-missing")],
    ),
    _c(
        "enum-string",
        {"type": "string", "constraints": {"enum": ["a", "b'c"]}},
        ["a", "b'c"],
        [("c", "enum-invalid"), ("A", "enum-invalid")],
    ),
    _c(
        "enum-integer",
        {"type": "integer", "constraints": {"enum": [1, 2]}},
        ["1", "2"],
        [("3", "enum-invalid")],
    ),
    _c(
        "pattern",
        {"type": "string", "constraints": {"pattern": "[a-z]+-[0-9]+"}},
        ["ab-12"],
        [("ab-", "pattern-mismatch"), ("xab-12x", "pattern-mismatch")],
    ),
    _c(
        "min-max-length",
        {"type": "string", "constraints": {"minLength": 2, "maxLength": 4}},
        ["ab", "abcd", "ĐĐĐĐ"],
        [("a", "too-short"), ("abcde", "too-long")],
    ),
    _c(
        "minimum-maximum-integer",
        {"type": "integer", "constraints": {"minimum": 0, "maximum": 10}},
        ["0", "10"],
        [("-1", "out-of-range"), ("11", "out-of-range")],
    ),
    _c(
        "minimum-number",
        {"type": "number", "constraints": {"minimum": 0.5}},
        ["0.5", "3"],
        [("0.4", "out-of-range")],
    ),
    _c(
        "minimum-maximum-date",
        {"type": "date", "constraints": {"minimum": "2020-01-01", "maximum": "2020-12-31"}},
        ["2020-01-01", "2020-12-31"],
        [("2019-12-31", "out-of-range"), ("2021-01-01", "out-of-range")],
    ),
    _c(
        "minimum-year",
        {"type": "year", "constraints": {"minimum": 2000}},
        ["2000"],
        [("1999", "out-of-range")],
    ),
    _c(
        "unique",
        {"type": "integer", "constraints": {"unique": True}},
        ["1", "2"],
        [("1", "unique-duplicate")],
    ),
    _c(
        "missing-values",
        {"type": "integer", "constraints": {"required": True}},
        ["1"],
        [("NA", "required-missing"), ("n/a", "integer-invalid")],
        schema={"missingValues": ["", "NA"]},
    ),
]
V2_ONLY = [
    _c(
        "exclusive-bounds",
        {"type": "integer", "constraints": {"exclusiveMinimum": 0, "exclusiveMaximum": 10}},
        ["1", "9"],
        [("0", "out-of-range"), ("10", "out-of-range")],
    ),
]
ALL_CASES = CASES + V2_ONLY


def write_case(case: Case, folder: Path) -> tuple[Path, dict[int, str | None]]:
    """Write CASE as a package in FOLDER; returns the descriptor and expected code per line."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [(cell, None) for cell in case.valid] + list(case.invalid)
    with (folder / "data.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["n", "v"])  # n: the row number, so no row is blank
        for n, (cell, _) in enumerate(rows, start=1):
            writer.writerow([n, cell])
    descriptor: dict[str, Any] = {
        "name": case.id,
        "resources": [
            {
                "name": "data",
                "path": "data.csv",
                "schema": {"fields": [{"name": "n", "type": "integer"}, case.field], **case.schema},
            }
        ],
    }
    if case in V2_ONLY:
        descriptor["$schema"] = "https://datapackage.org/profiles/2.0/datapackage.json"
    path = folder / "datapackage.json"
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=1), encoding="utf-8")
    return path, {line: code for line, (_, code) in enumerate(rows, start=2)}
