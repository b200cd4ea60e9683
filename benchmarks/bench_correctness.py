"""Correctness on error-injected packages: sticoop's findings against the expected ones, and
what frictionless reports for the rules both tools check.

A finding matches an expectation on (code, table, line, column). Recall = expected findings
reported / expected; precision = reported findings that were expected / reported. For
frictionless, an error matches when it maps to the same code on the same table and line.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.bench_measure import capture
from benchmarks.bench_suite import tool
from benchmarks.inject import read_expected

# Codes frictionless also checks: its error type (and, for constraints, the constraint name).
FRICTIONLESS_CONSTRAINTS = {
    "required": "required-missing",
    "enum": "enum-invalid",
    "pattern": "pattern-mismatch",
    "maxLength": "too-long",
    "minimum": "out-of-range",
    "maximum": "out-of-range",
}
FRICTIONLESS_TYPES = {
    "integer": "integer-invalid",
    "boolean": "boolean-invalid",
    "date": "date-invalid",
    "uri": "uri-invalid",
}
SHARED_CODES = frozenset(
    [*FRICTIONLESS_CONSTRAINTS.values(), *FRICTIONLESS_TYPES.values(), "pk-duplicate", "fk-missing"]
)

Key = tuple[str, str, str, str]  # code, table, line, column


@dataclass
class CodeRow:
    """Per rule code: how many were expected, found, reported in excess."""

    code: str
    expected: int = 0
    found: int = 0
    extra: int = 0
    record_ids_ok: int = 0
    frictionless_found: int | None = None  # None: frictionless does not check this rule


@dataclass
class Correctness:
    """The comparison for one injected package."""

    package: str
    inject_set: str
    status: str = "ok"
    rows: dict[str, CodeRow] = field(default_factory=dict)
    reported: int = 0
    frictionless_errors: int | None = None  # shared-type errors frictionless reported
    frictionless_unexpected: int | None = None
    missed: list[Key] = field(default_factory=list)
    unexpected: list[Key] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return sum(r.expected for r in self.rows.values())

    @property
    def found(self) -> int:
        return sum(r.found for r in self.rows.values())

    @property
    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        return self.found / self.reported if self.reported else None


def _key(code: str, table: str | None, line: object, column: str | None) -> Key:
    return (code, table or "", "" if line in (None, "") else str(line), column or "")


def sticoop_findings(pkg: Path) -> list[dict] | str:
    """Findings of ``sticoop validate PKG --format json``, or an error message."""
    done = capture([tool("sticoop"), "validate", str(pkg), "--format", "json"])
    try:
        payload = json.loads(done.stdout)
    except json.JSONDecodeError:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return f"failed (exit {done.returncode}): {tail[0][:200]}"
    return payload["findings"] if isinstance(payload, dict) else payload


def check(pkg: Path, inject_set: str, with_frictionless: bool) -> Correctness:
    """Compare PKG's expected-findings.csv with sticoop's (and frictionless's) reports."""
    result = Correctness(package=str(pkg), inject_set=inject_set)
    expected = read_expected(pkg)
    exp = Counter(_key(r["code"], r["table"], r["line"], r["column"]) for r in expected)
    for r in expected:
        result.rows.setdefault(r["code"], CodeRow(r["code"])).expected += 1
    findings = sticoop_findings(pkg)
    if isinstance(findings, str):
        result.status = findings
        return result
    got = Counter(_key(f["code"], f.get("table"), f.get("line"), f.get("column")) for f in findings)
    result.reported = sum(got.values())
    matched = exp & got
    for (code, *_), n in matched.items():
        result.rows[code].found += n
    for (code, *_), n in (got - exp).items():
        result.rows.setdefault(code, CodeRow(code)).extra += n
    result.missed = sorted((exp - got).elements())
    result.unexpected = sorted((got - exp).elements())
    rid = {
        _key(f["code"], f.get("table"), f.get("line"), f.get("column")): f.get("record_id")
        for f in findings
    }
    for r in expected:
        k = _key(r["code"], r["table"], r["line"], r["column"])
        if k in rid and (rid[k] or "") == r["record_id"]:
            result.rows[r["code"]].record_ids_ok += 1
    if with_frictionless:
        _compare_frictionless(pkg, expected, result)
    return result


def _compare_frictionless(pkg: Path, expected: list[dict], result: Correctness) -> None:
    errors = frictionless_errors(pkg)
    if errors is None:
        return
    want = Counter(
        (r["code"], r["table"], r["line"]) for r in expected if r["code"] in SHARED_CODES
    )
    got = Counter(errors)
    matched = want & got
    for row in result.rows.values():
        if row.code in SHARED_CODES:
            row.frictionless_found = sum(n for (c, *_), n in matched.items() if c == row.code)
    result.frictionless_errors = sum(got.values())
    result.frictionless_unexpected = sum((got - want).values())


def frictionless_errors(pkg: Path) -> list[tuple[str, str, str]] | None:
    """(code, table, line) for every frictionless error on a rule sticoop also checks."""
    done = capture([tool("frictionless"), "validate", str(pkg / "datapackage.json"), "--json"])
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        return None
    descriptor = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    kinds = {
        r["name"]: {
            f["name"]: f.get("format") if f.get("format") == "uri" else f["type"]
            for f in r["schema"]["fields"]
        }
        for r in descriptor["resources"]
    }
    out = []
    for task in report.get("tasks", []):
        table = task.get("name", "")
        for err in task.get("errors", []):
            code = _frictionless_code(err, kinds.get(table, {}))
            if code:
                out.append((code, table, str(err.get("rowNumber", ""))))
    return out


def _frictionless_code(err: dict, kinds: dict[str, str]) -> str | None:
    kind = err.get("type")
    if kind == "primary-key":
        return "pk-duplicate"
    if kind == "foreign-key":
        return "fk-missing"
    if kind == "type-error":
        return FRICTIONLESS_TYPES.get(kinds.get(err.get("fieldName", ""), ""))
    if kind == "constraint-error":
        m = re.search(r'constraint "(\w+)"', err.get("note", ""))
        return FRICTIONLESS_CONSTRAINTS.get(m.group(1)) if m else None
    return None
