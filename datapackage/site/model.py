"""The site's data: every table read once through ``sticoop.connect``, indexed by id."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sticoop.errors import DataError

Row = dict[str, Any]
_SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,120}")

# A record's partners, as in docs/coverage.md: the countries (those with a country record) of
# its non-Vietnamese parties, and international organisations.
_PARTNER_LINKS_SQL = """
WITH links AS (
    SELECT 'event' AS kind, event_id AS id, party_id FROM event_parties
    UNION ALL
    SELECT 'agreement', agreement_id, party_id FROM agreement_parties WHERE role = 'party'
)
SELECT DISTINCT l.kind, l.id,
    CASE WHEN p.party_type = 'international_organization' THEN 'org:' || p.party_id
         ELSE 'country:' || p.country_code END AS partner
FROM links l JOIN parties p ON p.party_id = l.party_id
WHERE p.party_type = 'international_organization'
   OR (p.country_code <> 'VNM' AND EXISTS (
       SELECT 1 FROM parties c WHERE c.party_type = 'country' AND c.country_code = p.country_code))
ORDER BY ALL
"""


def file_name(record_id: object) -> str:
    """A safe file name (no separator, no dot-dot) for a record id; odd ids are hashed."""
    text = str(record_id)
    if _SAFE_NAME.fullmatch(text) and ".." not in text:
        return text
    return "x-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


@dataclass
class Partner:
    key: str  # "country:KOR" or "org:iaea"
    name_en: str
    name_vi: str | None
    party_id: str | None  # the country's or organisation's own party record, if any
    events: list[str] = field(default_factory=list)
    agreements: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return file_name(self.key.replace(":", "-").lower())


@dataclass
class SiteData:
    """All tables as rows keyed by id, plus the joins every page needs."""

    title: str
    version: str
    descriptor_path: Path
    events: dict[str, Row]
    agreements: dict[str, Row]
    parties: dict[str, Row]
    sectors: dict[str, Row]
    sources: dict[str, Row]
    event_parties: dict[str, list[Row]]
    agreement_parties: dict[str, list[Row]]
    event_sectors: dict[str, list[str]]
    agreement_sectors: dict[str, list[str]]
    event_sources: dict[str, list[Row]]
    agreement_sources: dict[str, list[Row]]
    partners: dict[str, Partner]
    record_partners: dict[tuple[str, str], list[str]]
    years: dict[tuple[str, str], int | None]
    package: Any = None  # the sticoop.descriptor.Package, when read from a descriptor

    def party_events(self) -> dict[str, list[tuple[str, Row]]]:
        out: dict[str, list[tuple[str, Row]]] = defaultdict(list)
        for eid, links in self.event_parties.items():
            for link in links:
                out[link["party_id"]].append((eid, link))
        return out

    def party_agreements(self) -> dict[str, list[tuple[str, Row]]]:
        out: dict[str, list[tuple[str, Row]]] = defaultdict(list)
        for aid, links in self.agreement_parties.items():
            for link in links:
                out[link["party_id"]].append((aid, link))
        return out


def _rows(con: Any, sql: str) -> list[Row]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, values, strict=True)) for values in cur.fetchall()]


def _table(con: Any, name: str, order: str) -> list[Row]:
    # NAME and ORDER are constants of this module, never data.
    return _rows(con, f"SELECT * FROM {name} ORDER BY {order}")


def _group(rows: list[Row], key: str) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return dict(out)


def load(data: str | Path | None) -> SiteData:
    """Read the package at DATA (as ``sticoop.query.locate_data``) into a SiteData."""
    import duckdb

    from sticoop.query import _duckdb_error, connect, locate_data

    source = locate_data(data)
    con = connect(data)
    try:
        events = _table(con, "events", "start_date NULLS LAST, event_id")
        agreements = _table(con, "agreements", "signed_date NULLS LAST, agreement_id")
        parties = _table(con, "parties", "party_id")
        sectors = _table(con, "sectors", "sector_id")
        sources = _table(con, "sources", "source_id")
        ep = _table(con, "event_parties", "event_id, role, party_id")
        ap = _table(con, "agreement_parties", "agreement_id, role, party_id")
        es = _table(con, "event_sectors", "event_id, sector_id")
        asec = _table(con, "agreement_sectors", "agreement_id, sector_id")
        esrc = _table(con, "event_sources", "event_id, source_id")
        asrc = _table(con, "agreement_sources", "agreement_id, source_id")
        links = con.execute(_PARTNER_LINKS_SQL).fetchall()
    except duckdb.Error as exc:  # a CSV that does not parse or a cell that does not convert
        error = _duckdb_error(exc, con, data)
        if isinstance(error, DataError):
            raise error from None
        raise DataError(
            f"the data does not load: {exc}", hint="run 'sticoop validate' to see every problem"
        ) from None
    finally:
        con.close()
    pkg = source.package
    title = getattr(pkg, "title", None) or "sticoop"
    version = getattr(pkg, "version", None) or ""
    descriptor = getattr(pkg, "descriptor_path", None) or source.database
    d = SiteData(
        title=str(title),
        version=str(version),
        descriptor_path=Path(descriptor or "."),
        events={r["event_id"]: r for r in events},
        agreements={r["agreement_id"]: r for r in agreements},
        parties={r["party_id"]: r for r in parties},
        sectors={r["sector_id"]: r for r in sectors},
        sources={r["source_id"]: r for r in sources},
        event_parties=_group(ep, "event_id"),
        agreement_parties=_group(ap, "agreement_id"),
        event_sectors={k: [r["sector_id"] for r in v] for k, v in _group(es, "event_id").items()},
        agreement_sectors={
            k: [r["sector_id"] for r in v] for k, v in _group(asec, "agreement_id").items()
        },
        event_sources=_group(esrc, "event_id"),
        agreement_sources=_group(asrc, "agreement_id"),
        partners={},
        record_partners=defaultdict(list),
        years={},
        package=pkg,
    )
    for e in events:
        d.years[("event", e["event_id"])] = e["start_date"].year if e["start_date"] else None
    for a in agreements:
        date = a["signed_date"]
        if date is None and a.get("event_id") in d.events:
            date = d.events[a["event_id"]]["start_date"]
        d.years[("agreement", a["agreement_id"])] = date.year if date else None
    _add_partners(d, links)
    return d


def _add_partners(d: SiteData, links: list[tuple[str, str, str]]) -> None:
    countries = {
        p["country_code"]: p
        for p in d.parties.values()
        if p["party_type"] == "country" and p["country_code"]
    }
    for kind, record_id, key in links:
        if key is None:
            continue
        partner = d.partners.get(key)
        if partner is None:
            kind_, _, code = key.partition(":")
            own = d.parties.get(code) if kind_ == "org" else countries.get(code)
            name_en = (own or {}).get("name_en") or code
            name_vi = (own or {}).get("name_vi")
            partner = Partner(key, name_en, name_vi, (own or {}).get("party_id"))
            d.partners[key] = partner
        (partner.events if kind == "event" else partner.agreements).append(record_id)
        d.record_partners[(kind, record_id)].append(key)
