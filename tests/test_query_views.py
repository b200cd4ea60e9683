"""Convenience views, named queries and the Python API, checked against the bundled dataset."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest

import sticoop
from sticoop.errors import QueryError, UsageError
from sticoop.named_queries import (
    bind_params,
    get_query,
    list_queries,
    run_named_query,
)
from sticoop.query import connect, locate_data, read_table, run_query
from sticoop.views import VIEWS

_USED = re.compile(r"\$([A-Za-z_]\w*)")


def used_params(sql: str) -> set[str]:
    """Names of the ``$name`` parameters SQL uses (comments excluded)."""
    body = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return set(_USED.findall(body))


REPO = Path(__file__).resolve().parents[1]
KREMLIN = "2025-05-10-rus-kremlin-signing"
KREMLIN_DOCUMENTS = {
    "2025-05-10-most-minobrnauki-joint-research-selection": "minobrnauki-rus",
    "2025-05-10-most-rosatom-peaceful-atomic-energy": "rosatom",
    "2025-05-10-vnvc-binnopharm-biotechnology": "binnopharm",
    "2025-05-10-vnvc-gamaleya-biotechnology": "gamaleya-centre",
    "2025-05-10-vnvc-rdif-vaccines-biologics": "rdif",
}


def read_csv(name: str) -> list[dict[str, str]]:
    with (REPO / "resources" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def rows(sql: str, **params: object) -> list[dict]:
    return run_query(sql, data=REPO, params=params or None).to_pylist()


def test_the_kremlin_documents_appear_with_their_russian_parties() -> None:
    found = rows(
        "SELECT agreement_id, signed_date, party_ids, partner_countries, countries "
        "FROM agreement_overview WHERE event_id = $e ORDER BY agreement_id",
        e=KREMLIN,
    )
    assert [r["agreement_id"] for r in found] == sorted(KREMLIN_DOCUMENTS)
    for r in found:
        assert str(r["signed_date"]) == "2025-05-10"
        assert KREMLIN_DOCUMENTS[r["agreement_id"]] in r["party_ids"]
        assert r["partner_countries"] == ["RUS"]
        assert r["countries"] == ["RUS", "VNM"]


def test_agreement_overview_lists_match_the_link_tables() -> None:
    parties = {p["party_id"]: p for p in read_csv("parties")}
    want_parties: dict[str, list[str]] = defaultdict(list)
    want_signatories: dict[str, list[str]] = defaultdict(list)
    for link in read_csv("agreement_parties"):
        name = parties[link["party_id"]]["name_en"]
        if link["role"] == "party":
            want_parties[link["agreement_id"]].append(name)
        elif link["role"] == "signatory":
            want_signatories[link["agreement_id"]].append(name)
    want_sectors: dict[str, list[str]] = defaultdict(list)
    for link in read_csv("agreement_sectors"):
        want_sectors[link["agreement_id"]].append(link["sector_id"])
    got = rows("SELECT * FROM agreement_overview")
    assert sorted(r["agreement_id"] for r in got) == sorted(
        a["agreement_id"] for a in read_csv("agreements")
    )
    for r in got:
        key = r["agreement_id"]
        assert r["parties"] == sorted(want_parties[key])
        assert r["signatories"] == sorted(want_signatories[key])
        assert r["sector_ids"] == sorted(want_sectors[key])


def test_event_overview_has_one_row_per_event_with_participants_and_agreements() -> None:
    got = {r["event_id"]: r for r in rows("SELECT * FROM event_overview")}
    assert set(got) == {e["event_id"] for e in read_csv("events")}
    kremlin = got[KREMLIN]
    assert set(KREMLIN_DOCUMENTS.values()) <= set(kremlin["participant_ids"])
    assert kremlin["agreement_ids"] == sorted(KREMLIN_DOCUMENTS)
    assert kremlin["countries"] == ["RUS", "VNM"]
    assert kremlin["city"] == "Moscow" and kremlin["year"] == 2025
    expected_sectors = sorted(
        s["sector_id"] for s in read_csv("event_sectors") if s["event_id"] == KREMLIN
    )
    assert kremlin["sector_ids"] == expected_sectors


def test_agreement_party_details_names_signatories_and_their_office() -> None:
    got = rows(
        "SELECT party_id, role, position_title, on_behalf_of_party_id, country_code "
        "FROM agreement_party_details WHERE agreement_id = $a ORDER BY role, party_id",
        a="2025-05-10-most-minobrnauki-joint-research-selection",
    )
    signatories = {r["party_id"]: r for r in got if r["role"] == "signatory"}
    assert signatories["valery-falkov"]["on_behalf_of_party_id"] == "minobrnauki-rus"
    assert signatories["valery-falkov"]["position_title"] == (
        "Minister of Science and Higher Education of the Russian Federation"
    )
    assert signatories["nguyen-manh-hung"]["on_behalf_of_party_id"] == "most-vn"
    assert {r["party_id"] for r in got if r["role"] == "witness"} == {"to-lam", "vladimir-putin"}


def test_cooperation_counts_agree_with_a_count_from_the_csvs() -> None:
    # agreements with Russia in 2025, per sector, counted by hand from the CSVs
    parties = {p["party_id"]: p for p in read_csv("parties")}
    agreements = {a["agreement_id"]: a for a in read_csv("agreements")}
    with_rus = {
        link["agreement_id"]
        for link in read_csv("agreement_parties")
        if link["role"] == "party"
        and parties[link["party_id"]]["country_code"] == "RUS"
        and agreements[link["agreement_id"]]["signed_date"].startswith("2025")
    }
    by_sector: dict[str, int] = defaultdict(int)
    for link in read_csv("agreement_sectors"):
        if link["agreement_id"] in with_rus:
            by_sector[link["sector_id"]] += 1
    got = rows(
        "SELECT sector_id, agreements FROM cooperation_counts "
        "WHERE partner_country = 'RUS' AND year = 2025 AND agreements > 0"
    )
    assert {r["sector_id"]: r["agreements"] for r in got} == dict(by_sector)
    assert by_sector["nuclear-energy"] >= 1


def test_views_declare_the_tables_they_read() -> None:
    con = duckdb.connect()
    for view in VIEWS:
        assert sorted(con.get_table_names(view.sql, qualified=False)) == sorted(view.requires)


def test_nuclear_energy_since_2024_answers_who_signed_with_vietnam() -> None:
    table = run_named_query("who_signed_what", {"sector": "nuclear-energy", "since": "2024"}, REPO)
    got = {r["agreement_id"]: r for r in table.to_pylist()}
    rosatom = got["2025-05-10-most-rosatom-peaceful-atomic-energy"]
    assert rosatom["partner_countries"] == ["RUS"]
    assert "Rosatom State Atomic Energy Corporation" in rosatom["parties"]
    events = {e["event_id"]: e for e in read_csv("events")}

    def year(a: dict[str, str]) -> int | None:
        date = a["signed_date"] or events.get(a["event_id"], {}).get("start_date", "")
        return int(date[:4]) if date else None

    tagged = {
        s["agreement_id"]
        for s in read_csv("agreement_sectors")
        if s["sector_id"] == "nuclear-energy"
    }
    nuclear = {
        a["agreement_id"]
        for a in read_csv("agreements")
        if a["agreement_id"] in tagged and (year(a) or 0) >= 2024
    }
    assert set(got) == nuclear
    # a top-level sector matches its sub-sectors
    energy = run_named_query("who_signed_what", {"sector": "energy"}, REPO).to_pylist()
    assert set(got) <= {r["agreement_id"] for r in energy}


def test_agreements_by_country_year_counts_the_kremlin_documents() -> None:
    got = run_named_query("agreements_by_country_year", {"country": "rus"}, REPO).to_pylist()
    row_2025 = next(r for r in got if r["year"] == 2025)
    assert row_2025["partner_country"] == "RUS"
    assert set(KREMLIN_DOCUMENTS) <= set(row_2025["agreement_ids"])
    assert row_2025["agreements"] == len(row_2025["agreement_ids"])


def test_sector_trends_breaks_energy_into_sub_sectors() -> None:
    top = run_named_query("sector_trends", {}, REPO).to_pylist()
    sector_parent = {s["sector_id"]: s["parent_sector_id"] for s in read_csv("sectors")}
    assert all(sector_parent[r["sector_id"]] == "" for r in top)
    energy = run_named_query("sector_trends", {"sector": "energy"}, REPO).to_pylist()
    # items tagged with `energy` itself (not a sub-sector) keep their own row
    assert energy and all(
        sector_parent[r["sector_id"]] == "energy" or r["sector_id"] == "energy" for r in energy
    )
    assert any(sector_parent[r["sector_id"]] == "energy" for r in energy)
    nuclear_2025 = next(
        r for r in energy if (r["sector_id"], r["year"]) == ("nuclear-energy", 2025)
    )
    assert nuclear_2025["agreements"] >= 1


def test_partnership_timeline_is_in_date_order() -> None:
    got = run_named_query("partnership_timeline", {"country": "BLR"}, REPO).to_pylist()
    dates = [r["date"] for r in got if r["date"] is not None]
    assert dates == sorted(dates) and got
    ids = {r["id"] for r in got}
    assert "2025-05-blr-state-visit" in ids
    assert "2025-05-12-vnm-blr-strategic-partnership-joint-statement" in ids
    assert not ids & set(KREMLIN_DOCUMENTS)


def test_party_activity_and_sources_of() -> None:
    rosatom = run_named_query("party_activity", {"party": "rosatom"}, REPO).to_pylist()
    assert ("event", KREMLIN) in {(r["kind"], r["id"]) for r in rosatom}
    assert ("agreement", "2025-05-10-most-rosatom-peaceful-atomic-energy") in {
        (r["kind"], r["id"]) for r in rosatom
    }
    sources = run_named_query("sources_of", {"id": KREMLIN}, REPO).to_pylist()
    want = {s["source_id"] for s in read_csv("event_sources") if s["event_id"] == KREMLIN}
    assert {s["source_id"] for s in sources} == want


def test_every_named_query_documents_exactly_the_params_it_uses() -> None:
    queries = list_queries()
    assert {q.name for q in queries} >= {
        "who_signed_what",
        "agreements_by_country_year",
        "sector_trends",
        "partnership_timeline",
    }
    for q in queries:
        assert q.title and not q.title.startswith("@")
        assert used_params(q.sql) == {p.name for p in q.params}, q.name
        assert all(p.description for p in q.params), q.name


def test_named_query_parameters_are_checked() -> None:
    query = get_query("partnership_timeline")
    with pytest.raises(UsageError, match="needs --param country"):
        bind_params(query, {})
    with pytest.raises(UsageError, match="no parameter colour"):
        bind_params(query, {"country": "BLR", "colour": "red"})
    assert bind_params(query, {"country": "BLR"}) == {"country": "BLR", "since": None}
    with pytest.raises(UsageError, match="no named query"):
        get_query("../../etc/passwd")


def test_connect_and_read_table_through_the_package() -> None:
    con = sticoop.connect(REPO)
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == len(read_csv("events"))
    events = sticoop.read_table("events", data=REPO)
    assert isinstance(events, pl.DataFrame)
    assert events.schema["start_date"] == pl.Date
    assert events.schema["date_inferred"] == pl.Boolean
    assert events.schema["event_type"] == pl.Enum(
        [
            "state_visit",
            "official_visit",
            "working_visit",
            "summit_talks",
            "ministerial_meeting",
            "joint_committee_session",
            "signing_ceremony",
            "site_visit",
            "forum",
            "press_conference",
        ]
    )
    frame = sticoop.read_table("agreement_overview", data=REPO, pandas=True)
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(read_csv("agreements"))
    with pytest.raises(QueryError) as err:
        read_table("no_such_table", data=REPO)
    assert "agreement_overview" in (err.value.hint or "")


def test_connect_without_data_uses_the_current_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert locate_data(None).package.root == REPO
    con = connect()
    assert con.execute("SELECT count(*) FROM parties").fetchone()[0] == len(read_csv("parties"))
