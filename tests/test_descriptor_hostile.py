"""Hostile descriptors: malformed shapes, limits, and SQL or regex injection through every
descriptor string that reaches a query. Each gives a finding with a JSON pointer (exit 1),
never a traceback, a file read, or a hang."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sticoop.validators.engine import validate

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True}},
        {"name": "s", "type": "string"},
    ]
}


def _write(folder: Path, descriptor: dict | str, csv_text: str = "id,s\n1,x\n") -> Path:
    (folder / "t.csv").write_text(csv_text, encoding="utf-8")
    path = folder / "datapackage.json"
    text = descriptor if isinstance(descriptor, str) else json.dumps(descriptor)
    path.write_text(text, encoding="utf-8")
    return path


def _with(change) -> dict:
    resource = {"name": "t", "path": "t.csv", "schema": json.loads(json.dumps(SCHEMA))}
    descriptor = {"name": "p", "resources": [resource]}
    change(descriptor, resource, resource["schema"]["fields"])
    return descriptor


def _set(target: str, value):
    def change(descriptor, resource, fields):
        where = {"package": descriptor, "resource": resource, "schema": resource["schema"]}
        if target.startswith("field:"):
            key = target.split(":", 1)[1]
            fields[0][key] = value
        elif target.startswith("constraint:"):
            fields[0].setdefault("constraints", {})[target.split(":", 1)[1]] = value
        else:
            scope, key = target.split(":")
            where[scope][key] = value

    return change


MALFORMED = [
    ("schema:foreignKeys", "x", "/resources/0/schema/foreignKeys"),
    ("field:constraints", [], "/resources/0/schema/fields/0/constraints"),
    ("constraint:enum", 5, "/resources/0/schema/fields/0/constraints/enum"),
    ("schema:primaryKey", 5, "/resources/0/schema/primaryKey"),
    ("constraint:maxLength", "ten", "/resources/0/schema/fields/0/constraints/maxLength"),
    ("constraint:pattern", 123, "/resources/0/schema/fields/0/constraints/pattern"),
    ("field:name", "", "/resources/0/schema/fields/0/name"),
    ("field:type", "yeer", "/resources/0/schema/fields/0"),
    ("constraint:minimum", "0 OR 1=1", "/resources/0/schema/fields/0/constraints/minimum"),
    ("resource:path", "../x.csv", "/resources/0/path"),
    ("resource:path", "/etc/passwd", "/resources/0/path"),
    ("resource:name", "../../x", "/resources/0/name"),
    ("package:resources", {}, "/resources"),
    ("resource:dialect", {"delimiter": ";;"}, "/resources/0/dialect/delimiter"),
]


@pytest.mark.parametrize(("target", "value", "pointer"), MALFORMED)
def test_malformed_descriptors_are_findings_with_pointers(tmp_path, target, value, pointer):
    report = validate(_write(tmp_path, _with(_set(target, value))))
    assert not report.ok
    assert pointer in {f.pointer for f in report.findings}, report.findings
    assert all(f.code.startswith("descriptor-") for f in report.findings)


def test_invalid_and_backtracking_patterns_are_refused(tmp_path):
    report = validate(_write(tmp_path, _with(_set("constraint:pattern", "(a)\\1"))))
    assert [f.code for f in report.findings] == ["descriptor-pattern"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"resources": ' + "[" * 200_000 + "]" * 200_000 + "}", "descriptor-limit"),
        ('{"version": ' + "9" * 5000 + ', "resources": []}', "descriptor-json"),
        ('{"resources": [1e999]}', "descriptor-json"),
        ('{"resources": NaN}', "descriptor-json"),
        ("[]", "descriptor-json"),
        ("{", "descriptor-json"),
    ],
)
def test_limits_before_parsing(tmp_path, text, code):
    report = validate(_write(tmp_path, text))
    assert [f.code for f in report.findings] == [code]


def test_yaml_aliases_are_refused(tmp_path):
    (tmp_path / "datapackage.yaml").write_text(
        "a: &x [1, 2]\nb: [*x, *x]\nresources: []\n", encoding="utf-8"
    )
    report = validate(tmp_path)
    assert [f.code for f in report.findings] == ["descriptor-json"]
    assert "aliases" in report.findings[0].message


def test_a_yaml_descriptor_is_read(tmp_path):
    (tmp_path / "t.csv").write_text("id,s\n1,x\nq,y\n", encoding="utf-8")
    (tmp_path / "datapackage.yaml").write_text(
        "name: p\nresources:\n  - name: t\n    path: t.csv\n    schema:\n      fields:\n"
        "        - {name: id, type: integer}\n        - {name: s, type: string}\n",
        encoding="utf-8",
    )
    [finding] = validate(tmp_path).findings
    assert (finding.code, finding.line) == ("integer-invalid", 3)


# Strings that would change a query if spliced into SQL text, or read a file if executed.
INJECTIONS = [
    "x' OR '1'='1",
    "x'); SELECT * FROM read_text('CANARY'); --",
    '" OR 1=1 --',
    "'||(SELECT content FROM read_text('CANARY'))||'",
    "x\\'; COPY (SELECT 1) TO 'PWNED'; --",
]


def _injected(payload: str) -> list:
    """Descriptors carrying PAYLOAD in every string that reaches SQL, each still valid JSON."""
    int_field = {"name": "n", "type": "integer"}
    return [
        ("field name", {"fields": [{"name": payload, "type": "string"}, int_field]}, None),
        (
            "enum value",
            {"fields": [{"name": "s", "type": "string", "constraints": {"enum": [payload]}}]},
            None,
        ),
        (
            "pattern",
            {"fields": [{"name": "s", "type": "string", "constraints": {"pattern": payload}}]},
            None,
        ),
        (
            "missingValues",
            {"fields": [{"name": "s", "type": "string"}], "missingValues": [payload]},
            None,
        ),
        (
            "trueValues",
            {"fields": [{"name": "s", "type": "boolean", "trueValues": [payload]}]},
            None,
        ),
        (
            "date format",
            {"fields": [{"name": "s", "type": "date", "format": "%Y" + payload}]},
            None,
        ),
        ("groupChar", {"fields": [{"name": "s", "type": "number", "groupChar": payload}]}, None),
        ("dialect", {"fields": [{"name": "s", "type": "string"}]}, {"commentChar": payload}),
    ]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_no_descriptor_string_becomes_sql(tmp_path, payload):
    canary = tmp_path / "canary.txt"
    canary.write_text("SECRET-CANARY", encoding="utf-8")
    payload = payload.replace("CANARY", str(canary)).replace("PWNED", str(tmp_path / "pwned"))
    for what, schema, dialect in _injected(payload):
        folder = tmp_path / what.replace(" ", "-")
        folder.mkdir()
        first = schema["fields"][0]["name"]
        header = _csv_line([f["name"] for f in schema["fields"]])
        resource = {"name": "t", "path": "t.csv", "schema": schema}
        if dialect:
            resource["dialect"] = dialect
        path = _write(folder, {"name": "p", "resources": [resource]}, f"{header}\nabc\n")
        report = validate(path)
        text = json.dumps([f.to_dict() for f in report.findings])
        assert "SECRET-CANARY" not in text, what
        assert not (tmp_path / "pwned").exists(), what
        codes = {f.code for f in report.findings}
        if what == "field name":
            assert report.ok or codes <= {"row-width"}, (what, report.findings)
            assert first == payload
        elif what in ("enum value", "trueValues"):
            assert codes in ({"enum-invalid"}, {"boolean-invalid"}), (what, report.findings)
        elif what == "missingValues":
            assert report.ok, (what, report.findings)
        else:  # a pattern, format or character that is not valid data: refused or a finding
            assert codes, what


def _csv_line(cells: list[str]) -> str:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def test_cli_never_prints_a_traceback_on_malformed_descriptors(tmp_path, cli):
    for i, (target, value, _pointer) in enumerate(MALFORMED):
        folder = tmp_path / str(i)
        folder.mkdir()
        _write(folder, _with(_set(target, value)))
        result = cli("validate", str(folder), "--format", "json")
        assert result.exit_code == 1, (target, result.stderr)
        assert "Traceback" not in result.stderr
        assert json.loads(result.stdout)["valid"] is False


def test_the_real_console_script_on_a_hostile_descriptor(tmp_path):
    from conftest import run_cli

    _write(tmp_path, '{"resources": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = run_cli("validate", str(tmp_path))
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert "descriptor-limit" in result.stdout


def test_a_line_too_long_for_bounded_memory_is_refused(tmp_path, monkeypatch):
    from sticoop.validators import filescan

    monkeypatch.setattr(filescan, "CHUNK", 64 * 1024)
    monkeypatch.setattr(filescan, "MAX_LINE_BYTES", 1024 * 1024)
    path = _write(tmp_path, _with(lambda *_: None), "id,s\n1," + "x" * 3_000_000 + "\n2,y\n")
    [finding] = validate(path).findings
    assert (finding.code, finding.line) == ("line-too-long", 2)


@pytest.mark.parametrize("kind", ["fifo", "directory", "link-out", "broken-link"])
def test_special_files_are_named_never_read(tmp_path, kind):
    import os

    package = tmp_path / "pkg"
    package.mkdir()
    path = _write(package, _with(lambda *_: None))
    target = package / "t.csv"
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    elif kind == "link-out":
        (tmp_path / "secret.csv").write_text("id,s\n1,SECRET\n", encoding="utf-8")
        target.symlink_to(tmp_path / "secret.csv")
    else:
        target.symlink_to(tmp_path / "nowhere.csv")
    report = validate(path)  # a FIFO opened for reading would block here
    [finding] = report.findings
    assert finding.code == "file-not-regular"
    assert "SECRET" not in (finding.value or "") + finding.message


@pytest.mark.parametrize(
    "body",
    [b"a,b\n1,2\n", b"a,b\n" + b"x" * 40 + b"\n1,2\n", b"h\n" + b"y" * 41, b"\n" * 3 + b"z" * 50],
)
def test_both_long_line_scans_agree(tmp_path, body: bytes) -> None:
    """The plain-Python scan (small files) and the numpy one (large files) find the same line."""
    from sticoop import csvread

    path = tmp_path / "t.csv"
    path.write_bytes(body)
    assert csvread._long_line_small(path, 30) == csvread._long_line(path, 30)
