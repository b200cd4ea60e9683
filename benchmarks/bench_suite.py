"""What is measured: each benchmark's command line, and whether it is available here.

Per-size benchmarks run on the generated package DIR; the two fixed ones (the bundled dataset
and ``--help``) run once per invocation. Commands are run from the venv of the Python that
runs the harness, so ``sticoop`` and ``frictionless`` are the project's own.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.bench_measure import capture

HERE = Path(__file__).resolve().parent
SQL_QUERY = "select count(*) from events"
# Fixed release date: the release build reads SOURCE_DATE_EPOCH (2025-01-01T00:00:00Z).
RELEASE_ENV = {"SOURCE_DATE_EPOCH": "1735689600"}


def tool(name: str) -> str:
    """The executable NAME beside this interpreter (the venv), else on PATH, else NAME."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


@dataclass(frozen=True)
class Bench:
    """A benchmark: KEY, a display LABEL (the command with DIR / SCRATCH placeholders)."""

    key: str
    label: str
    argv: Callable[[Path, Path], list[str]]  # (package dir, scratch dir) -> argv
    probe: list[str] = field(default_factory=list)  # a quick command that must exit 0
    env: dict[str, str] = field(default_factory=dict)
    per_size: bool = True
    expect_ok: bool = True  # exit 0 expected (a valid package)
    expect_exit: int | None = None  # else this exit status expected (e.g. 1: invalid data)
    variant: str = ""  # "bad": runs on the package with a few bad cells (``bad_cells``)


def _py(script: str, *args: str) -> list[str]:
    return [sys.executable, str(HERE / script), *args]


def benches() -> list[Bench]:
    """Every benchmark, in report order."""
    sticoop, frictionless = tool("sticoop"), tool("frictionless")
    return [
        Bench(
            "validate",
            "sticoop validate DIR",
            lambda d, s: [sticoop, "validate", str(d)],
            [sticoop, "validate", "--help"],
        ),
        Bench(
            "validate_bad",
            "sticoop validate DIR-bad  (5 bad cells: exit 1)",
            lambda d, s: [sticoop, "validate", str(d)],
            [sticoop, "validate", "--help"],
            expect_ok=False,
            expect_exit=1,
            variant="bad",
        ),
        Bench(
            "frictionless",
            "frictionless validate DIR/datapackage.json",
            lambda d, s: [frictionless, "validate", str(d / "datapackage.json")],
            [frictionless, "--help"],
        ),
        Bench(
            "pandera",
            "python benchmarks/probe_pandera.py DIR",
            lambda d, s: _py("probe_pandera.py", str(d)),
            [sys.executable, "-c", "from sticoop.validators import schema"],
        ),
        Bench(
            "floor",
            "python benchmarks/probe_duckdb.py count DIR",
            lambda d, s: _py("probe_duckdb.py", "count", str(d)),
            [sys.executable, "-c", "import duckdb"],
        ),
        Bench(
            "floor_read",
            "python benchmarks/probe_duckdb.py read DIR",
            lambda d, s: _py("probe_duckdb.py", "read", str(d)),
            [sys.executable, "-c", "import duckdb"],
        ),
        Bench(
            "sql",
            f'sticoop sql "{SQL_QUERY}" --data DIR',
            lambda d, s: [sticoop, "sql", SQL_QUERY, "--data", str(d)],
            [sticoop, "sql", "--help"],
        ),
        Bench(
            "duckdb_sql",
            f'python benchmarks/probe_duckdb.py sql DIR "{SQL_QUERY}"',
            lambda d, s: _py("probe_duckdb.py", "sql", str(d), SQL_QUERY),
            [sys.executable, "-c", "import duckdb"],
        ),
        Bench(
            "release",
            "SOURCE_DATE_EPOCH=1735689600 sticoop release build DIR --dest SCRATCH",
            lambda d, s: [sticoop, "release", "build", str(d), "--dest", str(s)],
            [sticoop, "release", "build", "--help"],
            env=RELEASE_ENV,
        ),
        Bench(
            "bundled",
            "sticoop validate  (bundled dataset, from a directory without one)",
            lambda d, s: [sticoop, "validate"],
            [sticoop, "validate", "--help"],
            per_size=False,
        ),
        Bench(
            "help",
            "sticoop --help",
            lambda d, s: [sticoop, "--help"],
            [sticoop, "--help"],
            per_size=False,
        ),
    ]


def seed_bench(seed: int) -> Bench:
    """``sticoop validate`` on the package generated with another SEED (same size)."""
    sticoop = tool("sticoop")
    return Bench(
        f"validate_s{seed}",
        f"sticoop validate DIR  (seed {seed})",
        lambda d, s: [sticoop, "validate", str(d)],
    )


def generator_argv(n_events: int, seed: int, out: Path) -> list[str]:
    """The generator's command line (measured too: it is the harness's own setup)."""
    return _py(
        "generate.py", "--events", str(n_events), "--seed", str(seed), "--out", str(out), "--quiet"
    )


def unavailable(bench: Bench) -> str | None:
    """None when BENCH can run here, else why not (its probe's error)."""
    if not bench.probe:
        return None
    try:
        done = capture(bench.probe)
    except OSError as exc:
        return f"not available ({exc.strerror})"
    if done.returncode == 0:
        return None
    lines = (done.stderr or done.stdout).strip().splitlines()
    return "not available" + (f" ({lines[-1][:160]})" if lines else "")
