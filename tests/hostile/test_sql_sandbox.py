"""Hostile SQL: the sandbox's temp folder, Ctrl-C and SIGTERM, timeouts, memory, refusals."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX special files and signals")

REPO = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).parent / "sticoop"
ENDLESS = "SELECT count(*) FROM range(1000000000000)"


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    shutil.copyfile(REPO / "datapackage.json", root / "datapackage.json")
    shutil.copytree(REPO / "resources", root / "resources")
    return root


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """TMPDIR for the command under test: it must be empty again afterwards."""
    tmp = tmp_path / "tmpdir"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    return tmp


def start(*args: str, cwd: Path | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(EXE), *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


def run(*args: str, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(EXE), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def wait_until_running(proc: subprocess.Popen[str], tmp: Path, limit: float = 20.0) -> None:
    """Wait until the query runs: its private temp folder exists (created before DuckDB)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        if any(tmp.glob("sticoop-sql-*")):
            time.sleep(0.5)  # views created, query started
            return
        time.sleep(0.05)
    raise AssertionError("the query did not start")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_a_running_query_at_once(
    dataset: Path, private_tmp: Path, sig: signal.Signals
) -> None:
    proc = start("sql", ENDLESS, "--data", str(dataset), "--timeout", "0")
    try:
        wait_until_running(proc, private_tmp)
        sent = time.monotonic()
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert time.monotonic() - sent < 5
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert out == ""
    assert list(private_tmp.iterdir()) == []  # the private temp folder is gone


def test_timeout_stops_the_query_with_exit_2(dataset: Path, private_tmp: Path) -> None:
    began = time.monotonic()
    result = run("sql", ENDLESS, "--data", str(dataset), "--timeout", "1", timeout=30)
    assert time.monotonic() - began < 15
    assert result.returncode == 2, result.stderr
    assert "ran longer than 1 s" in result.stderr and "--timeout" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(private_tmp.iterdir()) == []


def test_the_temp_folder_is_private_not_dot_tmp(dataset: Path, private_tmp: Path) -> None:
    spy = dataset / ".tmp"
    spy.mkdir()
    (spy / "secret.txt").write_text("top secret\n", encoding="utf-8")
    stolen = run("sql", "SELECT * FROM read_text('.tmp/*')", cwd=dataset)
    assert stolen.returncode == 2
    assert "top secret" not in stolen.stdout and "Traceback" not in stolen.stderr
    assert "Permission Error" in stolen.stderr

    where = run("sql", "SELECT current_setting('temp_directory') AS t", "-f", "csv", cwd=dataset)
    assert where.returncode == 0, where.stderr
    folder = Path(where.stdout.splitlines()[1])
    assert folder.parent == private_tmp and folder.name.startswith("sticoop-sql-")
    assert not folder.exists()  # removed when the query ended
    assert list(private_tmp.iterdir()) == []


def test_memory_limit_is_set_and_checked(cli, dataset: Path) -> None:
    sql = "SELECT current_setting('memory_limit') AS m"
    result = cli("sql", sql, "-d", str(dataset), "--memory-limit", "64MB", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] in ("61.0 MiB", "64.0 MB", "61.0MiB")
    bad = cli("sql", "SELECT 1", "-d", str(dataset), "--memory-limit", "lots")
    assert bad.exit_code == 2 and "--memory-limit" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_large_result_is_not_fetched_to_print_100_rows(dataset: Path) -> None:
    from sticoop.query import run_query_rows

    tracemalloc.start()
    try:
        rows = run_query_rows("SELECT * FROM range(10000000)", data=dataset, max_rows=100)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rows.num_rows == 100 and rows.more
    assert peak < 20 * 1024 * 1024  # ten million Python ints would be hundreds of MB


def test_the_cli_says_the_rest_was_not_fetched(cli, dataset: Path) -> None:
    result = cli("sql", "SELECT * FROM range(10000000)", "-d", str(dataset))
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2 + 100
    assert "first 100 rows shown, the rest not fetched" in result.stderr


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("INSTALL httpfs", "INSTALL statements are not allowed: extensions cannot be installed"),
        ("FORCE INSTALL httpfs", "INSTALL statements are not allowed"),
        ("LOAD httpfs", "LOAD statements are not allowed: extensions"),
        ("PIVOT events ON mode", "PIVOT without an IN list is not allowed"),
        ("EXPLAIN (FORMAT json) COPY events TO 'x.csv'", "only EXPLAIN of a SELECT"),
        ("CREATE TEMP TABLE t AS SELECT 1", "CREATE statements are not allowed"),
        ("CHECKPOINT", "CHECKPOINT statements are not allowed"),
        ("RESET threads", "RESET statements are not allowed: settings are locked"),
        ("UPDATE EXTENSIONS", "UPDATE statements are not allowed"),
    ],
)
def test_refusals_name_the_real_reason(cli, dataset: Path, sql: str, reason: str) -> None:
    result = cli("sql", sql, "-d", str(dataset))
    assert result.exit_code == 2
    assert reason in result.stderr, result.stderr
    assert "MULTI" not in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "sql",
    [
        "EXPLAIN (FORMAT json) SELECT * FROM events",
        "PIVOT events ON mode IN ('in_person', 'virtual') USING count(*)",
    ],
)
def test_reads_the_old_checks_rejected_now_run(cli, dataset: Path, sql: str) -> None:
    result = cli("sql", sql, "-d", str(dataset), "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout


def test_the_sandboxed_python_connection_refuses_ddl(dataset: Path, private_tmp: Path) -> None:
    import tempfile

    import sticoop
    from sticoop.errors import QueryError

    tempfile.tempdir = None  # pick up TMPDIR
    try:
        con = sticoop.connect(dataset, sandbox=True)
        try:
            assert con.sql("SELECT count(*) FROM events").fetchall()[0][0] > 0
            for ddl in (
                "CREATE TABLE t (a INTEGER)",
                "CREATE TEMP TABLE t (a INTEGER)",
                "CREATE TEMP MACRO m() AS 1",
                "DROP VIEW events",
                "SET threads = 1",
            ):
                with pytest.raises(QueryError, match="not allowed"):
                    con.execute(ddl)
            with pytest.raises(AttributeError, match="not available on a sandboxed"):
                con.install_extension  # noqa: B018
            assert len(list(private_tmp.glob("sticoop-sql-*"))) == 1
        finally:
            con.close()
        assert list(private_tmp.iterdir()) == []
        plain = sticoop.connect(dataset)  # unsandboxed by design: your own process
        try:
            plain.execute("CREATE TEMP TABLE t AS SELECT 1 AS a")
            assert plain.sql("SELECT a FROM t").fetchall() == [(1,)]
        finally:
            plain.close()
    finally:
        tempfile.tempdir = None
