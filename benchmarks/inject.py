"""Inject K errors of each injectable rule code into a generated package.

``inject_errors`` rewrites the package's CSVs and writes beside its descriptor:

- ``expected-findings.csv``: code, table, line, column, record_id — one row per finding the
  validator must report (line = physical line, header = 1; empty where it has none);
- ``injection.json``: which codes were injected how often, and which were not, and why.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.inject_cells import CELL_INJECTIONS
from benchmarks.inject_context import Injector
from benchmarks.inject_files import CONTENT_FILE_INJECTIONS, STRUCTURAL_INJECTIONS
from benchmarks.inject_keys import KEY_INJECTIONS
from benchmarks.inject_model import Expect, Table, read_tables, write_table
from sticoop.descriptor import load_package
from sticoop.validators.rules import RULES

MAX_EVENTS = 200_000
EXPECTED_FILE = "expected-findings.csv"
SUMMARY_FILE = "injection.json"
EXPECTED_COLUMNS = ("code", "table", "line", "column", "record_id")


def _content_injections() -> dict:
    from benchmarks.inject_rules import RULE_INJECTIONS

    return {**CELL_INJECTIONS, **KEY_INJECTIONS, **RULE_INJECTIONS, **CONTENT_FILE_INJECTIONS}


SETS = ("content", "structural")
NOT_INJECTABLE = {
    "descriptor-json": "replaces the descriptor: no table could be checked (see tests/corpus)",
    "descriptor-invalid": "replaces the descriptor: no table could be checked (see tests/corpus)",
    "csv-syntax": "no input found that makes the validator's csv reader fail: an unclosed quote "
    "is read as one long cell and reported as row-width",
}


@dataclass
class InjectionResult:
    """What was injected (code -> count), what was not (code -> reason), and the findings."""

    inject_set: str
    k: int
    codes: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    expected: list[dict[str, str]] = field(default_factory=list)


def registry(inject_set: str) -> dict:
    """Code -> injection function for one set."""
    if inject_set not in SETS:
        raise ValueError(f"unknown injection set {inject_set!r}; choose from {SETS}")
    return _content_injections() if inject_set == "content" else dict(STRUCTURAL_INJECTIONS)


def inject_errors(
    out: Path, k: int, seed: int, codes: list[str] | None = None, inject_set: str = "content"
) -> InjectionResult:
    """Inject K errors of each code of INJECT_SET (or of CODES) into the package at OUT."""
    pkg = load_package(out)
    tables = read_tables(pkg)
    if len(tables["events"].rows) > MAX_EVENTS:
        raise ValueError(f"--inject-errors works on packages of at most {MAX_EVENTS:,} events")
    chosen = registry(inject_set)
    result = InjectionResult(inject_set=inject_set, k=k)
    unknown = sorted(set(codes or ()) - set(RULES))
    if unknown:
        raise ValueError(f"unknown rule codes: {', '.join(unknown)}")
    inj = Injector(tables, np.random.default_rng([seed, 3]))
    for code, inject in chosen.items():
        if codes is None or code in codes:
            result.codes[code] = inject(inj, k)
    other = "structural" if inject_set == "content" else "content"
    for code in RULES:
        if code in NOT_INJECTABLE:
            result.skipped[code] = NOT_INJECTABLE[code]
        elif code not in chosen:
            result.skipped[code] = f"injected by --inject-set {other}"
        elif codes is not None and code not in codes:
            result.skipped[code] = "not requested (--codes)"
    for table in tables.values():
        table.sort()
    for hook in inj.after_sort:
        hook()
    lines = {name: write_table(t, pkg.csv_path(name)) for name, t in tables.items()}
    result.expected = _resolve(inj.expects, tables, lines)
    _write_outputs(out, result)
    return result


def _resolve(
    expects: list[Expect], tables: dict[str, Table], lines: dict[str, dict[int, int]]
) -> list[dict[str, str]]:
    rows = []
    for e in expects:
        line, record = e.line, None
        if e.row is not None:
            line = lines[e.table][id(e.row)] + e.offset
            if not e.row_line_only:
                record = tables[e.table].record_id(e.row)
        rows.append(
            {
                "code": e.code,
                "table": e.table,
                "line": "" if line is None else str(line),
                "column": e.column or "",
                "record_id": record or "",
            }
        )
    rows.sort(key=lambda r: (r["table"], int(r["line"] or 0), r["column"], r["code"]))
    return rows


def _write_outputs(out: Path, result: InjectionResult) -> None:
    tmp = out / f".{EXPECTED_FILE}.tmp"
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=EXPECTED_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(result.expected)
    os.replace(tmp, out / EXPECTED_FILE)
    summary = {
        "inject_set": result.inject_set,
        "k": result.k,
        "injected": result.codes,
        "expected_findings": len(result.expected),
        "not_injected": result.skipped,
    }
    tmp = out / f".{SUMMARY_FILE}.tmp"
    tmp.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, out / SUMMARY_FILE)


def read_expected(out: Path) -> list[dict[str, str]]:
    """The rows of OUT/expected-findings.csv."""
    with (out / EXPECTED_FILE).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
