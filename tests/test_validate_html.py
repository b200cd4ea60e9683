"""``sticoop validate --format html``: one self-contained page, the bad cell marked, escaped."""

from __future__ import annotations

import re

from conftest import build_case

from sticoop.validators import validate
from sticoop.validators.findings import Finding, Report
from sticoop.validators.report import render


def test_html_report_marks_the_bad_cell(tmp_path):
    path, _ = build_case("whitespace", tmp_path / "case")
    html = render(validate(path), "html")
    assert html.startswith("<!doctype html>")
    assert "INVALID" in html and "Leading or trailing whitespace." in html
    marked = re.search(r'<td class="bad-cell">([^<]*)</td>', html)
    assert marked is not None and marked.group(1).startswith("Official visit to Russia")
    assert "<th>title_en</th>" in html
    # self-contained: no external stylesheet, script, image or font
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert "url(" not in html


def test_cli_writes_html_and_exits_1_on_invalid_data(tmp_path, cli):
    path, _ = build_case("whitespace", tmp_path / "case")
    result = cli("validate", str(path), "--format", "html")
    assert result.exit_code == 1
    assert result.stdout.lstrip().startswith("<!doctype html>")
    assert "bad-cell" in result.stdout


def test_valid_package_report_says_valid(tmp_path, cli):
    result = cli("validate", "--format", "html")
    assert result.exit_code == 0, result.stderr
    assert "No finding." in result.stdout and ">valid<" in result.stdout


def test_hostile_values_are_escaped_and_outside_files_not_read(tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("a,b\nTOP-SECRET,x\n", encoding="utf-8")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    report = Report(descriptor=str(pkg / "datapackage.json"))
    report.add(
        Finding(
            code="whitespace",
            message="<script>alert(1)</script>",
            table="t",
            file=str(secret),
            line=2,
            column="a",
            value="</td><script>x</script>",
        )
    )
    html = render(report, "html")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "TOP-SECRET" not in html  # the file is outside the package: not read back
