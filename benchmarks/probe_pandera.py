"""The pandera path alone: every table read as all-text polars frames, checked by its schema.

    python benchmarks/probe_pandera.py DIR

Uses ``sticoop.validators.schema(table, package)``. Exit 0 when every table passes, 1 when
one fails, 3 when the pandera API is not available in this installation.
"""

from __future__ import annotations

import sys
from pathlib import Path

NOT_AVAILABLE = 3


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(argv[1])
    try:
        import pandera.errors
        import polars as pl

        from sticoop.descriptor import load_package
        from sticoop.validators import schema
    except (ImportError, AttributeError) as exc:
        print(f"not available: {exc}", file=sys.stderr)
        return NOT_AVAILABLE
    pkg = load_package(root)
    failed = []
    for res in pkg.resources:
        frame = pl.read_csv(
            pkg.csv_path(res.name), infer_schema=False, separator=",", quote_char='"'
        )
        try:
            schema(res.name, root).validate(frame, lazy=True)
        except pandera.errors.SchemaErrors:
            failed.append(res.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
