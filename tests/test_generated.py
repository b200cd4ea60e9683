"""Committed generated files (codebook, error codes, load.sql) are up to date."""

from __future__ import annotations

from conftest import REPO

from sticoop.descriptor import load_package
from sticoop.generate import expected_files, generate
from sticoop.validators.rules import RULES


def test_generated_files_are_not_stale():
    stale = generate(REPO, check=True)
    assert stale == [], f"run 'sticoop generate' to refresh: {stale}"


def test_error_codes_doc_lists_every_rule():
    doc = expected_files(load_package(REPO))["docs/error-codes.md"]
    for code, rule in RULES.items():
        assert f"| `{code}` | {rule.severity} |" in doc


def test_check_reports_a_stale_file(tmp_path):
    import shutil

    shutil.copy(REPO / "datapackage.json", tmp_path)
    shutil.copytree(REPO / "resources", tmp_path / "resources")  # docs/coverage.md reads the data
    assert sorted(generate(tmp_path, check=True)) == sorted(expected_files(load_package(tmp_path)))
    assert not (tmp_path / "docs").exists(), "--check must not write"
    generate(tmp_path)
    assert generate(tmp_path, check=True) == []
