"""The whole Table Schema, on packages that are not ours: every type, format, constraint and
dialect option, with the verdict per line compared with ``frictionless validate``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from table_schema_cases import ALL_CASES, Case, write_case

from sticoop.validators.engine import validate


def _codes_by_line(descriptor: Path) -> dict[int, set[str]]:
    report = validate(descriptor)
    assert all(f.line for f in report.findings), [f for f in report.findings if not f.line]
    found: dict[int, set[str]] = {}
    for f in report.findings:
        found.setdefault(f.line, set()).add(f.code)
    return found


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_sticoop_reports_exactly_the_invalid_cells(case: Case, tmp_path: Path) -> None:
    descriptor, expected = write_case(case, tmp_path)
    found = _codes_by_line(descriptor)
    wanted = {line: {code} for line, code in expected.items() if code}
    assert found == wanted


def _frictionless_lines(descriptor: Path) -> set[int]:
    from frictionless import Package

    report = Package(str(descriptor)).validate()
    lines = set()
    for task in report.tasks:
        for error in task.errors:
            assert getattr(error, "row_number", None), (error.type, error.note)
            lines.add(error.row_number)
    return lines


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_same_lines_as_frictionless(case: Case, tmp_path: Path) -> None:
    descriptor, expected = write_case(case, tmp_path)
    cells = [cell for cell in case.valid] + [cell for cell, _ in case.invalid]
    divergent = {line for line, cell in enumerate(cells, start=2) if cell in case.divergent}
    ours = set(_codes_by_line(descriptor)) - divergent
    theirs = _frictionless_lines(descriptor) - divergent
    assert ours == theirs


def _package(tmp_path: Path, resource: dict, csv_text: str, **top) -> Path:
    resource = {"name": "t", **({} if "data" in resource else {"path": "t.csv"}), **resource}
    (tmp_path / "t.csv").write_text(csv_text, encoding="utf-8", newline="")
    path = tmp_path / "datapackage.json"
    path.write_text(json.dumps({"name": "p", "resources": [resource], **top}), encoding="utf-8")
    return path


SCHEMA = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]}


@pytest.mark.parametrize(
    ("dialect", "text"),
    [
        ({"delimiter": ";"}, "a;b\n1;x\n2;y\n"),
        ({"delimiter": "\t"}, "a\tb\n1\tx\n"),
        ({"quoteChar": "'"}, "a,b\n1,'x, y'\n"),
        ({"header": False}, "1,x\n2,y\n"),
        ({"doubleQuote": False, "escapeChar": "\\"}, 'a,b\n1,"say \\"hi\\""\n'),
        ({"skipInitialSpace": True}, "a,b\n1, x\n"),
        ({"commentChar": "#"}, "a,b\n# a comment\n1,x\n"),
    ],
)
def test_dialects_read_valid_files(tmp_path: Path, dialect: dict, text: str) -> None:
    path = _package(tmp_path, {"schema": SCHEMA, "dialect": dialect}, text)
    report = validate(path)
    assert report.ok, report.findings
    assert report.tables["t"] >= 1


def test_dialect_errors_keep_their_physical_line(tmp_path: Path) -> None:
    path = _package(tmp_path, {"schema": SCHEMA, "dialect": {"delimiter": ";"}}, "a;b\n1;x\nq;y\n")
    [finding] = validate(path).findings
    assert (finding.code, finding.line, finding.column, finding.value) == (
        "integer-invalid",
        3,
        "a",
        "q",
    )


def test_headerless_lines_start_at_one(tmp_path: Path) -> None:
    path = _package(tmp_path, {"schema": SCHEMA, "dialect": {"header": False}}, "1,x\nq,y\n")
    [finding] = validate(path).findings
    assert (finding.code, finding.line) == ("integer-invalid", 2)


def test_blank_rows_are_reported_once(tmp_path: Path) -> None:
    path = _package(tmp_path, {"schema": SCHEMA}, "a,b\n1,x\n,\n2,y\n")
    [finding] = validate(path).findings
    assert (finding.code, finding.line) == ("blank-row", 3)


def test_empty_line_inside_a_quoted_cell_is_not_a_blank_line(tmp_path: Path) -> None:
    path = _package(tmp_path, {"schema": SCHEMA}, 'a,b\n1,"two\n\nparagraphs"\n2,y\n')
    report = validate(path)
    assert report.ok, report.findings
    assert report.tables["t"] == 2


def test_house_rules_apply_only_when_opted_in(tmp_path: Path) -> None:
    text = "a,b\r\n1, padded \r\n2,N/A\r\n"
    path = _package(tmp_path, {"schema": SCHEMA}, text)
    assert validate(path).ok  # the spec allows CRLF, edge spaces and any text
    house = validate(path, profile="house")
    assert {"line-ending", "whitespace", "placeholder"} <= {f.code for f in house.findings}
    opted = _package(tmp_path, {"schema": SCHEMA}, text, sticoop={"profile": "house"})
    assert {f.code for f in validate(opted).findings} == {f.code for f in house.findings}
    assert validate(opted, profile="spec").ok


def test_our_package_opts_into_the_house_profile() -> None:
    from conftest import REPO

    assert validate(REPO / "datapackage.json").profile == "house"


def test_cross_table_rules_are_not_applied_to_other_packages(tmp_path: Path) -> None:
    # A table named "events" without sources would break our data model's rules.
    schema = {"fields": [{"name": "event_id", "type": "string"}], "primaryKey": "event_id"}
    resource = {"name": "events", "path": "t.csv", "schema": schema}
    path = _package(tmp_path, resource, "event_id\ne1\n")
    assert validate(path).ok


@pytest.mark.parametrize(
    ("resource", "code", "pointer"),
    [
        ({"data": [[1]], "schema": SCHEMA}, "descriptor-unsupported", "/resources/0/data"),
        (
            {"path": ["a.csv", "b.csv"], "schema": SCHEMA},
            "descriptor-unsupported",
            "/resources/0/path",
        ),
        (
            {"path": "https://example.org/t.csv", "schema": SCHEMA},
            "descriptor-unsupported",
            "/resources/0/path",
        ),
        ({"schema": "schema.json"}, "descriptor-unsupported", "/resources/0/schema"),
        (
            {"encoding": "latin-1", "schema": SCHEMA},
            "descriptor-unsupported",
            "/resources/0/encoding",
        ),
        ({"path": "t.csv.gz", "schema": SCHEMA}, "descriptor-unsupported", "/resources/0/path"),
    ],
)
def test_features_not_read_yet_are_refused_by_name(
    tmp_path: Path, resource: dict, code: str, pointer: str
) -> None:
    path = _package(tmp_path, resource, "a,b\n1,x\n")
    findings = validate(path).findings
    assert (findings[0].code, findings[0].pointer) == (code, pointer), findings


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_pandera_engine_agrees_on_every_type(case: Case, tmp_path: Path) -> None:
    import polars as pl

    from sticoop.validators import validate_frame

    descriptor, _ = write_case(case, tmp_path)
    df = pl.read_csv(tmp_path / "data.csv", infer_schema=False)
    pandera = {(f.code, f.line) for f in validate_frame("data", df, descriptor)}
    duck = {(f.code, f.line) for f in validate(descriptor).findings}
    assert pandera == duck


def test_pandera_accepts_the_typed_frames_read_table_returns() -> None:
    from sticoop import read_table
    from sticoop.validators import schema, validate_frame

    events = read_table("events")
    assert events.schema["mode"] != events.schema["event_id"]  # an Enum beside text
    schema("events").validate(events)
    assert validate_frame("events", events) == []


def test_every_check_kind_compiles_in_both_backends() -> None:
    import dataclasses
    import typing

    from sticoop.descriptor import Field
    from sticoop.validators import rule_checks
    from sticoop.validators.cell_rules import CellRule
    from sticoop.validators.pandera_schemas import _fails
    from sticoop.validators.sql_cells import rule_sql

    field = Field(name="v", type="integer", enum=("1",), minimum=0, min_length=None)
    samples = {str: "x", int: 3, "float | None": 1.0, "tuple[str, ...]": ("a",), Field: field}
    kinds = typing.get_args(rule_checks.Check)
    assert len(kinds) == 14
    for kind in kinds:
        hints = typing.get_type_hints(kind, vars(rule_checks))
        args = {
            f.name: samples.get(hints[f.name], samples.get(str(f.type), field))
            for f in dataclasses.fields(kind)
        }
        if kind is rule_checks.Bound:
            args.update(op=">=", attr="minimum")
        rule = CellRule("x", kind(**args), "m")
        assert rule_sql(rule, '"v"'), kind
        assert _fails(rule, "v") is not None, kind


def test_sql_reads_a_package_in_its_declared_dialect(tmp_path: Path, cli) -> None:
    path = _package(tmp_path, {"schema": SCHEMA, "dialect": {"delimiter": ";"}}, "a;b\n2;y\n1;x\n")
    result = cli("sql", "SELECT sum(a) AS total FROM t", "--data", str(path), "-f", "csv")
    assert (result.exit_code, result.stdout) == (0, "total\n3\n")


def test_a_boolean_enum_uses_the_fields_own_true_and_false_values(tmp_path: Path) -> None:
    field = {"name": "a", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]}
    field["constraints"] = {"enum": [True]}  # the profile wants JSON booleans here
    schema = {"fields": [field, {"name": "b", "type": "string"}]}
    path = _package(tmp_path, {"schema": schema}, "a,b\noui,x\nnon,y\n")
    [finding] = validate(path).findings
    assert (finding.code, finding.line) == ("enum-invalid", 3)
