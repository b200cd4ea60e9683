"""Every broken package in tests/corpus gives exactly its expected findings and exit code,
and the pandera and DuckDB engines report the same cell findings on it (the tests share each
xdist worker's one validation of each case)."""

from __future__ import annotations

import hashlib
import json

import pytest
from conftest import CASES

from sticoop.descriptor import load_package
from sticoop.validators import validate_frame
from sticoop.validators.rules import RULES


def _found(report) -> list[list]:
    return sorted(
        ([f.code, f.table, f.line, f.column] for f in report.findings),
        key=lambda e: [str(x) for x in e],
    )


@pytest.mark.parametrize("name", CASES)
def test_case_gives_expected_findings(corpus_report, name):
    _, meta, report = corpus_report(name)
    assert _found(report) == meta["expected"], meta["description"]


@pytest.mark.parametrize("name", CASES)
def test_case_exit_code_and_no_traceback(corpus_report, cli, name):
    path, meta, _ = corpus_report(name)
    result = cli("validate", str(path), "--format", "json")
    assert result.exit_code == meta["exit_code"], result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    payload = json.loads(result.stdout)
    assert payload["valid"] is (meta["exit_code"] == 0)
    assert payload["error_count"] + payload["warning_count"] == len(meta["expected"])
    if "strict_exit_code" in meta:
        assert cli("validate", str(path), "--strict").exit_code == meta["strict_exit_code"]


def test_corpus_is_large_enough():
    assert len(CASES) >= 30


# pandera and DuckDB apply one contract: on the corpus they report the same cell findings.

# What a single table can show, which both engines check.
SHARED = {code for code, r in RULES.items() if r.group == "cell"} | {"pk-duplicate"}
STRUCTURAL = {"file", "header", "row", "package"}


def _comparable_tables(pkg, report) -> list[str]:
    """Tables whose file both engines read the same way (no file, header or row problems).

    Files with multi-line records are left out too: pandera numbers records, not lines.
    """
    broken = {f.table for f in report.findings if RULES[f.code].group in STRUCTURAL}
    tables = []
    for res in pkg.resources:
        path = pkg.csv_path(res.name)
        if res.name in broken or not path.is_file():
            continue
        if any(f.code == "control-char" and f.table == res.name for f in report.findings):
            continue  # a quoted newline shifts the lines that follow
        tables.append(res.name)
    return tables


# pandera's findings on a table depend only on its resource, the profile and the file's bytes:
# computed once for the tables a corpus case leaves as they are in the base package.
_PANDERA: dict[tuple, set[tuple]] = {}


def _pandera_findings(pkg, table: str) -> set[tuple]:
    import polars as pl

    path = pkg.csv_path(table)
    key = (pkg.resource(table), pkg.house, hashlib.sha256(path.read_bytes()).digest())
    if key not in _PANDERA:
        df = pl.read_csv(path, infer_schema=False)
        found = validate_frame(table, df, pkg)
        _PANDERA[key] = {(f.code, f.table, f.line, f.column) for f in found}
    return _PANDERA[key]


@pytest.mark.parametrize("name", CASES)
def test_engines_agree_on_case(corpus_report, name):
    path, _, report = corpus_report(name)
    if any(f.code.startswith("descriptor") for f in report.findings):
        pytest.skip("no usable descriptor: neither engine can run")
    pkg = load_package(path)
    for table in _comparable_tables(pkg, report):
        duck = {
            (f.code, f.table, f.line, f.column)
            for f in report.findings
            if f.table == table and f.code in SHARED
        }
        assert _pandera_findings(pkg, table) == duck, table


def test_agreement_is_not_vacuous(corpus_report):
    """The comparison above covers many distinct codes, not just empty sets."""
    seen = set()
    for name in CASES:
        _, meta, _ = corpus_report(name)
        seen |= {e[0] for e in meta["expected"] if e[0] in SHARED}
    assert len(seen) >= 12, seen
