"""Benchmark results, their look-up, and the project's targets evaluated against them."""

from __future__ import annotations

from dataclasses import dataclass, field

OK, NOT_AVAILABLE, SKIPPED, FAILED = "ok", "not available", "skipped", "failed"
PASS, FAIL, NOT_MEASURED = "PASS", "FAIL", "NOT MEASURED"
ONE_M, HUNDRED_K = 1_000_000, 100_000


@dataclass
class Result:
    """Best of RUNS runs of one benchmark at one size (None for size-independent ones)."""

    key: str
    label: str
    size: int | None
    status: str = OK
    wall_s: float | None = None  # best (minimum) wall time over the runs
    peak_rss_mb: float | None = None  # highest peak over the runs
    runs: int = 0
    walls: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status == OK and self.wall_s is not None


@dataclass
class Target:
    """One target: what it asks, what was measured, PASS / FAIL / NOT MEASURED."""

    name: str
    measured: str
    status: str


class Results:
    """All results of a run, indexed by (key, size)."""

    def __init__(self, results: list[Result]) -> None:
        self.items = results
        self._index = {(r.key, r.size): r for r in results}

    def get(self, key: str, size: int | None = None) -> Result | None:
        return self._index.get((key, size))

    def time(self, key: str, size: int | None = None) -> float | None:
        r = self.get(key, size)
        return r.wall_s if r and r.ok else None

    def sizes(self) -> list[int]:
        return sorted({r.size for r in self.items if r.size is not None})

    def seed_keys(self, size: int) -> list[str]:
        """ "validate" and the other seeds' validate keys (``validate_s<seed>``) at SIZE."""
        keys = [r.key for r in self.items if r.size == size and r.key.startswith("validate_s")]
        return ["validate", *sorted(keys, key=lambda k: int(k.removeprefix("validate_s")))]

    def seed_spread(self, size: int) -> float | None:
        """Slowest / fastest validate time over the seeds at SIZE (None: fewer than two)."""
        times = [self.time(k, size) for k in self.seed_keys(size)]
        times = [t for t in times if t is not None]
        return max(times) / min(times) if len(times) > 1 and min(times) > 0 else None

    def ratio(self, num: str, den: str, size: int) -> float | None:
        """time(NUM) / time(DEN) at SIZE, when both were measured."""
        a, b = self.time(num, size), self.time(den, size)
        return a / b if a is not None and b else None


def _why_missing(res: Results, keys: tuple[str, ...], size: int | None) -> str:
    if size is not None and size not in res.sizes():
        return f"{size:,} events not in this run"
    for key in keys:
        r = res.get(key, size)
        if r is None or not r.ok:
            status = r.status if r else "not run"
            note = f" — {r.note}" if r and r.note else ""
            return f"{key}: {status}{note}"
    return "not measured"


def _check(name: str, value: float | None, limit: float, fmt: str, below: bool, why: str):
    if value is None:
        return Target(name, why, NOT_MEASURED)
    ok = value <= limit if below else value >= limit
    return Target(name, fmt.format(value), PASS if ok else FAIL)


def evaluate(res: Results) -> list[Target]:
    """The targets of the benchmark issue, each against this run's figures."""
    speedup = res.ratio("frictionless", "validate", ONE_M)
    targets = [
        _check(
            "validate at 1M events ≥ 50× faster than frictionless",
            speedup,
            50,
            "{:.1f}× faster",
            False,
            _why_missing(res, ("validate", "frictionless"), ONE_M),
        ),
        _check(
            "validate at 1M events ≤ 4× the DuckDB count(*) floor",
            res.ratio("validate", "floor", ONE_M),
            4,
            "{:.2f}× the floor",
            True,
            _why_missing(res, ("validate", "floor"), ONE_M),
        ),
        _check(
            "validate at 1M events ≤ 3× the DuckDB read-every-column floor",
            res.ratio("validate", "floor_read", ONE_M),
            3,
            "{:.2f}× the floor",
            True,
            _why_missing(res, ("validate", "floor_read"), ONE_M),
        ),
        _check(
            "validate at 1M events with 5 bad cells ≤ 1.5× the clean time",
            res.ratio("validate_bad", "validate", ONE_M),
            1.5,
            "{:.2f}× the clean time",
            True,
            _why_missing(res, ("validate", "validate_bad"), ONE_M),
        ),
    ]
    largest = max((s for s in res.sizes() if len(res.seed_keys(s)) > 1), default=None)
    spread = res.seed_spread(largest) if largest else None
    targets.append(
        _check(
            "validate: slowest seed ≤ 1.5× the fastest (largest size with several seeds)",
            spread,
            1.5,
            "{:.2f}×" + (f" at {largest:,} events" if largest else ""),
            True,
            "run with --seeds (several seeds)",
        )
    )
    peak = res.get("validate", ONE_M)
    targets.append(
        _check(
            "validate at 1M events: peak memory < 1 GB",
            peak.peak_rss_mb if peak and peak.ok else None,
            1000,
            "{:,.0f} MB",
            True,
            _why_missing(res, ("validate",), ONE_M),
        )
    )
    t1m, t100k = res.time("validate", ONE_M), res.time("validate", HUNDRED_K)
    scale = t1m / t100k if t1m is not None and t100k else None
    why = _why_missing(res, ("validate",), ONE_M if t1m is None else HUNDRED_K)
    targets.append(
        _check("validate: time at 1M ≤ 12× time at 100k", scale, 12, "{:.1f}×", True, why)
    )
    sql = [(s, res.ratio("sql", "duckdb_sql", s)) for s in res.sizes()]
    sql = [(s, r) for s, r in sql if r is not None]
    worst = max(sql, key=lambda x: x[1]) if sql else None
    targets.append(
        _check(
            "sticoop sql within 2× raw DuckDB (every size)",
            worst[1] if worst else None,
            2,
            "{:.2f}× at worst" + (f" ({worst[0]:,} events)" if worst else ""),
            True,
            _why_missing(res, ("sql", "duckdb_sql"), res.sizes()[0] if res.sizes() else None),
        )
    )
    targets.append(
        _check(
            "release build of 1M events < 60 s",
            res.time("release", ONE_M),
            60,
            "{:.1f} s",
            True,
            _why_missing(res, ("release",), ONE_M),
        )
    )
    targets.append(
        _check(
            "bundled dataset validates < 1 s (incl. start-up)",
            res.time("bundled"),
            1.0,
            "{:.2f} s",
            True,
            _why_missing(res, ("bundled",), None),
        )
    )
    targets.append(
        _check(
            "sticoop --help < 0.3 s",
            res.time("help"),
            0.3,
            "{:.3f} s",
            True,
            _why_missing(res, ("help",), None),
        )
    )
    return targets


def best_largest(res: Results, num: str, den: str) -> tuple[int, float] | None:
    """(size, time(NUM)/time(DEN)) at the largest size where both were measured."""
    for size in reversed(res.sizes()):
        r = res.ratio(num, den, size)
        if r is not None:
            return size, r
    return None
