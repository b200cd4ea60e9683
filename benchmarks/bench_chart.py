"""The log-log chart of wall time against package size (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.bench_results import Results

SERIES = (
    ("validate", "sticoop validate", "o-"),
    ("validate_bad", "sticoop validate, 5 bad cells", "o:"),
    ("frictionless", "frictionless validate", "s-"),
    ("pandera", "pandera path (polars)", "^-"),
    ("floor", "DuckDB count(*) floor", "v--"),
    ("floor_read", "DuckDB read-every-column floor", "<--"),
    ("sql", "sticoop sql", "D-"),
    ("duckdb_sql", "raw DuckDB sql", "d--"),
    ("release", "sticoop release build", "P-"),
    ("generate", "generator", "x:"),
)


def draw(results: Results, path: Path, title: str) -> str | None:
    """Write the chart to PATH; returns None, or why it could not be drawn."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (pip install -e '.[dev]')"
    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=110)
    drawn = 0
    for key, label, style in SERIES:
        points = [(s, results.time(key, s)) for s in results.sizes()]
        points = [(s, t) for s, t in points if t is not None]
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, style, label=label)
            drawn += 1
    if not drawn:
        plt.close(fig)
        return "no size-dependent figures to draw"
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("events in the package (log)")
    ax.set_ylabel("wall time, s (log; best of runs, incl. start-up)")
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp, metadata={"Software": None})
    plt.close(fig)
    tmp.replace(path)
    return None
