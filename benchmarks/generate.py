"""Generate a synthetic sticoop package of N events (valid, or with injected errors).

    python benchmarks/generate.py --events 100000 --seed 1 --out benchmarks/out/pkg-100k
    python benchmarks/generate.py --events 2000 --seed 1 --out /tmp/bad --inject-errors 2

Same arguments give byte-identical files. With ``--inject-errors K`` the package gets K
errors of each injectable rule code of the chosen ``--inject-set`` and
``expected-findings.csv`` (code, table, line, column, record_id) beside its descriptor.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

# Appended, not prepended: the repository root holds a `validators` directory that must not
# shadow the PyPI package of that name (a frictionless dependency).
sys.path.append(str(Path(__file__).resolve().parents[1]))

from benchmarks.synth_package import MIN_EVENTS, generate_package  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--events", type=int, required=True, help=f"number of events (>= {MIN_EVENTS})"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument(
        "--inject-errors",
        type=int,
        default=0,
        metavar="K",
        help="inject K errors of each injectable rule code; writes expected-findings.csv",
    )
    parser.add_argument(
        "--inject-set",
        choices=("content", "structural"),
        default="content",
        help="content: cell, key, rule, warning and non-fatal file errors, all in one package; "
        "structural: errors that make a table unusable or degraded, one table each",
    )
    parser.add_argument(
        "--codes",
        default="",
        help="with --inject-errors: comma-separated rule codes to inject (default: all)",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.events < MIN_EVENTS:
        print(f"error: --events must be at least {MIN_EVENTS}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    summary = generate_package(args.events, args.seed, args.out)
    injected = None
    if args.inject_errors > 0:
        from benchmarks.inject import inject_errors

        codes = [c for c in args.codes.split(",") if c] or None
        injected = inject_errors(args.out, args.inject_errors, args.seed, codes, args.inject_set)
    elapsed = time.perf_counter() - started
    if not args.quiet:
        print(
            f"wrote {args.out}: {args.events:,} events, {summary.total_rows:,} rows "
            f"in {elapsed:.2f} s"
        )
        for table, count in summary.rows.items():
            print(f"  {table:<18} {count:>12,}")
        if injected is not None:
            print(
                f"injected {args.inject_set} errors: {len(injected.codes)} codes, "
                f"{len(injected.expected)} expected findings -> expected-findings.csv"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
