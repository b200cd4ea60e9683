"""The Parquet data package of a release (``format: parquet`` resources) is read by info,
validate, sql and diff like the CSV package it comes from."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from release_helpers import copy_bundled

from sticoop.descriptor import load_package
from sticoop.release.entries import parquet_zip_entries


@pytest.fixture(scope="module")
def csv_pkg(tmp_path_factory) -> Path:
    return copy_bundled(tmp_path_factory.mktemp("csv") / "pkg")


@pytest.fixture(scope="module")
def parquet_pkg(csv_pkg: Path, tmp_path_factory) -> Path:
    """The Parquet package as the release's zip holds it, unpacked."""
    folder = tmp_path_factory.mktemp("parquet") / "pkg"
    folder.mkdir()
    work = tmp_path_factory.mktemp("work")
    for name, entry in parquet_zip_entries(load_package(csv_pkg), work).items():
        target = folder / name
        if isinstance(entry, Path):
            shutil.copyfile(entry, target)
        else:
            target.write_bytes(entry)
    return folder


@pytest.fixture
def copy(parquet_pkg: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(parquet_pkg, tmp_path / "pkg"))


def _edit(folder: Path, table: str, column: str, row: int, value: str | None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / f"{table}.parquet"
    data = pq.read_table(path)
    values = data.column(column).to_pylist()
    values[row] = value
    index = data.schema.get_field_index(column)
    data = data.set_column(index, pa.field(column, pa.string()), pa.array(values, pa.string()))
    pq.write_table(data, path)


def test_descriptor_points_at_the_parquet_files(parquet_pkg: Path, csv_pkg: Path) -> None:
    pkg = load_package(parquet_pkg)
    assert [r.format for r in pkg.resources] == ["parquet"] * len(pkg.resources)
    raw = json.loads((parquet_pkg / "datapackage.json").read_text(encoding="utf-8"))
    for res in raw["resources"]:
        assert res["path"] == f"{res['name']}.parquet" and res["format"] == "parquet"
        assert res["bytes"] == (parquet_pkg / res["path"]).stat().st_size
        assert res["hash"].startswith("sha256:") and "dialect" not in res
    assert pkg.resource_names == load_package(csv_pkg).resource_names


def test_info_counts_the_rows(parquet_pkg: Path, csv_pkg: Path, cli) -> None:
    pq_info, csv_info = cli("info", str(parquet_pkg)), cli("info", str(csv_pkg))
    assert pq_info.exit_code == 0, pq_info.stderr
    counts = [line for line in pq_info.stdout.splitlines() if line.startswith("  ")]
    assert counts == [line for line in csv_info.stdout.splitlines() if line.startswith("  ")]
    assert "missing" not in pq_info.stdout


def test_validate_is_clean_with_the_house_profile(parquet_pkg: Path, csv_pkg: Path, cli) -> None:
    result = cli("validate", str(parquet_pkg), "--format", "json")
    assert result.exit_code == 0, result.stdout
    payload = json.loads(result.stdout)
    assert payload["valid"] and payload["profile"] == "house" and payload["error_count"] == 0
    csv_rows = json.loads(cli("validate", str(csv_pkg), "--format", "json").stdout)["rows"]
    assert payload["rows"] == csv_rows and payload["rows"]["events"] > 0


def test_sql_reads_typed_tables_and_views(parquet_pkg: Path, csv_pkg: Path, cli) -> None:
    sql = (
        "SELECT count(*) AS n, min(signed_date) AS first, typeof(min(signed_date)) AS t "
        "FROM agreements"
    )
    pq_out = cli("sql", "--data", str(parquet_pkg), "--format", "csv", sql)
    assert pq_out.exit_code == 0, pq_out.stderr
    assert pq_out.stdout == cli("sql", "--data", str(csv_pkg), "--format", "csv", sql).stdout
    assert "DATE" in pq_out.stdout
    view = cli("sql", "--data", str(parquet_pkg), "SELECT count(*) FROM agreement_overview")
    assert view.exit_code == 0, view.stderr


def test_diff_finds_no_record_changed(parquet_pkg: Path, csv_pkg: Path, cli) -> None:
    result = cli("diff", str(csv_pkg), str(parquet_pkg), "--format", "json")
    assert result.exit_code == 0, result.stderr
    tables = json.loads(result.stdout)["tables"]
    assert tables and all(
        t["added"] == t["removed"] == t["changed"] == 0 and t["old_rows"] == t["new_rows"]
        for t in tables
    ), tables


def test_cell_key_and_rule_findings_name_the_row(copy: Path, cli) -> None:
    _edit(copy, "events", "event_type", 2, "picnic")  # third row: line 4
    _edit(copy, "events", "event_id", 5, None)  # required, and the key
    result = cli("validate", str(copy), "--format", "json")
    assert result.exit_code == 1, result.stdout
    found = {(f["code"], f["table"], f.get("line"), f.get("column")) for f in _findings(result)}
    assert ("enum-invalid", "events", 4, "event_type") in found
    assert ("required-missing", "events", 7, "event_id") in found
    assert "Traceback" not in result.stdout + result.stderr


def test_damaged_or_missing_columns_are_findings_not_tracebacks(copy: Path, cli) -> None:
    events = copy / "events.parquet"
    events.write_bytes(events.read_bytes()[:100])
    _drop_column(copy / "sectors.parquet", "name_vi")
    result = cli("validate", str(copy), "--format", "json")
    assert result.exit_code == 1
    found = {(f["code"], f["table"], f.get("column")) for f in _findings(result)}
    assert ("file-missing", "events", None) in found
    assert ("header-missing-column", "sectors", "name_vi") in found
    messages = " ".join(f["message"] for f in _findings(result))
    assert "as Parquet" in messages
    sql = cli("sql", "--data", str(copy), "SELECT 1")
    assert sql.exit_code == 1 and "Traceback" not in sql.stderr
    assert "sectors.parquet: column(s) name_vi of table sectors" in sql.stderr  # first table
    _drop_column(copy / "sectors.parquet", "name_vi", restore=True)
    sql = cli("sql", "--data", str(copy), "SELECT 1")
    assert sql.exit_code == 1 and "events.parquet: cannot read as Parquet" in sql.stderr


def test_other_table_formats_are_still_refused(copy: Path, cli) -> None:
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["format"] = "xlsx"
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = cli("validate", str(copy), "--format", "json")
    assert result.exit_code == 1
    assert any(
        f["code"] == "descriptor-unsupported" and "xlsx" in f["message"] for f in _findings(result)
    )


def _drop_column(path: Path, column: str, restore: bool = False) -> None:
    """Remove COLUMN from the Parquet file at PATH (RESTORE: add it back, all null)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = pq.read_table(path)
    if restore:
        data = data.append_column(column, pa.nulls(data.num_rows, pa.string()))
    else:
        data = data.drop_columns([column])
    pq.write_table(data, path)


def _findings(result) -> list[dict]:
    return json.loads(result.stdout)["findings"]
