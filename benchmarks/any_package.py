"""Speed of `sticoop validate` on a package that is not ours (spec profile, mixed types),
against `frictionless validate`: python benchmarks/any_package.py --rows 1000000"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIELDS = [
    {"name": "id", "type": "integer", "constraints": {"required": True, "minimum": 0}},
    {"name": "amount", "type": "number"},
    {"name": "day", "type": "date", "constraints": {"minimum": "2000-01-01"}},
    {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b", "c"]}},
    {"name": "year", "type": "year"},
    {"name": "ok", "type": "boolean"},
    {"name": "note", "type": "string", "constraints": {"maxLength": 40}},
]


def write_package(folder: Path, rows: int, seed: int = 1) -> Path:
    """A valid package of ROWS rows (deterministic for SEED)."""
    rng = random.Random(seed)
    with (folder / "data.csv").open("w", encoding="utf-8") as fh:
        fh.write(",".join(f["name"] for f in FIELDS) + "\n")
        for i in range(rows):
            day = f"{rng.randint(2000, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            fh.write(
                f"{i},{rng.random() * 1000:.3f},{day},{rng.choice('abc')},"
                f"{rng.randint(1990, 2030)},{rng.choice(['true', 'false'])},note {i % 97}\n"
            )
    resource = {"name": "data", "path": "data.csv", "schema": {"fields": FIELDS}}
    path = folder / "datapackage.json"
    path.write_text(json.dumps({"name": "bench", "resources": [resource]}), encoding="utf-8")
    return path


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(
            f"{command[0]} failed ({proc.returncode}): {proc.stdout[-500:]}{proc.stderr[-500:]}"
        )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        path = write_package(Path(tmp), args.rows)
        ours = timed([str(bin_dir / "sticoop"), "validate", str(path)])
        theirs = timed([str(bin_dir / "frictionless"), "validate", str(path)])
    ratio = theirs / ours
    print(f"rows={args.rows:,} sticoop={ours:.2f}s frictionless={theirs:.2f}s ratio={ratio:.1f}x")


if __name__ == "__main__":
    main()
