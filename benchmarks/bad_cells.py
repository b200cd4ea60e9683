"""A copy of a generated package with a handful of bad cells, for timing an invalid package.

    python benchmarks/bad_cells.py DIR OUT     # OUT: DIR with 5 enum-invalid cells

Validating a package that has a few findings should cost little more than validating a clean
one. The copy hard-links every file but the two it changes (events.csv, agreements.csv), in
which it sets a few ``mode`` / ``status`` cells, spread over the middle of each file, to a
value outside their enum. Each gives exactly one ``enum-invalid`` finding (no rule across
tables reads those columns).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sys
from pathlib import Path

# (table, column, bad value, how many), cells spread over the middle of the table
CHANGES = (("events", "mode", "virtual", 3), ("agreements", "status", "cancelled", 2))


def make_bad_package(src: Path, dest: Path) -> list[tuple[str, int, str]]:
    """Write DEST (SRC with the bad cells); the expected findings as (table, line, column)."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, copy_function=_link_or_copy)
    expected = []
    for table, column, value, count in CHANGES:
        path = dest / "resources" / f"{table}.csv"
        expected += [(table, line, column) for line in _rewrite(path, column, value, count)]
    return sorted(expected)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _rewrite(path: Path, column: str, value: str, count: int) -> list[int]:
    """Set COLUMN to VALUE on COUNT lines spread over the middle third of PATH (replacing the
    file, not the hard-linked original); the lines changed."""
    with path.open("rb") as fh:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b""))
    rows = lines - 1
    wanted = {2 + rows // 3 + (i + 1) * (rows // 3) // (count + 1) for i in range(count)}
    tmp = path.with_name(f".{path.name}.tmp")
    changed = []
    with path.open(encoding="utf-8", newline="") as src, tmp.open("w", encoding="utf-8") as out:
        header = src.readline()
        out.write(header)
        index = next(csv.reader([header])).index(column)
        for number, line in enumerate(src, 2):
            if number in wanted:
                cells = next(csv.reader([line]))
                cells[index] = value
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\n").writerow(cells)
                line = buffer.getvalue()
                changed.append(number)
            out.write(line)
    path.unlink()  # a hard link: the original package keeps its file
    tmp.rename(path)
    return changed


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    for table, line, column in make_bad_package(Path(argv[1]), Path(argv[2])):
        print(f"{table}:{line}:{column}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
