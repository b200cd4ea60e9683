"""The bundled CSVs follow every file convention of the data model."""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest
from conftest import REPO

from sticoop.descriptor import load_package

PKG = load_package(REPO / "datapackage.json")


@pytest.mark.parametrize("name", PKG.resource_names)
def test_file_conventions(name):
    res = PKG.resource(name)
    raw = (REPO / res.path).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "BOM"
    assert b"\r" not in raw, "CR line endings"
    text = raw.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text), "not NFC"
    assert text.endswith("\n") and "\n\n" not in text, "blank line"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == res.field_names, "header differs from the descriptor"
    assert all(len(r) == len(rows[0]) for r in rows), "row width"
    idx = [rows[0].index(c) for c in res.primary_key]
    keys = [tuple(r[i].encode() for i in idx) for r in rows[1:]]
    assert keys == sorted(keys), "rows not sorted by primary key (byte order)"
    for row in rows[1:]:
        for cell in row:
            assert cell == cell.strip(), f"whitespace around {cell!r}"


def test_dataset_validates_without_findings():
    from sticoop.validators import validate

    report = validate(REPO)
    assert report.findings == []
    assert report.tables["events"] > 10 and report.tables["agreements"] > 10


def test_kremlin_signings_answerable_with_plain_sql():
    """SQL over the CSVs answers: what was signed at the Kremlin on 10 May 2025, with whom?"""
    import duckdb

    con = duckdb.connect()
    for res in PKG.resources:
        path = str(REPO / res.path).replace("'", "''")
        con.execute(
            f"CREATE VIEW {res.name} AS SELECT * FROM read_csv('{path}', all_varchar=true, "
            "header=true, delim=',', quote='\"', escape='\"', auto_detect=false, "
            f"columns={{{', '.join(repr(n) + ': ' + repr('VARCHAR') for n in res.field_names)}}})"
        )
    rows = con.execute("""
        SELECT a.agreement_id, list(DISTINCT p.name_en ORDER BY p.name_en) FILTER (
                   WHERE p.country_code = 'RUS' AND ap.role = 'party') AS russian_parties,
               list(DISTINCT s.sector_id) AS sectors
        FROM agreements a JOIN events e USING (event_id)
        JOIN agreement_parties ap USING (agreement_id) JOIN parties p USING (party_id)
        LEFT JOIN agreement_sectors s USING (agreement_id)
        WHERE e.start_date = '2025-05-10' AND e.city = 'Moscow'
          AND e.event_type = 'signing_ceremony'
        GROUP BY a.agreement_id ORDER BY a.agreement_id""").fetchall()
    assert len(rows) == 5
    assert all(len(parties) == 1 for _, parties, _ in rows)
    names = " ".join(parties[0] for _, parties, _ in rows)
    for expected in ("Rosatom", "Gamaleya", "Binnopharm", "Russian Direct Investment Fund"):
        assert expected in names
    sectors = {s for _, _, secs in rows for s in secs}
    assert {"nuclear-energy", "vaccines"} <= sectors
