"""Shared state of one injection run: tables, look-ups, a seeded picker and the expectations.

Every injection touches rows of entities nobody else touched (events, agreements, parties,
sectors, sources), so two injections never combine into a finding neither expects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np

from benchmarks.inject_model import Expect, Row, Table

VN = "VNM"
LINK_OWNER = {
    "event_parties": "events",
    "event_sectors": "events",
    "event_sources": "events",
    "agreement_parties": "agreements",
    "agreement_sectors": "agreements",
    "agreement_sources": "agreements",
}


class Injector:
    """Look-ups over the tables plus bookkeeping of what was touched and what is expected."""

    def __init__(self, tables: dict[str, Table], rng: np.random.Generator) -> None:
        self.t = tables
        self.rng = rng
        self.expects: list[Expect] = []
        self.after_sort: list[Callable[[], None]] = []  # run once rows are in final order
        self.touched: set[tuple[str, str]] = set()
        self._serial = 0
        self.by_id = {
            name: {row[0]: row for row in tables[name].rows}
            for name in ("events", "agreements", "parties", "sectors", "sources")
        }
        self.links: dict[str, dict[str, list[Row]]] = {}
        for link, owner in LINK_OWNER.items():
            groups: dict[str, list[Row]] = defaultdict(list)
            key = tables[link].col("event_id" if owner == "events" else "agreement_id")
            for row in tables[link].rows:
                groups[row[key]].append(row)
            self.links[link] = groups
        ev, ag = tables["events"], tables["agreements"]
        self.parents = {ev.get(r, "parent_event_id") for r in ev.rows} - {""}
        self.events_with_agreements = {ag.get(r, "event_id") for r in ag.rows} - {""}
        pa = tables["parties"]
        self.party_parents = {pa.get(r, "parent_party_id") for r in pa.rows} | {
            pa.get(r, "successor_party_id") for r in pa.rows
        }

    # -- bookkeeping -------------------------------------------------------------------
    def expect(self, code: str, table: str, row: Row | None, column: str | None, **kw) -> None:
        self.expects.append(Expect(code=code, table=table, column=column, row=row, **kw))

    def owner_key(self, table: str, row: Row) -> tuple[str, str]:
        """The entity a row belongs to (itself for entity tables, its event/agreement else)."""
        if table in LINK_OWNER:
            return LINK_OWNER[table], row[0]
        return table, row[0]

    def free(self, table: str, row: Row) -> bool:
        return self.owner_key(table, row) not in self.touched

    def touch(self, table: str, row: Row) -> None:
        self.touched.add(self.owner_key(table, row))

    def pick(self, table: str, n: int, where=lambda row: True) -> list[Row]:
        """Up to N untouched rows of TABLE satisfying WHERE, chosen by the seeded generator."""
        rows = self.t[table].rows
        chosen: list[Row] = []
        for i in self.rng.permutation(len(rows)):
            row = rows[int(i)]
            if self.free(table, row) and where(row):
                chosen.append(row)
                self.touch(table, row)
                if len(chosen) == n:
                    break
        return chosen

    def new_id(self, base: str, tag: str) -> str:
        """A fresh slug derived from BASE (at most 80 characters)."""
        self._serial += 1
        suffix = f"-{tag}-{self._serial}"
        return base[: 80 - len(suffix)].rstrip("-") + suffix

    # -- look-ups ----------------------------------------------------------------------
    def party(self, party_id: str) -> Row:
        return self.by_id["parties"][party_id]

    def country(self, party_id: str) -> str:
        return self.t["parties"].get(self.party(party_id), "country_code")

    def party_type(self, party_id: str) -> str:
        return self.t["parties"].get(self.party(party_id), "party_type")

    def is_vn(self, party_id: str) -> bool:
        return self.country(party_id) == VN

    def is_foreign(self, party_id: str) -> bool:
        c = self.country(party_id)
        return c not in ("", VN) or (
            c == "" and self.party_type(party_id) == "international_organization"
        )

    def plain_event(self, row: Row) -> bool:
        """A top-level, childless, day-precision event that no agreement refers to."""
        ev = self.t["events"]
        return (
            ev.get(row, "parent_event_id") == ""
            and ev.get(row, "date_precision") == "day"
            and row[0] not in self.parents
            and row[0] not in self.events_with_agreements
        )

    def parties_where(self, test, n: int) -> list[str]:
        """N distinct non-person party ids passing TEST, in a seeded order."""
        pa = self.t["parties"]
        ids = [
            pid
            for pid, r in self.by_id["parties"].items()  # generated parties, not injected ones
            if pa.get(r, "party_type") != "person"
            and ("parties", pid) not in self.touched
            and test(pid)
        ]
        order = self.rng.permutation(len(ids))
        return [ids[int(i)] for i in order[:n]]

    def persons(self) -> list[str]:
        pa = self.t["parties"]
        return [
            pid for pid, r in self.by_id["parties"].items() if pa.get(r, "party_type") == "person"
        ]
