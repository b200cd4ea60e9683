"""The quick pass's check runner: checks wait for their tables, helpers unlock the checks
reading them, and an error, a finding or a check that never ran all count as a doubt."""

from __future__ import annotations

import duckdb
import pytest

from sticoop.validators.quick_checks import (
    CheckRunner,
    query_check,
    repeated_key_check,
    table_check,
)


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def _finish(con, checks, ready) -> bool:
    """Mark READY (existing tables) ready one by one, then wait for every check."""
    runner = CheckRunner(con, checks)
    try:
        for name in ready:
            runner.ready(name)
        return runner.finish()
    finally:
        runner.close()


def _run(con, checks, tables) -> bool:
    """Create each of TABLES (column k = 0..4) and mark it ready, then wait for every check."""
    for name in tables:
        con.execute(f"CREATE TABLE {name} AS SELECT range AS k FROM range(5)")
    return _finish(con, checks, tables)


def test_checks_run_once_their_tables_and_helpers_exist(con):
    checks = [
        table_check("helper", ("a", "b"), "SELECT a.k FROM a JOIN b USING (k)"),
        query_check(("helper",), "SELECT 1 FROM helper WHERE k > 10"),
        query_check(("a",), "SELECT 1 FROM a WHERE k < 0"),
    ]
    assert _run(con, checks, ["a", "b"]) is False
    assert con.execute("SELECT count(*) FROM helper").fetchone()[0] == 5


def test_a_check_that_finds_a_row_is_a_doubt(con):
    assert _run(con, [query_check(("a",), "SELECT 1 FROM a WHERE k = 3")], ["a"]) is True


def test_a_check_whose_table_never_loads_is_a_doubt(con):
    assert _run(con, [query_check(("missing",), "SELECT 1")], ["a"]) is True


def test_an_error_in_a_check_is_raised_and_stops_the_pass(con):
    runner = CheckRunner(con, [query_check(("a",), "SELECT no_such_column FROM a")])
    try:
        con.execute("CREATE TABLE a AS SELECT 1 AS k")
        runner.ready("a")
        with pytest.raises(duckdb.Error):
            runner.finish()
        assert runner.found.is_set()
    finally:
        runner.close()


def test_repeated_key_hashes_are_found(con):
    con.execute("CREATE TABLE t AS SELECT hash(range % 4) AS h FROM range(5)")  # 0 and 4 repeat
    con.execute("CREATE TABLE u AS SELECT hash(range) AS h FROM range(1000)")
    assert _finish(con, [repeated_key_check("t", "t", ["h"])], ["t"]) is True
    assert _finish(con, [repeated_key_check("u", "u", ["h"])], ["u"]) is False
