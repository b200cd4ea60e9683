"""`sticoop validate`: formats, exit codes, defaults, caps, read-only behaviour."""

from __future__ import annotations

import json
import os
import shutil

from conftest import REPO, run_cli


def test_bundled_dataset_is_valid(cli):
    result = cli("validate", str(REPO))
    assert result.exit_code == 0, result.stdout
    assert "valid: 0 error(s), 0 warning(s)" in result.stdout


def test_text_groups_by_table_and_rule(corpus_case, cli):
    path, _ = corpus_case("two-cycle")
    result = cli("validate", str(path))
    assert result.exit_code == 1
    assert "parties  (" in result.stdout
    assert "error hierarchy-cycle ×2" in result.stdout
    assert "line 3, parent_party_id, record most-vn" in result.stdout
    assert result.stdout.rstrip().endswith(
        "INVALID: 2 error(s), 0 warning(s) in 12 table(s), 25 row(s)"
    )


def test_json_is_machine_readable(corpus_case, cli):
    path, _ = corpus_case("enum-invalid")
    payload = json.loads(cli("validate", str(path), "--format", "json").stdout)
    assert payload["valid"] is False and payload["error_count"] == 1
    assert payload["counts_by_code"] == {"enum-invalid": 1}
    (finding,) = payload["findings"]
    assert finding["severity"] == "error" and finding["code"] == "enum-invalid"
    assert finding["file"].endswith("resources/events.csv")
    assert (finding["line"], finding["column"], finding["value"]) == (3, "mode", "virtual")
    assert finding["record_id"] == "e-visit"


def test_github_annotations_point_at_file_and_line(corpus_case, cli):
    path, _ = corpus_case("dangling-fk")
    result = cli("validate", "--format", "github", cwd=path)
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(
        "::error file=resources/event_parties.csv,line=7,title=fk-missing (party_id)::"
    )
    assert "ghost" in first


def test_markdown_summary_table(corpus_case, cli):
    path, _ = corpus_case("placeholder")
    out = cli("validate", str(path), "--format", "markdown").stdout
    assert out.startswith("### ❌ sticoop validate: INVALID")
    assert "| parties | `placeholder` | error | 1 |" in out


def test_max_errors_caps_listing_not_counts(corpus_case, cli):
    path, _ = corpus_case("integer-and-range")
    payload = json.loads(cli("validate", str(path), "-f", "json", "--max-errors", "1").stdout)
    assert payload["error_count"] == 2
    assert len(payload["findings"]) == 1 and payload["findings_truncated"] is True
    text = cli("validate", str(path), "--max-errors", "0").stdout
    assert "INVALID: 2 error(s)" in text and "valid_from_year: not an integer" not in text


def test_strict_turns_warnings_into_failure(corpus_case, cli):
    path, _ = corpus_case("warning-only")
    assert cli("validate", str(path)).exit_code == 0
    strict = cli("validate", str(path), "--strict", "-f", "github")
    assert strict.exit_code == 1
    assert strict.stdout.startswith("::error ")


def test_default_path_is_current_directory_then_bundled(corpus_case, cli, tmp_path):
    path, _ = corpus_case("enum-invalid")
    assert cli("validate", cwd=path).exit_code == 1  # the broken package in the cwd
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    result = cli("validate", cwd=empty)  # no descriptor here: the bundled dataset
    assert result.exit_code == 0 and "datapackage.json" in result.stdout


def test_usage_errors_exit_2_without_traceback(cli, tmp_path):
    for args in (
        ("validate", str(tmp_path / "missing")),
        ("validate", "--format", "xml"),
        ("validate", str(tmp_path)),
    ):
        result = cli(*args)
        assert result.exit_code == 2, args
        assert "Traceback" not in result.stdout + result.stderr
    assert "no such file or directory" in cli("validate", str(tmp_path / "missing")).stderr


def test_validate_never_writes_into_the_data_directory(corpus_case):
    path, _ = corpus_case("crlf")
    before = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in path.rglob("*")}
    os.chmod(path, 0o555)
    try:
        result = run_cli("validate", ".", cwd=path)
    finally:
        os.chmod(path, 0o755)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in path.rglob("*")} == before


def test_console_script_end_to_end(tmp_path):
    shutil.copytree(REPO / "resources", tmp_path / "resources")
    shutil.copy(REPO / "datapackage.json", tmp_path)
    result = run_cli("validate", str(tmp_path / "datapackage.json"))
    assert result.exit_code == 0, result.stdout + result.stderr
