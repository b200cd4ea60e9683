"""Turning one checked contribution into rows: ids, references, duplicate detection."""

from __future__ import annotations

import datetime as dt
import difflib

from sticoop.contribute import ids
from sticoop.contribute.reader import Contribution, Link, Problems, Record
from sticoop.contribute.state import Origin, PackageState, Row
from sticoop.contribute.text import fold, url_key

VN = "VNM"
# Party fields compared to find a near-duplicate (accent-insensitive, across fields).
NAME_FIELDS = ("name_en", "name_vi", "short_name")


def build(contribution: Contribution, state: PackageState) -> None:
    """Add the rows of CONTRIBUTION to STATE, or raise ContributionError listing every problem.

    Order: declared parties and sources first (so the file can refer to them), then the event,
    then the agreements (which default to the file's event).
    """
    problems = Problems(contribution.file)
    builder = _Builder(contribution, state, problems)
    for record in contribution.parties:
        builder.party(record)
    for record in contribution.sources:
        builder.source(record)
    event_id = builder.event(contribution.event) if contribution.event else ""
    for record in contribution.agreements:
        builder.agreement(record, event_id)
    problems.raise_if_any()


class _Builder:
    def __init__(self, contribution: Contribution, state: PackageState, problems: Problems):
        self.c = contribution
        self.state = state
        self.problems = problems

    # -- rows -------------------------------------------------------------------------------
    def _add(self, table: str, values: Row, record: Record | None = None) -> None:
        self.state.added.setdefault(table, []).append(self.state.full_row(table, values))
        if record is not None:
            key = (table, values[self.state.key(table)])
            self.state.origins[key] = Origin(self.c.file, record.path)

    # -- parties ----------------------------------------------------------------------------
    def party(self, record: Record) -> None:
        values = dict(record.values)
        if values.get("party_type") == "country" and values.get("country_code"):
            wanted = values["country_code"].lower()
            if values.get("party_id", wanted) != wanted:
                self.problems.add(
                    f"{record.path}.id",
                    f"a country's id is its alpha-3 code: `{wanted}`",
                    values["party_id"],
                )
                return
        given = "party_id" in values
        if not given and not self._propose(
            record, values, "party_id", ids.party_id(values), "name_en"
        ):
            return
        pid = values["party_id"]
        existing = self.state.find("parties", pid)
        if existing is not None and given:
            self._same_or_refuse(record, "parties", existing, values)
            return
        matches = self._party_matches(values, exclude=pid if given else None)
        if existing is not None:  # a proposed id that is already taken
            matches = [pid, *[m for m in matches if m != pid]]
        if matches and not record.new:
            self.problems.add(
                record.path,
                f"looks like an existing party: did you mean `{matches[0]}`? "
                f"(refer to it by id, or add `new: true` if it is a different body)",
                values.get("name_en"),
            )
            return
        if existing is not None:
            values["party_id"] = pid = ids.unique(pid, self.state.ids("parties"))
        self._add("parties", values, record)

    def _propose(
        self, record: Record, values: Row, key: str, proposal: str | None, needs: str
    ) -> bool:
        """Set VALUES[KEY] to the proposed id; False (with a problem) when none could be made."""
        if not proposal:
            self.problems.add(record.path, f"give an id (none can be proposed without {needs})")
            return False
        values[key] = proposal
        return True

    def _party_matches(self, values: Row, exclude: str | None) -> list[str]:
        names = {fold(values[f]) for f in NAME_FIELDS if values.get(f)} - {""}
        wikidata = values.get("wikidata_id", "")
        found = []
        for row in self.state.rows("parties"):
            if row["party_id"] == exclude:
                continue
            theirs = {fold(row.get(f, "")) for f in NAME_FIELDS} - {""}
            if names & theirs or (wikidata and row.get("wikidata_id") == wikidata):
                found.append(row["party_id"])
        return found

    # -- sources ----------------------------------------------------------------------------
    def source(self, record: Record) -> None:
        values = dict(record.values)
        given = "source_id" in values
        if not given and not self._propose(
            record, values, "source_id", ids.source_id(values), "outlet"
        ):
            return
        sid = values["source_id"]
        existing = self.state.find("sources", sid)
        if existing is not None and given:
            self._same_or_refuse(record, "sources", existing, values)
            return
        url = url_key(values["url"]) if values.get("url") else ""
        same_url = [
            r["source_id"]
            for r in self.state.rows("sources")
            if url and r.get("url") and url_key(r["url"]) == url and r["source_id"] != sid
        ]
        if same_url and not record.new:
            self.problems.add(
                f"{record.path}.url",
                f"already recorded as `{same_url[0]}` (refer to it by id, or add `new: true`)",
                values["url"],
            )
            return
        if existing is not None:
            values["source_id"] = ids.unique(sid, self.state.ids("sources"))
        self._add("sources", values, record)

    def _same_or_refuse(self, record: Record, table: str, existing: Row, values: Row) -> None:
        """A declared record whose id exists: a plain reference if the given fields agree."""
        diffs = [
            f"{k}: recorded {existing.get(k, '')!r}, file says {v!r}"
            for k, v in values.items()
            if existing.get(k, "") != v
        ]
        id_ = values[self.state.key(table)]
        if diffs:
            self.problems.add(
                record.path,
                f"`{id_}` already exists with different values ({'; '.join(diffs)}); "
                "leave the declaration out to refer to it, or correct the CSV by hand",
            )
        else:
            self.state.referenced.append((table, id_))

    # -- events -----------------------------------------------------------------------------
    def event(self, record: Record) -> str:
        values = dict(record.values)
        self._check_links(record, "event")
        if "event_id" in values:
            if values["event_id"] in self.state.ids("events"):
                self.problems.add(
                    f"{record.path}.id", "this event id already exists", values["event_id"]
                )
                return values["event_id"]
        else:
            partner = ids.partner(record.parties, self.state)
            if not partner or not values.get("start_date") or not values.get("event_type"):
                self.problems.add(
                    record.path,
                    "give an id: none can be proposed without start_date, event_type and a "
                    "non-Vietnamese party",
                )
                return ""
            proposal = ids.event_id(values, partner)
            values["event_id"] = ids.unique(proposal, self.state.ids("events"))
        if not record.new:
            self._refuse_duplicate_event(record, values)
        eid = values["event_id"]
        self._add("events", values, record)
        for link in record.parties:
            self._add("event_parties", {"event_id": eid, **link.values})
        for _, sector in record.sectors:
            self._add("event_sectors", {"event_id": eid, "sector_id": sector})
        for link in record.sources:
            self._add("event_sources", {"event_id": eid, **link.values})
        return eid

    def _refuse_duplicate_event(self, record: Record, values: Row) -> None:
        start = _date(values.get("start_date", ""))
        mine = _partner_countries([link.values["party_id"] for link in record.parties], self.state)
        if start is None or not mine:
            return
        links: dict[str, list[str]] = {}
        for row in self.state.rows("event_parties"):
            links.setdefault(row["event_id"], []).append(row["party_id"])
        for row in self.state.rows("events"):
            other = _date(row.get("start_date", ""))
            if other is None or row.get("event_type") != values.get("event_type"):
                continue
            if abs((other - start).days) > 1:
                continue
            if mine & _partner_countries(links.get(row["event_id"], []), self.state):
                self.problems.add(
                    record.path,
                    f"already recorded as `{row['event_id']}` ({row['event_type']}, "
                    f"{row['start_date']}, partner {', '.join(sorted(mine))}); add sources to "
                    "that event instead, or `new: true` if it is a different event",
                )
                return

    # -- agreements -------------------------------------------------------------------------
    def agreement(self, record: Record, event_id: str) -> None:
        values = dict(record.values)
        self._check_links(record, "agreement")
        if event_id and "event_id" not in values:
            values["event_id"] = event_id
        if "agreement_id" in values:
            if values["agreement_id"] in self.state.ids("agreements"):
                self.problems.add(
                    f"{record.path}.id", "this agreement id already exists", values["agreement_id"]
                )
                return
        else:
            proposal = ids.agreement_id(values)
            taken = self.state.ids("agreements")
            unique = ids.unique(proposal, taken) if proposal else None
            if not self._propose(record, values, "agreement_id", unique, "title_en"):
                return
        aid = values["agreement_id"]
        self._add("agreements", values, record)
        for link in record.parties:
            self._add("agreement_parties", {"agreement_id": aid, **link.values})
        for _, sector in record.sectors:
            self._add("agreement_sectors", {"agreement_id": aid, "sector_id": sector})
        for link in record.sources:
            self._add("agreement_sources", {"agreement_id": aid, **link.values})

    # -- references -------------------------------------------------------------------------
    def _check_links(self, record: Record, kind: str) -> None:
        parties = self.state.ids("parties")
        for link in record.parties:
            for column in ("party_id", "on_behalf_of_party_id"):
                pid = link.values.get(column)
                if pid and pid not in parties:
                    self.problems.add(
                        f"{link.path}.{'party' if column == 'party_id' else 'on_behalf_of'}",
                        "unknown party: declare it under `parties:`" + self._suggest(pid),
                        pid,
                    )
        sectors = self.state.ids("sectors")
        for path, sector in record.sectors:
            if sector not in sectors:
                self.problems.add(path, "unknown sector (see resources/sectors.csv)", sector)
        sources = self.state.ids("sources")
        if not record.sources:
            self.problems.add(record.path, f"the {kind} needs at least one source with a quote")
        for link in record.sources:
            self._check_source_link(link, sources)

    def _check_source_link(self, link: Link, sources: set[str]) -> None:
        sid = link.values["source_id"]
        if sid.startswith(("http://", "https://")):  # a reference by URL
            key = url_key(sid)
            found = [r["source_id"] for r in self.state.rows("sources") if url_key(r["url"]) == key]
            if found:
                link.values["source_id"] = sid = found[-1]
        if sid not in sources:
            self.problems.add(
                f"{link.path}.source", "unknown source: declare it under `sources:`", sid
            )
        if not link.values.get("quote"):
            self.problems.add(f"{link.path}.quote", "a quote from the source is required")

    def _suggest(self, pid: str) -> str:
        key = fold(pid)
        rows = self.state.rows("parties")
        for row in rows:
            if key and key in {fold(row["party_id"]), fold(row.get("short_name", ""))}:
                return f"; did you mean `{row['party_id']}`?"
        close = difflib.get_close_matches(pid, [r["party_id"] for r in rows], n=1, cutoff=0.8)
        return f"; did you mean `{close[0]}`?" if close else ""


def _partner_countries(party_ids: list[str], state: PackageState) -> set[str]:
    out = set()
    for pid in party_ids:
        row = state.find("parties", pid)
        if row and row.get("country_code") and row["country_code"] != VN:
            out.add(row["country_code"])
    return out


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
