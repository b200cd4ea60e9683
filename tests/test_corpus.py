"""Every broken package in tests/corpus gives exactly its expected findings and exit code."""

from __future__ import annotations

import json

import pytest
from conftest import CASES


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
