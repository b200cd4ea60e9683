"""The README's release example, run as written: build a release of the bundled data, serve
``dist/`` from 127.0.0.1, download it in every format (CSV zip, Parquet zip, DuckDB file, one
table's plain Parquet file) and query each.

Only the server is the test's own (a free port, not 8000, bounded requests): the README's
``python -m http.server`` line is checked as written and replaced by it, and the address in
its ``export STICOOP_INDEX_URL=`` line by the server's.
"""

from __future__ import annotations

import csv
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from http_site import Site, serving

from sticoop.descriptor import load_package

REPO = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- release-example", "<!-- end release-example -->"
SERVE = "python -m http.server 8000 --bind 127.0.0.1 --directory dist &"
README_INDEX = "http://127.0.0.1:8000/releases.json"


def readme_commands() -> list[list[str]]:
    """The example's command lines, split like a shell (comments dropped)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split(BEGIN, 1)[1].split(END, 1)[0].split("-->", 1)[1]
    return [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current folder (so the bundled dataset is built), a private cache."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.setenv("STICOOP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("STICOOP_INDEX_URL", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    monkeypatch.chdir(folder)
    return folder


def test_the_readme_release_example_works(work: Path, cli, monkeypatch) -> None:
    commands = readme_commands()
    assert [c[0] for c in commands[:3]] == ["sticoop", "python", "export"]
    assert commands[1] == shlex.split(SERVE)
    assert commands[2] == ["export", f"STICOOP_INDEX_URL={README_INDEX}"]
    build = cli(*commands[0][1:])
    assert build.exit_code == 0, build.stderr
    assert (work / "dist" / "releases.json").is_file()
    site = Site(max_requests=100)
    with serving(site):
        site.serve_folder(work / "dist")
        monkeypatch.setenv("STICOOP_INDEX_URL", f"{site.base}/releases.json")
        answers = []
        for args in commands[3:]:
            if args[0] == "python":
                env = {**os.environ, "PYTHONPATH": ""}
                done = subprocess.run(
                    [sys.executable, *args[1:]],
                    cwd=work,
                    capture_output=True,
                    text=True,
                    timeout=120,
                    env=env,
                    check=False,
                )
                assert done.returncode == 0, (args, done.stderr)
                answers.append(done.stdout)
                continue
            assert args[0] == "sticoop", args
            result = cli(*args[1:])
            assert result.exit_code == 0, (args, result.stdout, result.stderr)
            assert "Traceback" not in result.stderr
            if args[1] == "sql":
                answers.append(result.stdout)
    assert len(answers) == 4  # csv, parquet, duckdb, one parquet table
    for answer in answers:
        assert "events" in answer and str(_bundled_events()) in answer, answer
    fetched = [hit for hit in site.hits if hit != "/releases.json"]
    assert len(fetched) == 4 and all(
        hit.startswith("/vn-sti-cooperation-0.2.0/") for hit in fetched
    )


def _bundled_events() -> int:
    pkg = load_package(None)
    with pkg.csv_path("events").open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1
