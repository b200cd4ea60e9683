"""Raw DuckDB baselines over a package's CSVs, read with an explicit all-VARCHAR schema.

    python benchmarks/probe_duckdb.py count DIR        # the floor: count(*) of every CSV
    python benchmarks/probe_duckdb.py read DIR         # every cell read: sum(strlen(col))
    python benchmarks/probe_duckdb.py sql DIR "QUERY"  # QUERY over one view per table

The dialect is spelled out (no sniffing), as the data contract asks of every reader. Only
the standard library and duckdb are imported, so this is what a bare reader costs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def read_csv_sql(path: Path, columns: list[str]) -> str:
    """A DuckDB read_csv call for PATH with COLUMNS all as VARCHAR."""
    cols = ", ".join("'" + c.replace("'", "''") + "': 'VARCHAR'" for c in columns)
    literal = "'" + str(path).replace("'", "''") + "'"
    return (
        f"read_csv({literal}, columns={{{cols}}}, header=true, delim=',', quote='\"', "
        "escape='\"', auto_detect=false)"
    )


def tables(root: Path) -> list[tuple[str, Path, list[str]]]:
    """(name, CSV path, column names) of every resource of ROOT/datapackage.json."""
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    return [
        (r["name"], root / r["path"], [f["name"] for f in r["schema"]["fields"]])
        for r in descriptor["resources"]
    ]


def count_all(con, root: Path) -> int:
    """Rows of every CSV of the package, summed."""
    return sum(
        con.execute(f"SELECT count(*) FROM {read_csv_sql(path, cols)}").fetchone()[0]
        for _, path, cols in tables(root)
    )


def read_all(con, root: Path) -> int:
    """Characters of every cell of every CSV, summed: every column is materialised (the
    count(*) floor parses the lines but keeps no cell)."""
    total = 0
    for _, path, cols in tables(root):
        sums = ", ".join('coalesce(sum(strlen("' + c.replace('"', '""') + '")), 0)' for c in cols)
        total += sum(con.execute(f"SELECT {sums} FROM {read_csv_sql(path, cols)}").fetchone())
    return total


def run_sql(con, root: Path, query: str) -> list[tuple]:
    """QUERY with one view per table."""
    for name, path, cols in tables(root):
        con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM {read_csv_sql(path, cols)}')
    return con.execute(query).fetchall()


def main(argv: list[str]) -> int:
    modes = ("count", "read", "sql")
    if len(argv) < 3 or argv[1] not in modes or (argv[1] == "sql" and len(argv) < 4):
        print(__doc__, file=sys.stderr)
        return 2
    import duckdb

    con = duckdb.connect()
    root = Path(argv[2])
    if argv[1] == "count":
        print(count_all(con, root))
    elif argv[1] == "read":
        print(read_all(con, root))
    else:
        print(run_sql(con, root, argv[3]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
