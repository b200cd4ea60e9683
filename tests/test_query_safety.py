"""``sticoop sql`` reads the dataset and nothing else: every write or escape is refused."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import run_cli

from sticoop.errors import QueryError
from sticoop.query import check_read_only, run_query

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """A copy of the bundled dataset, so a failure to refuse cannot harm the repository."""
    root = tmp_path / "data"
    root.mkdir()
    shutil.copyfile(REPO / "datapackage.json", root / "datapackage.json")
    shutil.copytree(REPO / "resources", root / "resources")
    return root


def fingerprint(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


REFUSED = [
    "COPY events TO '{root}/resources/events.csv'",
    "COPY (SELECT 1 AS x) TO '{root}/resources/events.csv' (FORMAT csv, USE_TMP_FILE false)",
    "COPY events TO '{root}/stolen.csv'",
    "EXPORT DATABASE '{root}/export'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_text('{root}/resources/../datapackage.json')",
    "SELECT * FROM glob('/etc/*')",
    "ATTACH '{root}/other.duckdb' AS other",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SET threads = 1",
    "RESET lock_configuration",
    "PRAGMA enable_profiling",
    "INSERT INTO events (event_id) VALUES ('x')",
    "UPDATE events SET city = 'x'",
    "DELETE FROM events",
    "DROP VIEW events",
    "CREATE TABLE t AS SELECT 1",
    "CREATE MACRO m() AS 1",
    "EXPLAIN ANALYZE COPY events TO '{root}/resources/events.csv'",
    "SELECT 1; COPY events TO '{root}/resources/events.csv'",
    "CHECKPOINT",
]


@pytest.mark.parametrize("sql", REFUSED)
def test_refused_with_exit_2_and_nothing_touched(cli, dataset: Path, sql: str) -> None:
    before = fingerprint(dataset)
    result = cli("sql", sql.format(root=dataset), "--data", str(dataset))
    assert result.exit_code == 2, result
    assert result.stdout == ""
    assert result.stderr.startswith("error[query]: ")
    assert "Traceback" not in result.stderr
    assert fingerprint(dataset) == before


def test_a_real_process_prints_no_traceback(dataset: Path) -> None:
    before = fingerprint(dataset)
    result = run_cli(
        "sql", f"COPY events TO '{dataset}/resources/events.csv'", "--data", str(dataset)
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert "COPY statements are not allowed" in result.stderr
    assert fingerprint(dataset) == before


def test_syntax_error_shows_duckdb_message_and_the_known_tables(cli, dataset: Path) -> None:
    result = cli("sql", "SELEC * FROM events", "--data", str(dataset))
    assert result.exit_code == 2
    assert "syntax error" in result.stderr
    hint = next(line for line in result.stderr.splitlines() if line.startswith("hint: "))
    assert "events" in hint and "agreement_overview" in hint


def test_unknown_table_shows_the_known_tables(cli, dataset: Path) -> None:
    result = cli("sql", "SELECT * FROM treaties", "--data", str(dataset))
    assert result.exit_code == 2
    assert "treaties" in result.stderr and "does not exist" in result.stderr
    assert "hint: tables: agreement_parties" in result.stderr


def test_reading_the_dataset_itself_is_allowed(dataset: Path) -> None:
    # the sandbox allows exactly the dataset's CSVs
    table = run_query(
        f"SELECT count(*) AS n FROM read_csv('{dataset}/resources/events.csv')", data=dataset
    )
    assert table.to_pylist()[0]["n"] > 0


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1",
        "  with x AS (SELECT 1) SELECT * FROM x;",
        "FROM events",
        "DESCRIBE events",
        "SUMMARIZE events",
        "SHOW TABLES",
        "EXPLAIN SELECT * FROM events",
        "VALUES (1), (2)",
    ],
)
def test_read_only_statements_pass_the_check(sql: str) -> None:
    assert check_read_only(sql)


def test_empty_sql_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="no SQL statement"):
        check_read_only("  ;  ")
