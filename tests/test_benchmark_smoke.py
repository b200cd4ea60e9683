"""The benchmark harness keeps working: generator, error injection and a smoke run.

These tests check that the harness produces figures and well-formed files, never timings.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Appended, not prepended: the repository root holds a `validators` directory that must not
# shadow the PyPI package of that name (a frictionless dependency).
if str(REPO) not in sys.path:
    sys.path.append(str(REPO))

from benchmarks.bench_correctness import check  # noqa: E402
from benchmarks.bench_results import Result, Results, evaluate  # noqa: E402
from benchmarks.bench_runner import measure, run_size  # noqa: E402
from benchmarks.bench_suite import Bench, unavailable  # noqa: E402
from benchmarks.inject import EXPECTED_COLUMNS, NOT_INJECTABLE, registry  # noqa: E402
from sticoop.descriptor import load_package  # noqa: E402
from sticoop.validators import validate  # noqa: E402
from sticoop.validators.rules import RULES  # noqa: E402

GENERATE = REPO / "benchmarks" / "generate.py"
RUN = REPO / "benchmarks" / "run.py"


def generate(out: Path, events: int, seed: int, *extra: str) -> Path:
    """Run the generator CLI; return the package directory."""
    subprocess.run(
        [sys.executable, str(GENERATE), "--events", str(events), "--seed", str(seed),
         "--out", str(out), "--quiet", *extra],
        check=True, timeout=120,
    )  # fmt: skip
    return out


def files(root: Path) -> dict[str, bytes]:
    paths = sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in paths}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("small") / "pkg", 200, 7)


def test_generator_is_deterministic(tmp_path, small):
    again = generate(tmp_path / "again", 200, 7)
    other = generate(tmp_path / "other", 200, 8)
    assert files(again) == files(small)
    assert files(other)["resources/events.csv"] != files(small)["resources/events.csv"]


def test_injection_is_deterministic(tmp_path):
    a = generate(tmp_path / "a", 300, 3, "--inject-errors", "2")
    b = generate(tmp_path / "b", 300, 3, "--inject-errors", "2")
    assert files(a) == files(b)


def test_generated_package_follows_the_file_conventions(small):
    pkg = load_package(small)
    assert (small / "datapackage.json").read_bytes() == (REPO / "datapackage.json").read_bytes()
    for res in pkg.resources:
        raw = pkg.csv_path(res.name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw and b"\n\n" not in raw
        text = raw.decode("utf-8")
        assert unicodedata.is_normalized("NFC", text)
        rows = list(csv.reader(text.splitlines()))
        assert rows[0] == res.field_names, res.name
        key = [rows[0].index(c) for c in res.primary_key]
        keys = [tuple(r[i].encode() for i in key) for r in rows[1:]]
        assert keys == sorted(keys) and len(set(keys)) == len(keys), res.name
        assert len(rows) > 1, res.name


def test_generated_package_is_valid_for_sticoop_without_warnings(small):
    report = validate(small)
    assert report.findings == []
    assert report.tables["events"] == 200


def test_generated_package_has_unicode_in_several_scripts(small):
    text = "".join(p.read_text(encoding="utf-8") for p in (small / "resources").glob("*.csv"))
    assert "ệ" in text  # Vietnamese
    assert any("\u0400" <= ch <= "\u04ff" for ch in text)  # Cyrillic
    assert any("\uac00" <= ch <= "\ud7a3" for ch in text)  # Hangul


def test_generated_package_passes_frictionless(small):
    frictionless = Path(sys.executable).parent / "frictionless"
    done = subprocess.run(
        [str(frictionless), "validate", str(small / "datapackage.json"), "--json"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    report = json.loads(done.stdout)
    assert report["valid"], [e["message"] for t in report["tasks"] for e in t["errors"]][:5]
    assert done.returncode == 0


@pytest.mark.parametrize("inject_set", ["content", "structural"])
def test_expected_findings_file_is_well_formed(tmp_path, inject_set):
    pkg = generate(tmp_path / "pkg", 400, 5, "--inject-errors", "2", "--inject-set", inject_set)
    with (pkg / "expected-findings.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == EXPECTED_COLUMNS
        expected = list(reader)
    tables = {r.name: r for r in load_package(pkg).resources}
    for row in expected:
        assert row["code"] in RULES
        assert row["table"] in tables
        if row["line"]:
            path = pkg / tables[row["table"]].path
            assert 1 <= int(row["line"]) <= path.read_bytes().count(b"\n")
        if row["column"]:
            assert row["column"] in tables[row["table"]].field_names or row["column"] == "notes"
    injected = {row["code"] for row in expected}
    assert injected == set(registry(inject_set))
    summary = json.loads((pkg / "injection.json").read_text(encoding="utf-8"))
    assert set(summary["injected"]) | set(summary["not_injected"]) == set(RULES)
    assert set(NOT_INJECTABLE) <= set(summary["not_injected"])


@pytest.mark.parametrize("inject_set", ["content", "structural"])
def test_validator_reports_exactly_the_injected_errors(tmp_path, inject_set):
    pkg = generate(tmp_path / "pkg", 500, 9, "--inject-errors", "3", "--inject-set", inject_set)
    result = check(pkg, inject_set, with_frictionless=False)
    assert result.status == "ok"
    assert (result.missed, result.unexpected) == ([], [])
    assert result.recall == 1.0 and result.precision == 1.0


# The harness at a smaller size than --smoke's 10,000 events: the same steps and files, at a
# third of the cost (what is checked is the harness, never timings).
SMOKE_EVENTS = 1_000


def test_smoke_run_produces_figures_and_a_report(tmp_path):
    before = (REPO / "BENCHMARKS.md").read_bytes() if (REPO / "BENCHMARKS.md").exists() else None
    out = tmp_path / "smoke"
    subprocess.run(
        [sys.executable, str(RUN), "--smoke", "--sizes", str(SMOKE_EVENTS),
         "--correctness-events", "500", "--out", str(out)],
        check=True, timeout=600, capture_output=True,
    )  # fmt: skip
    after = (REPO / "BENCHMARKS.md").read_bytes() if (REPO / "BENCHMARKS.md").exists() else None
    assert after == before, "--smoke must not overwrite BENCHMARKS.md"
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    by_key = {(r["key"], r["size"]): r for r in data["results"]}
    for key in ("generate", "validate", "frictionless", "floor", "duckdb_sql"):
        r = by_key[(key, SMOKE_EVENTS)]
        assert r["status"] == "ok", r
    measured = [r for r in data["results"] if r["status"] == "ok"]
    assert all(r["wall_s"] > 0 and r["peak_rss_mb"] > 0 for r in measured)
    assert {r["status"] for r in data["results"]} <= {"ok", "not available"}
    report = (out / "BENCHMARKS.md").read_text(encoding="utf-8")
    for heading in ("## Machine", "## Results", "## Targets", "## Correctness", "## Chart"):
        assert heading in report
    assert f"| {SMOKE_EVENTS:,} | `sticoop validate DIR` |" in report
    assert "sticoop --help < 0.3 s" in report
    assert all(c["recall"] == 1.0 and c["precision"] == 1.0 for c in data["correctness"])
    assert (out / "chart.png").read_bytes().startswith(b"\x89PNG")


def test_missing_command_is_reported_not_available(tmp_path):
    absent = Bench("absent", "absent DIR", lambda d, s: ["absent"], [str(tmp_path / "nope")])
    broken = Bench("broken", "broken", lambda d, s: [sys.executable, "-c", "exit(3)"],
                   [sys.executable, "-c", "import no_such_module_here"])  # fmt: skip
    assert unavailable(absent).startswith("not available")
    assert "No module named" in unavailable(broken)
    missing = {b.key: unavailable(b) for b in (absent, broken)}
    results = run_size([absent, broken], missing, 100, tmp_path, tmp_path, {"default": 1}, None,
                       None)  # fmt: skip
    assert [r.status for r in results] == ["not available", "not available"]
    assert all(r.wall_s is None for r in results)


def test_failing_command_is_reported_failed_not_timed(tmp_path):
    bench = Bench("fails", "fails", lambda d, s: [sys.executable, "-c", "print('boom'); exit(2)"])
    result = measure(bench, 100, tmp_path, tmp_path, 3, None)
    assert result.status == "failed" and result.wall_s is None
    assert "exit 2" in result.note and "boom" in result.note
    ok = measure(Bench("ok", "ok", lambda d, s: [sys.executable, "-c", "pass"]), 100, tmp_path,
                 tmp_path, 2, None)  # fmt: skip
    assert ok.status == "ok" and ok.runs == 2 and ok.wall_s == min(ok.walls) > 0
    assert ok.peak_rss_mb > 0


def _r(key: str, size: int | None, seconds: float, mb: float = 100.0) -> Result:
    return Result(key, key, size, wall_s=seconds, peak_rss_mb=mb, runs=1, walls=[seconds])


def test_targets_pass_fail_and_not_measured():
    m, k = 1_000_000, 100_000
    res = Results([
        _r("validate", k, 2.0), _r("validate", m, 20.0, 900), _r("frictionless", m, 1100.0),
        _r("floor", m, 4.0), _r("sql", m, 1.0), _r("duckdb_sql", m, 0.8), _r("help", None, 0.5),
        Result("release", "release", m, status="failed", note="exit 1"),
        _r("floor_read", m, 8.0), _r("validate_bad", m, 26.0), _r("validate_s5", m, 40.0),
        _r("validate_s7", m, 22.0),
    ])  # fmt: skip
    status = {t.name: t.status for t in evaluate(res)}
    assert status["validate at 1M events ≥ 50× faster than frictionless"] == "PASS"  # 55×
    assert status["validate at 1M events ≤ 4× the DuckDB count(*) floor"] == "FAIL"  # 5×
    assert status["validate at 1M events ≤ 3× the DuckDB read-every-column floor"] == "PASS"
    assert status["validate at 1M events with 5 bad cells ≤ 1.5× the clean time"] == "PASS"
    spread = "validate: slowest seed ≤ 1.5× the fastest (largest size with several seeds)"
    assert status[spread] == "FAIL"  # seed 5: 2×
    assert status["validate at 1M events: peak memory < 1 GB"] == "PASS"
    assert status["validate: time at 1M ≤ 12× time at 100k"] == "PASS"  # 10×
    assert status["sticoop sql within 2× raw DuckDB (every size)"] == "PASS"
    assert status["release build of 1M events < 60 s"] == "NOT MEASURED"
    assert status["bundled dataset validates < 1 s (incl. start-up)"] == "NOT MEASURED"
    assert status["sticoop --help < 0.3 s"] == "FAIL"
