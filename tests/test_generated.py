"""Committed generated files (codebook, error codes, load.sql, the CLI reference) are up to
date, and generating never writes into the installed dataset."""

from __future__ import annotations

import pytest
from conftest import REPO

from sticoop.descriptor import load_package
from sticoop.errors import UsageError
from sticoop.generate import expected_files, generate
from sticoop.validators.rules import RULES


def _cli_files():
    """The files the command line generates (docs/cli.md), as ``sticoop generate`` adds them."""
    from sticoop.cli.app import build_app
    from sticoop.cli.reference import cli_generated

    return cli_generated(build_app())


def test_generated_files_are_not_stale():
    stale = generate(REPO, check=True, extra=_cli_files())
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


def test_generate_in_a_folder_without_a_package_refuses(tmp_path, monkeypatch, cli):
    """No package here: refused (exit 2), never the bundled dataset checked or rewritten."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match="holds no datapackage"):
        generate()
    result = cli("generate", "--check", cwd=tmp_path)
    assert result.exit_code == 2 and "holds no datapackage" in result.stderr
    assert "stale" not in result.stdout and not list(tmp_path.iterdir())


def test_the_installed_copy_is_refused_by_writing_commands(tmp_path, monkeypatch):
    """A wheel install's bundled copy (sticoop/_bundled) is read, never written."""
    import shutil

    import sticoop.descriptor as descriptor

    bundled = tmp_path / "sticoop" / "_bundled"
    shutil.copytree(REPO / "resources", bundled / "resources")
    shutil.copy(REPO / "datapackage.json", bundled)
    monkeypatch.setattr(descriptor, "__file__", str(tmp_path / "sticoop" / "descriptor.py"))
    assert load_package(bundled).name  # read-only commands may read it
    with pytest.raises(UsageError, match="installed with sticoop is not written"):
        load_package(bundled, writable=True)
    with pytest.raises(UsageError, match="installed with sticoop is not written"):
        generate(bundled, check=True)
