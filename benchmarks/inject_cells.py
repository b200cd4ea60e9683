"""Cell-level injections: one bad cell gives exactly one finding, in a column no rule reads."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from benchmarks.inject_context import Injector

LONG_CITY = (
    "Ho Chi Minh City, including the Saigon Hi-Tech Park and the Thu Duc innovation "
    "district of the southern region"
)


def _cell(
    inj: Injector,
    code: str,
    n: int,
    targets: list[tuple[str, str, Callable[[str], str], Callable[[str], bool]]],
    column_only: bool = False,
) -> int:
    """Set a cell in N rows, cycling through TARGETS = (table, column, new value, condition)."""
    done = 0
    for i in range(n):
        table, column, value, cond = targets[i % len(targets)]
        t = inj.t[table]
        rows = inj.pick(table, 1, lambda r, t=t, c=column, cond=cond: cond(t.get(r, c)))
        if not rows:
            continue
        row = rows[0]
        t.set(row, column, value(t.get(row, column)))
        if column_only:
            inj.expect(code, table, row, None, row_line_only=True)
        else:
            inj.expect(code, table, row, column)
        done += 1
    return done


def _any(_: str) -> bool:
    return True


def _given(value: str) -> bool:
    return value != ""


def required_missing(inj: Injector, n: int) -> int:
    return _cell(
        inj,
        "required-missing",
        n,
        [
            ("events", "title_en", lambda v: "", _any),
            ("sources", "outlet", lambda v: "", _any),
        ],
    )


def integer_invalid(inj: Injector, n: int) -> int:
    return _cell(
        inj,
        "integer-invalid",
        n,
        [
            ("agreements", "valid_from_year", lambda v: f"{v}.0", _given),
        ],
    )


def boolean_invalid(inj: Injector, n: int) -> int:
    return _cell(
        inj,
        "boolean-invalid",
        n,
        [
            ("events", "date_inferred", lambda v: "yes", _any),
            ("agreements", "date_inferred", lambda v: "TRUE", _any),
        ],
    )


def date_invalid(inj: Injector, n: int) -> int:
    return _cell(
        inj,
        "date-invalid",
        n,
        [
            ("sources", "retrieved_date", lambda v: f"{v[:4]}-02-30", _given),
            ("sources", "published_date", lambda v: v.replace("-", "/"), _given),
        ],
    )


def uri_invalid(inj: Injector, n: int) -> int:
    return _cell(
        inj,
        "uri-invalid",
        n,
        [
            ("sources", "url", lambda v: v.removeprefix("https://"), _given),
        ],
    )


def enum_invalid(inj: Injector, n: int) -> int:
    return _cell(
        inj,
        "enum-invalid",
        n,
        [
            ("events", "mode", lambda v: "virtual", _any),
            ("sources", "source_type", lambda v: "newspaper", _any),
        ],
    )


def pattern_mismatch(inj: Injector, n: int) -> int:
    return _cell(
        inj,
        "pattern-mismatch",
        n,
        [
            ("parties", "wikidata_id", lambda v: "Q0" + v[1:], _given),
            ("events", "country_code", lambda v: v.lower(), _any),
        ],
    )


def too_long(inj: Injector, n: int) -> int:
    return _cell(inj, "too-long", n, [("events", "city", lambda v: LONG_CITY, _any)])


def out_of_range(inj: Injector, n: int) -> int:
    return _cell(
        inj,
        "out-of-range",
        n,
        [
            ("agreements", "valid_to_year", lambda v: "2150", _given),
        ],
    )


def whitespace(inj: Injector, n: int) -> int:
    return _cell(
        inj,
        "whitespace",
        n,
        [
            ("events", "title_en", lambda v: v + " ", _any),
            ("sources", "title", lambda v: " " + v, _any),
        ],
    )


def placeholder(inj: Injector, n: int) -> int:
    return _cell(
        inj,
        "placeholder",
        n,
        [
            ("events", "city", lambda v: "N/A", _any),
            ("events", "summary_en", lambda v: "unknown", _any),
        ],
    )


def formula_prefix(inj: Injector, n: int) -> int:
    return _cell(
        inj,
        "formula-prefix",
        n,
        [
            ("events", "summary_en", lambda v: "=SUM(1,2)", _any),
            ("agreements", "title_en", lambda v: '=HYPERLINK("https://example.org")', _any),
        ],
    )


def control_char(inj: Injector, n: int) -> int:
    return _cell(
        inj,
        "control-char",
        n,
        [
            ("events", "title_en", lambda v: v.replace(" ", "\t", 1), _any),
        ],
    )


def not_nfc(inj: Injector, n: int) -> int:
    def decomposed(v: str) -> str:
        return unicodedata.normalize("NFD", v)

    def changes(v: str) -> bool:
        return v != "" and decomposed(v) != v

    return _cell(inj, "not-nfc", n, [("events", "title_vi", decomposed, changes)], column_only=True)


CELL_INJECTIONS = {
    "required-missing": required_missing,
    "integer-invalid": integer_invalid,
    "boolean-invalid": boolean_invalid,
    "date-invalid": date_invalid,
    "uri-invalid": uri_invalid,
    "enum-invalid": enum_invalid,
    "pattern-mismatch": pattern_mismatch,
    "too-long": too_long,
    "out-of-range": out_of_range,
    "whitespace": whitespace,
    "placeholder": placeholder,
    "formula-prefix": formula_prefix,
    "control-char": control_char,
    "not-nfc": not_nfc,
}
