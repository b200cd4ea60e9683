"""Benchmark sticoop against frictionless, pandera and raw DuckDB, and write BENCHMARKS.md.

    python benchmarks/run.py --sizes 10000,100000,1000000 --repeat 3
    python benchmarks/run.py --smoke            # 10k events, one run, in a temp directory
    python benchmarks/run.py --sizes 100000 --seeds 1,5,7 --out /tmp/bench

With --seeds, the first seed's package gets every benchmark and the others' get ``sticoop
validate`` only (a valid package must validate as fast whatever its seed). Every size also
times ``sticoop validate`` on a copy with five bad cells (``bad_cells.py``) against the clean
package.

Every figure comes from this one run on this machine. A full run writes BENCHMARKS.md,
benchmarks/chart.png and benchmarks/out/results.json; a smoke run writes them into its
output directory only, unless --write-report.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shlex
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

# Appended, not prepended: the repository root holds a `validators` directory that must not
# shadow the PyPI package of that name (a frictionless dependency).
sys.path.append(str(Path(__file__).resolve().parents[1]))

from benchmarks import bench_runner as R  # noqa: E402
from benchmarks.bench_chart import draw  # noqa: E402
from benchmarks.bench_machine import describe  # noqa: E402
from benchmarks.bench_report import Run, render  # noqa: E402
from benchmarks.bench_results import Results, evaluate  # noqa: E402
from benchmarks.bench_suite import benches  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SMOKE_SIZE = 10_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--sizes",
        help=f"comma-separated event counts (default 10000,100000,1000000; --smoke: {SMOKE_SIZE})",
    )
    p.add_argument("--repeat", type=int, help="runs per command, best kept (default 3; smoke 1)")
    p.add_argument(
        "--smoke",
        action="store_true",
        help="one small size, one run, output in a temporary directory",
    )
    p.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    p.add_argument(
        "--seeds",
        help="comma-separated generator seeds: the first gets every benchmark, the others "
        "sticoop validate only (default: --seed)",
    )
    p.add_argument(
        "--frictionless-max",
        type=int,
        default=None,
        metavar="N",
        help="skip frictionless above N events (stated in the report)",
    )
    p.add_argument(
        "--release-repeat",
        type=int,
        default=None,
        metavar="N",
        help="runs of the release build per size (default: --repeat)",
    )
    p.add_argument(
        "--frictionless-repeat",
        type=int,
        default=None,
        metavar="N",
        help="runs of frictionless per size (default: --repeat)",
    )
    p.add_argument(
        "--out",
        type=Path,
        help="work directory for packages and results "
        "(default benchmarks/out; smoke: a new temporary directory)",
    )
    p.add_argument(
        "--report", type=Path, help="report path (default BENCHMARKS.md; smoke: OUT/BENCHMARKS.md)"
    )
    p.add_argument(
        "--chart", type=Path, help="chart path (default benchmarks/chart.png; smoke: OUT/chart.png)"
    )
    p.add_argument(
        "--write-report",
        action="store_true",
        help="with --smoke: write BENCHMARKS.md and benchmarks/chart.png anyway",
    )
    p.add_argument("--timeout", type=float, default=None, help="seconds before a run is killed")
    p.add_argument(
        "--correctness-events",
        type=int,
        default=None,
        help="events in the error-injected packages (default 2000; smoke 1000)",
    )
    p.add_argument(
        "--correctness-k", type=int, default=2, help="errors injected per rule code (default 2)"
    )
    p.add_argument("--skip-correctness", action="store_true")
    p.add_argument(
        "--keep-packages",
        action="store_true",
        help="keep generated packages (default: delete them at the end)",
    )
    return p.parse_args(argv)


def _settings(args: argparse.Namespace) -> argparse.Namespace:
    default_sizes = str(SMOKE_SIZE) if args.smoke else "10000,100000,1000000"
    args.size_list = sorted(
        {int(s.replace("_", "")) for s in (args.sizes or default_sizes).split(",") if s.strip()}
    )
    args.seed_list = [int(s) for s in (args.seeds or str(args.seed)).split(",") if s.strip()]
    args.seed_list = list(dict.fromkeys(args.seed_list))  # in order, once each
    args.seed = args.seed_list[0]
    args.repeat = args.repeat or (1 if args.smoke else 3)
    args.correctness_events = args.correctness_events or (1000 if args.smoke else 2000)
    args.frictionless_repeat = args.frictionless_repeat or args.repeat
    args.release_repeat = args.release_repeat or args.repeat
    if args.out is None:
        args.out = (
            Path(tempfile.mkdtemp(prefix="sticoop-bench-"))
            if args.smoke
            else REPO / "benchmarks" / "out"
        )
    publish = not args.smoke or args.write_report
    args.report = args.report or (REPO / "BENCHMARKS.md" if publish else args.out / "BENCHMARKS.md")
    args.chart = args.chart or (
        REPO / "benchmarks" / "chart.png" if publish else args.out / "chart.png"
    )
    return args


def main(argv: list[str] | None = None) -> int:
    args = _settings(parse_args(argv))
    args.out.mkdir(parents=True, exist_ok=True)
    command = "python benchmarks/run.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = describe()
    suite = benches()
    missing = R.availability(suite)
    packages, results = [], []
    repeats = {
        "default": args.repeat,
        "frictionless": args.frictionless_repeat,
        "release": args.release_repeat,
    }
    for size in args.size_list:
        pkg = args.out / f"pkg-{size}"
        info = R.generate(size, args.seed, pkg, args.timeout)
        packages.append(info)
        results.append(info.generate)
        results += R.run_size(
            suite, missing, size, pkg, args.out, repeats, args.frictionless_max, args.timeout
        )
        if not args.keep_packages:
            shutil.rmtree(pkg, ignore_errors=True)
            shutil.rmtree(R.variant_dir(pkg, "bad"), ignore_errors=True)
        results += R.run_seeds(
            args.seed_list[1:], size, args.out, args.repeat, args.timeout, args.keep_packages
        )
    results += R.run_fixed(suite, missing, args.out, args.repeat, args.timeout)
    checks, corr_cmd = (
        ([], [])
        if args.skip_correctness
        else R.correctness(args.out, args.correctness_events, args.correctness_k, args.seed)
    )
    if not args.keep_packages:
        for c in checks:
            shutil.rmtree(c.package, ignore_errors=True)
    res = Results(results)
    chart_note = draw(
        res, args.chart, f"sticoop benchmarks — {machine['cpu']}, {machine['cores']} cores"
    )
    run = Run(
        command=command,
        started=started,
        machine=machine,
        load_after=[round(x, 2) for x in os.getloadavg()],
        repeat=args.repeat,
        frictionless_max=args.frictionless_max,
        repeats=repeats,
        benches=suite,
        packages=packages,
        results=res,
        targets=evaluate(res),
        correctness=checks,
        correctness_command=corr_cmd,
        chart=args.chart,
        chart_note=chart_note,
        smoke=args.smoke,
        seeds=args.seed_list,
    )
    _write(args.report, render(run, args.report))
    _write(args.out / "results.json", json.dumps(_as_json(run), indent=2, default=str) + "\n")
    R.log(
        f"report: {args.report}\nchart: {chart_note or args.chart}\n"
        f"results: {args.out / 'results.json'}"
    )
    for t in run.targets:
        R.log(f"  {t.status:<12} {t.name}: {t.measured}")
    return 0


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _as_json(run: Run) -> dict:
    return {
        "command": run.command,
        "started": run.started,
        "machine": run.machine,
        "packages": [dataclasses.asdict(p) for p in run.packages],
        "results": [dataclasses.asdict(r) for r in run.results.items],
        "targets": [dataclasses.asdict(t) for t in run.targets],
        "correctness": [
            {
                **{k: v for k, v in dataclasses.asdict(c).items() if k != "rows"},
                "rows": [dataclasses.asdict(r) for r in c.rows.values()],
                "recall": c.recall,
                "precision": c.precision,
            }
            for c in run.correctness
        ],
    }


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    R.log(f"done in {time.perf_counter() - started:.1f} s")
    sys.exit(code)
