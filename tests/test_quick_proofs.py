"""The quick pass proves valid packages clean whatever their ids, and an invalid package with a
few bad cells is explained from what it read: the precise engine then rechecks only those rows.

Which path ran is read from ``Report.engine`` ("quick", "quick+recheck" or "precise"), never
from timings.
"""

from __future__ import annotations

import csv
import shutil
import sys

import pytest
from conftest import CORPUS, REPO

from sticoop.validators import validate

if str(REPO) not in sys.path:
    sys.path.append(str(REPO))  # appended: the repository's `validators` must not shadow PyPI's

from benchmarks.synth_package import generate_package  # noqa: E402

# Two event ids of the generated package of seed 5 (100,000 events) with the same DuckDB hash:
# its string hash mixes 8-byte words weakly, so structured ids collide far more often than
# 64 random bits would.
COLLIDING = ("2015-06-vnm-signing-65906", "2015-10-vnm-signing-66956")


def _rows(root, table: str) -> tuple[list[str], list[dict]]:
    with (root / "resources" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(root, table: str, fields: list[str], rows: list[dict]) -> None:
    with (root / "resources" / f"{table}.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _base(dest):
    shutil.copytree(CORPUS / "base" / "resources", dest / "resources")
    shutil.copy(REPO / "datapackage.json", dest / "datapackage.json")
    return dest


def _colliding_package(dest):
    """The base package with its event e-visit renamed to one colliding id, and a copy of it
    (with its links) under the other."""
    root = _base(dest)
    first, second = COLLIDING
    for path in sorted((root / "resources").glob("*.csv")):
        fields, rows = _rows(root, path.stem)
        renamed = [{k: first if v == "e-visit" else v for k, v in row.items()} for row in rows]
        if path.stem == "events" or path.stem.startswith("event_"):
            renamed += [dict(r, event_id=second) for r in renamed if r["event_id"] == first]
        _write(root, path.stem, fields, renamed)
    return root


def _same(path) -> tuple:
    fast, precise = validate(path, quick=True), validate(path, quick=False)
    assert fast.findings == precise.findings
    assert fast.tables == precise.tables
    return fast, precise


def test_the_colliding_ids_collide():
    import duckdb

    hashes = duckdb.sql("SELECT hash(unnest($ids))", params={"ids": list(COLLIDING)}).fetchall()
    if hashes[0] != hashes[1]:
        pytest.skip("this DuckDB hashes the pair differently: the collision tests prove less")
    assert hashes[0] == hashes[1]


def test_a_key_hash_collision_is_proved_harmless(tmp_path):
    fast, _ = _same(_colliding_package(tmp_path / "pkg"))
    assert not fast.findings
    assert fast.engine == "quick", "a valid package must not fall back to the precise engine"


def test_a_key_hash_collision_hides_no_finding(tmp_path):
    root = _colliding_package(tmp_path / "pkg")
    fields, rows = _rows(root, "event_sectors")
    _write(root, "event_sectors", fields, [r for r in rows if r["event_id"] != COLLIDING[1]])
    fast, _ = _same(root)
    assert {(f.code, f.record_id) for f in fast.findings} == {("event-no-sector", COLLIDING[1])}


@pytest.mark.parametrize("seed", range(1, 9))
def test_generated_packages_are_proved_clean_without_falling_back(tmp_path, seed):
    root = tmp_path / "pkg"
    generate_package(300, seed, root)
    report = validate(root, quick=True)
    assert not report.findings
    assert report.engine == "quick", f"seed {seed}: the quick pass fell back"


def _set_cell(root, table: str, column: str, value: str, row: int = 0) -> None:
    fields, rows = _rows(root, table)
    rows[row][column] = value
    _write(root, table, fields, rows)


def test_one_bad_cell_is_rechecked_on_its_table_only(tmp_path):
    root = _base(tmp_path / "pkg")
    _set_cell(root, "events", "mode", "virtual", row=1)
    fast, _ = _same(root)
    assert [(f.code, f.line, f.column) for f in fast.findings] == [("enum-invalid", 3, "mode")]
    assert fast.engine == "quick+recheck"
    assert fast.rechecked == ["events"]


def test_bad_cells_in_two_tables_are_rechecked_with_their_lines(tmp_path):
    root = _base(tmp_path / "pkg")
    _set_cell(root, "events", "title_en", " Visit", row=1)
    _set_cell(root, "sources", "language", "English")
    _set_cell(root, "events", "end_date", "2025-02-30", row=0)
    fast, precise = _same(root)
    assert {f.code for f in precise.findings} >= {"whitespace", "pattern-mismatch", "date-invalid"}
    assert fast.engine == "quick+recheck"
    assert sorted(fast.rechecked) == ["events", "sources"]


def test_a_bad_referenced_key_falls_back_to_check_its_copies(tmp_path):
    # event_sectors.sector_id is taken as clean when it names a sector: a sector id breaking
    # its pattern makes those copies break it too, which only the precise engine explains.
    root = _base(tmp_path / "pkg")
    for path in sorted((root / "resources").glob("*.csv")):
        fields, rows = _rows(root, path.stem)
        rows = [{k: "Energy" if v == "energy" else v for k, v in r.items()} for r in rows]
        _write(root, path.stem, fields, rows)
    fast, precise = _same(root)
    assert any(f.table == "event_sectors" for f in precise.findings)
    assert fast.engine == "precise"


def test_bad_cells_of_a_large_package_get_their_lines(tmp_path):
    # large enough for DuckDB to read the files in parallel: lines come from file order
    from benchmarks.bad_cells import make_bad_package

    generate_package(40_000, 3, tmp_path / "clean")
    expected = make_bad_package(tmp_path / "clean", tmp_path / "bad")
    report = validate(tmp_path / "bad", quick=True)
    assert report.engine == "quick+recheck"
    assert sorted((f.table, f.line, f.column) for f in report.findings) == expected
    assert {f.code for f in report.findings} == {"enum-invalid"}
