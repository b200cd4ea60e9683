"""The descriptor is valid Frictionless and everything generated from it agrees with it."""

from __future__ import annotations

import pytest
from conftest import REPO

from sticoop.descriptor import load_package
from sticoop.errors import DescriptorError, UsageError
from sticoop.validators.cell_rules import cell_rules


@pytest.fixture(scope="module")
def pkg():
    return load_package(REPO / "datapackage.json")


def test_frictionless_reports_valid_including_foreign_keys():
    from frictionless import Package

    report = Package(str(REPO / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_descriptor_metadata(pkg):
    raw = pkg.raw
    assert pkg.name == "vn-sti-cooperation"
    assert [lic["name"] for lic in raw["licenses"]] == ["CC-BY-4.0"]
    assert raw["version"].count(".") == 2
    for key in ("title", "description", "keywords", "sources", "contributors"):
        assert raw.get(key), key
    # no build-volatile fields
    assert not {"created", "count", "bytes", "hash"} & set(raw)


def test_data_model_tables_and_keys(pkg):
    assert set(pkg.resource_names) == {
        "sources",
        "parties",
        "sectors",
        "events",
        "agreements",
        "event_parties",
        "event_sectors",
        "event_sources",
        "agreement_parties",
        "agreement_sectors",
        "agreement_sources",
        "retired_ids",
    }
    assert pkg.resource("event_parties").primary_key == ("event_id", "party_id", "role")
    assert pkg.resource("retired_ids").primary_key == ("table_name", "retired_id")
    self_refs = {
        (r.name, fk.fields) for r in pkg.resources for fk in r.foreign_keys if fk.resource == r.name
    }
    assert ("parties", ("parent_party_id",)) in self_refs
    assert ("agreements", ("supersedes_agreement_id",)) in self_refs
    for res in pkg.resources:
        for col in res.primary_key:
            assert res.field(col).required, f"{res.name}.{col} is a key and must be required"


def test_pandera_schema_agrees_with_descriptor(pkg):
    from sticoop.validators.pandera_schemas import schema_for

    for res in pkg.resources:
        schema = schema_for(res)
        assert list(schema.columns) == res.field_names
        assert schema.unique == list(res.primary_key)
        for f in res.fields:
            column = schema.columns[f.name]
            assert column.nullable is (not f.required), f"{res.name}.{f.name}"
            assert [c.name for c in column.checks] == [r.code for r in cell_rules(f)]


def test_duckdb_ddl_agrees_with_descriptor(pkg):
    import duckdb
    from ddl_helpers import ddl_statements

    con = duckdb.connect()
    for stmt in ddl_statements(pkg):
        con.execute(stmt)
    expected_type = {"integer": ("INTEGER", "BIGINT"), "boolean": ("BOOLEAN",), "date": ("DATE",)}
    for res in pkg.resources:
        rows = con.execute(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_name = ? ORDER BY ordinal_position",
            [res.name],
        ).fetchall()
        assert [r[0] for r in rows] == res.field_names
        for (name, dtype, nullable), f in zip(rows, res.fields, strict=True):
            if f.enum is not None:
                values = con.execute(f"SELECT enum_range(NULL::{dtype})").fetchone()[0]
                assert tuple(values) == f.enum, f"{res.name}.{name}"
            elif f.type in expected_type:
                assert dtype.upper() in expected_type[f.type], f"{res.name}.{name}: {dtype}"
            else:
                assert dtype == "VARCHAR", f"{res.name}.{name}: {dtype}"
            assert (nullable == "NO") is f.required, f"{res.name}.{name}"


def test_codebook_lists_every_column(pkg):
    from sticoop.codebook import render_codebook

    text = render_codebook(pkg)
    for res in pkg.resources:
        assert f"## `{res.name}`" in text
        for f in res.fields:
            assert f"| `{f.name}` | {f.type} |" in text
            for value in f.enum or ():
                assert f"`{value}`" in text


def test_loader_errors_are_typed(tmp_path):
    with pytest.raises(UsageError):
        load_package(tmp_path / "nope")
    with pytest.raises(UsageError):
        load_package(tmp_path)  # a directory without a descriptor
    bad = tmp_path / "datapackage.json"
    bad.write_text('{"resources": [{"name": "x", "path": "../x.csv", "schema": {"fields": []}}]}')
    with pytest.raises(DescriptorError, match="unsafe path"):
        load_package(bad)


def test_profile_check_is_memoized_without_changing_its_answer():
    import json

    from sticoop.descriptor_profile import _problems, profile_problems

    raw = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    raw["resources"][0]["schema"]["fields"][0]["type"] = "no-such-type"
    del raw["resources"][1]["path"]
    first = profile_problems(raw)
    expected = list(first)
    assert first and first == profile_problems(raw) == _problems(raw, "datapackage")
    first.clear()  # the caller's list is its own
    assert profile_problems(raw) == expected
    # A value that is not plain JSON (a tuple for an array) is checked as it is, never as the
    # JSON text it shares with a list.
    raw["resources"] = tuple(raw["resources"])
    assert profile_problems(raw) == _problems(raw, "datapackage") != expected
