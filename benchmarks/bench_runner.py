"""Drive a benchmark run: generate packages, measure every command, check correctness."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.bad_cells import make_bad_package
from benchmarks.bench_correctness import Correctness, check
from benchmarks.bench_measure import Measurement, run_once
from benchmarks.bench_report import PackageInfo
from benchmarks.bench_results import FAILED, NOT_AVAILABLE, OK, SKIPPED, Result
from benchmarks.bench_suite import Bench, generator_argv, seed_bench, unavailable


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def best_of(
    bench_key: str,
    label: str,
    size: int | None,
    runs: list[Measurement],
    expect_ok: bool = True,
    expect_exit: int | None = None,
) -> Result:
    """Fold RUNS into one Result: minimum wall time, maximum peak memory; failures win.
    EXPECT_EXIT, when given, is the exit status every run must have (else 0 with EXPECT_OK)."""
    result = Result(bench_key, label, size, runs=len(runs), walls=[m.wall_s for m in runs])
    wanted = expect_exit if expect_exit is not None else (0 if expect_ok else None)
    bad = [m for m in runs if m.timed_out or (wanted is not None and m.returncode != wanted)]
    if bad:
        m = bad[0]
        result.status = FAILED
        what = "timed out" if m.timed_out else f"exit {m.returncode}"
        tail = " ".join(m.output_tail.split())[-300:]
        result.note = f"{what}: {tail}" if tail else what
        return result
    result.wall_s = min(m.wall_s for m in runs)
    result.peak_rss_mb = max(m.peak_rss_mb for m in runs)
    return result


def measure(
    bench: Bench, size: int | None, pkg: Path, work: Path, repeat: int, timeout: float | None
) -> Result:
    """Run BENCH REPEAT times on PKG, each in a fresh scratch directory under WORK."""
    runs = []
    for _ in range(repeat):
        scratch = Path(tempfile.mkdtemp(prefix="scratch-", dir=work))
        try:
            runs.append(
                run_once(bench.argv(pkg, scratch), cwd=scratch, env=bench.env, timeout=timeout)
            )
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        wanted = bench.expect_exit if bench.expect_exit is not None else 0
        if runs[-1].returncode != wanted and (bench.expect_ok or bench.expect_exit is not None):
            break  # one failure is enough to report
    return best_of(bench.key, bench.label, size, runs, bench.expect_ok, bench.expect_exit)


def count_rows(pkg: Path) -> tuple[int, int]:
    """(data rows, bytes) over every CSV of PKG, counting newlines in binary chunks."""
    rows = size = 0
    for path in sorted((pkg / "resources").glob("*.csv")):
        size += path.stat().st_size
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 24):
                rows += chunk.count(b"\n")
        rows -= 1  # header
    return rows, size


def generate(size: int, seed: int, out: Path, timeout: float | None) -> PackageInfo:
    """Generate the package of SIZE events into OUT, measuring the generator."""
    log(f"generating {size:,} events -> {out}")
    m = run_once(generator_argv(size, seed, out), timeout=timeout)
    result = best_of("generate", "python benchmarks/generate.py", size, [m])
    if not result.ok:
        raise RuntimeError(f"generator failed for {size:,} events: {result.note}")
    rows, nbytes = count_rows(out)
    return PackageInfo(size=size, rows=rows, bytes=nbytes, generate=result)


def run_size(
    benches: list[Bench],
    missing: dict[str, str | None],
    size: int,
    pkg: Path,
    work: Path,
    repeats: dict[str, int],
    fl_max: int | None,
    timeout: float | None,
) -> list[Result]:
    """Every per-size benchmark on the package of SIZE events.

    REPEATS maps a benchmark key to its number of runs ("default" for the others).
    """
    out = []
    for b in benches:
        if not b.per_size:
            continue
        if missing.get(b.key):
            out.append(
                Result(
                    b.key,
                    b.label,
                    size,
                    status=NOT_AVAILABLE,
                    note=str(missing[b.key]).removeprefix("not available").strip(),
                )
            )
            continue
        if b.key == "frictionless" and fl_max is not None and size > fl_max:
            out.append(
                Result(b.key, b.label, size, status=SKIPPED, note=f"--frictionless-max {fl_max:,}")
            )
            continue
        n = repeats.get(b.key, repeats["default"])
        log(f"  {size:>9,} {b.key:<13} x{n}")
        target = variant_dir(pkg, b.variant)
        if b.variant == "bad" and not target.exists():
            make_bad_package(pkg, target)
        out.append(measure(b, size, target, work, n, timeout))
        _log_result(out[-1])
    return out


def variant_dir(pkg: Path, variant: str) -> Path:
    """Where the VARIANT ("bad", or "" for PKG itself) of the package PKG is written."""
    return pkg.with_name(f"{pkg.name}-{variant}") if variant else pkg


def run_seeds(
    seeds: list[int], size: int, work: Path, repeat: int, timeout: float | None, keep: bool
) -> list[Result]:
    """``sticoop validate`` on the package of SIZE events of each other seed (a valid
    package must validate as fast whatever its seed)."""
    out = []
    for seed in seeds:
        pkg = work / f"pkg-{size}-seed{seed}"
        generate(size, seed, pkg, timeout)
        log(f"  {size:>9,} validate seed {seed} x{repeat}")
        out.append(measure(seed_bench(seed), size, pkg, work, repeat, timeout))
        _log_result(out[-1])
        if not keep:
            shutil.rmtree(pkg, ignore_errors=True)
    return out


def run_fixed(
    benches: list[Bench],
    missing: dict[str, str | None],
    work: Path,
    repeat: int,
    timeout: float | None,
) -> list[Result]:
    """The size-independent benchmarks (bundled dataset, --help), from an empty directory."""
    out = []
    for b in benches:
        if b.per_size:
            continue
        if missing.get(b.key):
            out.append(Result(b.key, b.label, None, status=NOT_AVAILABLE, note=str(missing[b.key])))
            continue
        log(f"  {'fixed':>9} {b.key:<13} x{repeat}")
        out.append(measure(b, None, work, work, repeat, timeout))
        _log_result(out[-1])
    return out


def _log_result(r: Result) -> None:
    if r.status == OK:
        log(f"            -> {r.wall_s:.3f} s, {r.peak_rss_mb:.0f} MB")
    else:
        log(f"            -> {r.status} {r.note}")


def availability(benches: list[Bench]) -> dict[str, str | None]:
    return {b.key: unavailable(b) for b in benches}


def correctness(work: Path, events: int, k: int, seed: int) -> tuple[list[Correctness], list[str]]:
    """Generate the two error-injected packages and compare the findings."""
    results = []
    command = []
    for inject_set in ("content", "structural"):
        pkg = work / f"injected-{inject_set}-{events}"
        argv = [
            *generator_argv(events, seed, pkg),
            "--inject-errors",
            str(k),
            "--inject-set",
            inject_set,
        ]
        if inject_set == "content":
            command = [
                "python",
                "benchmarks/generate.py",
                "--events",
                str(events),
                "--seed",
                str(seed),
                "--out",
                "DIR",
                "--inject-errors",
                str(k),
            ]
        log(f"correctness: {inject_set} set, {events:,} events, K={k}")
        m = run_once(argv)
        if m.returncode != 0:
            c = Correctness(
                package=str(pkg),
                inject_set=inject_set,
                status=f"generator failed: {m.output_tail[-200:]}",
            )
        else:
            c = check(pkg, inject_set, with_frictionless=inject_set == "content")
        log(f"  recall {c.recall}, precision {c.precision} ({c.status})")
        results.append(c)
    return results, command
