"""Wrong arguments get answers that name what is wrong, not the data: a zip, a database or a
Parquet file given as a descriptor, an output extension sticoop does not write, a query
parameter that does not convert; and --max-rows holds for markdown as for tables."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import REPO


@pytest.fixture
def zip_file(tmp_path: Path) -> Path:
    path = tmp_path / "release-csv.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(REPO / "datapackage.json", "datapackage.json")
    return path


@pytest.fixture
def duckdb_file(tmp_path: Path) -> Path:
    import duckdb

    path = tmp_path / "release.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE events AS SELECT 1 AS event_id")
    con.close()
    return path


@pytest.fixture
def parquet_file(tmp_path: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "events.parquet"
    pq.write_table(pa.table({"event_id": ["a"]}), path)
    return path


@pytest.mark.parametrize("command", ["validate", "info"])
@pytest.mark.parametrize(
    ("kind", "named", "hint"),
    [
        ("zip_file", "a zip archive", "unpack it"),
        ("duckdb_file", "a DuckDB database", "sticoop sql --data"),
        ("parquet_file", "a Parquet file", "datapackage.json"),
    ],
)
def test_a_file_of_another_kind_is_a_usage_error_naming_it(
    request, cli, command: str, kind: str, named: str, hint: str
) -> None:
    path = request.getfixturevalue(kind)
    result = cli(command, str(path))
    assert result.exit_code == 2, result.stdout + result.stderr
    assert f"{path}: this is {named}, not a data package descriptor" in result.stderr
    assert hint in result.stderr
    assert "UTF-8" not in result.stdout + result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["validate", "info"])
@pytest.mark.parametrize("name", ["download.zip", "release.duckdb", "events.parquet"])
def test_a_damaged_file_named_as_another_kind_is_a_usage_error(
    cli, tmp_path: Path, command: str, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(b"<html>503 Service Unavailable</html>")  # what a failed fetch leaves
    result = cli(command, str(path))
    assert result.exit_code == 2, result.stdout + result.stderr
    assert f"{path}: named like a" in result.stderr and "damaged or truncated" in result.stderr
    assert "download it again" in result.stderr
    assert "UTF-8" not in result.stdout + result.stderr and "Traceback" not in result.stderr


def test_unknown_output_extension_is_refused_listing_the_known_ones(cli, tmp_path: Path) -> None:
    target = tmp_path / "events.xlsx"
    for extra in ([], ["--format", "csv"]):
        result = cli("sql", "SELECT * FROM events", "--output", str(target), *extra)
        assert result.exit_code == 2, result.stderr
        assert "does not write .xlsx files" in result.stderr
        assert all(ext in result.stderr for ext in (".csv", ".json", ".md", ".parquet"))
        assert not target.exists() and list(tmp_path.iterdir()) == []
    ran = cli("query", "run", "who_signed_what", "--output", str(target))
    assert ran.exit_code == 2 and "does not write .xlsx files" in ran.stderr


def test_a_parameter_that_does_not_convert_is_blamed(cli) -> None:
    result = cli("query", "run", "who_signed_what", "--param", "since=abc")
    assert result.exit_code == 2
    assert "--param since='abc' is not a valid value" in result.stderr
    assert "since: first year" in result.stderr
    assert "validate" not in result.stderr  # not the data's fault
    good = cli("query", "run", "who_signed_what", "--param", "since=2024", "-f", "csv")
    assert good.exit_code == 0, good.stderr


def test_max_rows_holds_for_markdown(cli) -> None:
    result = cli("sql", "SELECT event_id FROM events ORDER BY 1", "--format", "markdown",
                 "--max-rows", "3")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2 + 3 and lines[0] == "| event_id |"
    assert "first 3 rows shown" in result.stderr
    everything = cli("sql", "SELECT event_id FROM events", "-f", "markdown", "--max-rows", "0")
    assert len(everything.stdout.splitlines()) == 2 + int(
        cli("sql", "SELECT count(*) FROM events", "-f", "csv").stdout.split()[-1]
    )
