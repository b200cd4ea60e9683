"""The site's sections: home, record pages, parties, sectors, partners, lists, docs, assets."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from sticoop.site import markdown
from sticoop.site.model import file_name
from sticoop.site.pages import (
    PAGE_SIZE,
    RECORD_LIST_CAP,
    SITE_DIR,
    WIKIDATA_ID,
    Builder,
    fmt_date,
    json_for_script,
    series_of,
)

_CHANGELOG_HEADING = re.compile(r"## \[([^\]\n]{1,40})\] - (\d{4}-\d{2}-\d{2})")
_CFF_KEYS = ("title", "version", "date-released", "license", "doi", "url", "repository-code")


def home(b: Builder) -> None:
    d = b.d
    by_partner: dict[str, Counter] = defaultdict(Counter)
    by_sector: dict[str, Counter] = defaultdict(Counter)
    kinds: dict[str, Counter[int]] = {"event": Counter(), "agreement": Counter()}
    for (kind, rid), year in sorted(d.years.items(), key=lambda kv: kv[0]):
        if year is None:
            continue
        kinds[kind][year] += 1
        for key in d.record_partners.get((kind, rid), []):
            by_partner[key][year] += 1
        sectors = d.event_sectors if kind == "event" else d.agreement_sectors
        for top in sorted({b.top_sector(s) for s in sectors.get(rid, [])}):
            by_sector[top][year] += 1
    partner_names = {k: p.name_en for k, p in d.partners.items()}
    sector_names = {k: (s.get("name_en") or k) for k, s in d.sectors.items()}
    charts = [
        b.chart(
            "per-year",
            "Events and agreements per year",
            "Stacked bars: events and agreements recorded in each year.",
            [("Events", dict(kinds["event"])), ("Agreements", dict(kinds["agreement"]))],
        ),
        b.chart(
            "per-partner",
            "Events and agreements per year, by partner",
            "Stacked bars: records per year for the partners with the most records; a record "
            "with several partners counts for each.",
            series_of(by_partner, partner_names),
        ),
        b.chart(
            "per-sector",
            "Events and agreements per year, by sector",
            "Stacked bars: records per year for the top-level sectors with the most records; a "
            "record with several sectors counts for each.",
            series_of(by_sector, sector_names),
        ),
    ]
    counts = [
        ("Events", len(d.events), "events/index.html"),
        ("Agreements", len(d.agreements), "agreements/index.html"),
        ("Parties", len(d.parties), "parties/index.html"),
        ("Sources", len(d.sources), "sources/index.html"),
        ("Partners", len(d.partners), "partners/index.html"),
        ("Sectors", len(d.sectors), "sectors/index.html"),
    ]
    root = b.docs_root
    b.render(
        "index.html",
        "home.html",
        description=_description(d),
        counts=counts,
        charts=charts,
        release=_release(d.descriptor_path.parent, root),
        citation=_citation(root),
        recent=b.timeline(
            [("event", e) for e in list(d.events)[-8:]]
            + [("agreement", a) for a in _dated(d.agreements)[-8:]]
        )[:8],
    )


def _dated(agreements: dict[str, dict]) -> list[str]:
    """Agreement ids with a signing date, oldest first."""
    rows = [a for a in agreements.values() if a.get("signed_date")]
    return [
        a["agreement_id"] for a in sorted(rows, key=lambda a: (a["signed_date"], a["agreement_id"]))
    ]


def _description(d: Any) -> str:
    path = d.descriptor_path
    try:
        raw = json.loads(path.read_text(encoding="utf-8")) if path.suffix == ".json" else {}
    except (OSError, ValueError):
        raw = {}
    text = raw.get("description") if isinstance(raw, dict) else None
    return text if isinstance(text, str) else ""


def _release(package_root: Path, docs_root: Path | None) -> dict[str, Any] | None:
    """The latest release: release.json beside the package, else the CHANGELOG's first entry."""
    for folder in filter(None, (package_root, docs_root)):
        path = folder / "release.json"
        if path.is_file():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(raw, dict):
                files = []
                artefacts = raw.get("artefacts")
                if isinstance(artefacts, dict):
                    for name in sorted(artefacts):
                        info = artefacts[name]
                        sha = info.get("sha256") if isinstance(info, dict) else None
                        files.append({"name": str(name), "sha256": str(sha or "")})
                return {
                    "version": str(raw.get("version", "")),
                    "date": str(raw.get("date", "")),
                    "files": files,
                    "from": "release.json",
                }
    if docs_root and (docs_root / "CHANGELOG.md").is_file():
        text = (docs_root / "CHANGELOG.md").read_text(encoding="utf-8", errors="replace")
        m = _CHANGELOG_HEADING.search(text)
        if m:
            return {"version": m.group(1), "date": m.group(2), "files": [], "from": "changelog"}
    return None


def _citation(docs_root: Path | None) -> dict[str, Any] | None:
    if not docs_root or not (docs_root / "CITATION.cff").is_file():
        return None
    import yaml

    try:
        raw = yaml.safe_load((docs_root / "CITATION.cff").read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return None
    if not isinstance(raw, dict):
        return None
    authors = []
    for a in raw.get("authors") or []:
        if isinstance(a, dict):
            name = a.get("name") or " ".join(
                str(a[k]) for k in ("given-names", "family-names") if a.get(k)
            )
            if name:
                authors.append(str(name))
    fields = {k: str(raw[k]) for k in _CFF_KEYS if raw.get(k)}
    year = fields.get("date-released", "")[:4]
    text = f"{', '.join(authors) or 'sticoop contributors'} ({year or 'n.d.'}). " + (
        f"{fields.get('title', '')}"
        + (f" (version {fields['version']})" if "version" in fields else "")
    )
    return {"text": text + ".", "fields": fields}


def _party_rows(b: Builder, links: list[dict]) -> list[dict[str, Any]]:
    rows = []
    for link in links:
        p = b.d.parties.get(link["party_id"], {"party_id": link["party_id"]})
        behalf = link.get("on_behalf_of_party_id")
        rows.append(
            {
                "party": p,
                "role": link.get("role"),
                "position": link.get("position_title"),
                "behalf": b.d.parties.get(behalf, {"party_id": behalf}) if behalf else None,
            }
        )
    order = {"party": 0, "host": 0, "signatory": 1, "guest": 1, "participant": 2, "witness": 3}
    return sorted(
        rows, key=lambda r: (order.get(r["role"], 9), r["role"] or "", r["party"]["party_id"])
    )


def _sources(b: Builder, links: list[dict]) -> list[dict[str, Any]]:
    out = []
    for link in links:
        s = b.d.sources.get(link["source_id"], {"source_id": link["source_id"]})
        out.append({"source": s, "quote": link.get("quote")})
    return out


def records(b: Builder) -> None:
    d = b.d
    for eid, e in d.events.items():
        b.render(
            f"events/{file_name(eid)}.html",
            "event.html",
            e=e,
            date=_date_range(e),
            country=b.country_names.get(e.get("country_code") or ""),
            parent=d.events.get(e.get("parent_event_id") or ""),
            children=[b.item("event", c) for c in sorted(b.children.get(eid, []))],
            agreements=[b.item("agreement", a) for a in sorted(b.at_event.get(eid, []))],
            parties=_party_rows(b, d.event_parties.get(eid, [])),
            sectors=[d.sectors.get(s, {"sector_id": s}) for s in d.event_sectors.get(eid, [])],
            sources=_sources(b, d.event_sources.get(eid, [])),
            partners=[d.partners[k] for k in d.record_partners.get(("event", eid), [])],
        )
    for aid, a in d.agreements.items():
        b.render(
            f"agreements/{file_name(aid)}.html",
            "agreement.html",
            a=a,
            date=fmt_date(a.get("signed_date"), a.get("signed_date_precision")),
            event=d.events.get(a.get("event_id") or ""),
            event_date=_date_range(d.events.get(a.get("event_id") or "", {})),
            supersedes=d.agreements.get(a.get("supersedes_agreement_id") or ""),
            superseded_by=[b.item("agreement", x) for x in sorted(b.superseded_by.get(aid, []))],
            parties=_party_rows(b, d.agreement_parties.get(aid, [])),
            sectors=[d.sectors.get(s, {"sector_id": s}) for s in d.agreement_sectors.get(aid, [])],
            sources=_sources(b, d.agreement_sources.get(aid, [])),
            partners=[d.partners[k] for k in d.record_partners.get(("agreement", aid), [])],
        )


def _date_range(e: dict) -> str:
    precision = e.get("date_precision")
    start = fmt_date(e.get("start_date"), precision)
    end = fmt_date(e.get("end_date"), precision)
    return f"{start} – {end}" if end and end != start else start


def parties(b: Builder) -> None:
    d = b.d
    kids: dict[str, list[str]] = defaultdict(list)
    predecessors: dict[str, list[str]] = defaultdict(list)
    members: dict[str, list[str]] = defaultdict(list)
    for p in d.parties.values():
        if p.get("parent_party_id"):
            kids[p["parent_party_id"]].append(p["party_id"])
        if p.get("successor_party_id"):
            predecessors[p["successor_party_id"]].append(p["party_id"])
        if p["party_type"] != "country" and p.get("country_code"):
            members[p["country_code"]].append(p["party_id"])
    for pid, p in d.parties.items():
        ev = [("event", eid) for eid, _ in b.party_events.get(pid, [])]
        ag = [("agreement", aid) for aid, _ in b.party_agreements.get(pid, [])]
        offices: dict[str, list[str]] = defaultdict(list)
        roles: dict[tuple[str, str], list[str]] = defaultdict(list)
        for eid, link in b.party_events.get(pid, []):
            roles[("event", eid)].append(link.get("role") or "")
            if link.get("position_title"):
                offices[link["position_title"]].append(b.item("event", eid)["date"])
        for aid, link in b.party_agreements.get(pid, []):
            role = link.get("role") or ""
            behalf = link.get("on_behalf_of_party_id")
            if behalf and behalf in d.parties:
                role += " for " + (d.parties[behalf].get("name_en") or behalf)
            roles[("agreement", aid)].append(role)
            if link.get("position_title"):
                offices[link["position_title"]].append(b.item("agreement", aid)["date"])
        timeline = b.timeline(ev + ag)
        for row in timeline:
            row["role"] = ", ".join(sorted(set(roles[(row["kind"], row["id"])])))
        wikidata = p.get("wikidata_id")
        b.render(
            f"parties/{file_name(pid)}.html",
            "party.html",
            p=p,
            country=b.country_names.get(p.get("country_code") or ""),
            parent=d.parties.get(p.get("parent_party_id") or ""),
            successor=d.parties.get(p.get("successor_party_id") or ""),
            children=[d.parties[k] for k in sorted(kids.get(pid, []))],
            predecessors=[d.parties[k] for k in sorted(predecessors.get(pid, []))],
            members=[d.parties[k] for k in sorted(members.get(p.get("country_code") or "", []))]
            if p["party_type"] == "country"
            else [],
            offices=sorted((t, sorted(x for x in ds if x)) for t, ds in offices.items()),
            timeline=timeline[:RECORD_LIST_CAP],
            more=max(0, len(timeline) - RECORD_LIST_CAP),
            wikidata=wikidata
            if isinstance(wikidata, str) and WIKIDATA_ID.fullmatch(wikidata)
            else None,
        )


def sectors(b: Builder) -> None:
    d = b.d
    kids: dict[str, list[str]] = defaultdict(list)
    for s in d.sectors.values():
        if s.get("parent_sector_id"):
            kids[s["parent_sector_id"]].append(s["sector_id"])
    for sid, s in d.sectors.items():
        records = b.sector_records.get(sid, [])
        timeline = b.timeline(records)
        b.render(
            f"sectors/{file_name(sid)}.html",
            "sector.html",
            s=s,
            parent=d.sectors.get(s.get("parent_sector_id") or ""),
            children=[d.sectors[k] for k in sorted(kids.get(sid, []))],
            chart=_kind_chart(b, f"sector-{file_name(sid)}", s.get("name_en") or sid, records),
            timeline=timeline[:RECORD_LIST_CAP],
            more=max(0, len(timeline) - RECORD_LIST_CAP),
        )
    rows = [
        {
            "s": s,
            "events": sum(1 for k, _ in b.sector_records.get(sid, []) if k == "event"),
            "agreements": sum(1 for k, _ in b.sector_records.get(sid, []) if k == "agreement"),
        }
        for sid, s in d.sectors.items()
    ]
    b.render("sectors/index.html", "sectors.html", rows=rows)


def _kind_chart(b: Builder, chart_id: str, name: str, records: list[tuple[str, str]]) -> dict:
    ev: Counter = Counter()
    ag: Counter = Counter()
    for kind, rid in dict.fromkeys(records):
        year = b.d.years.get((kind, rid))
        if year is not None:
            (ev if kind == "event" else ag)[year] += 1
    return b.chart(
        chart_id,
        f"{name}: events and agreements per year",
        f"Stacked bars: events and agreements per year involving {name}.",
        [("Events", dict(ev)), ("Agreements", dict(ag))],
    )


def partners(b: Builder) -> None:
    d = b.d
    rows: list[dict[str, Any]] = []
    for key in sorted(d.partners, key=lambda k: (d.partners[k].name_en, k)):
        partner = d.partners[key]
        records = [("event", e) for e in partner.events] + [
            ("agreement", a) for a in partner.agreements
        ]
        timeline = b.timeline(records)
        kind, _, code = key.partition(":")
        involved: Counter = Counter()
        sectors: Counter = Counter()
        for rk, rid in records:
            links = (d.event_parties if rk == "event" else d.agreement_parties).get(rid, [])
            for link in links:
                p = d.parties.get(link["party_id"])
                if p is None:
                    continue
                if (kind == "org" and p["party_id"] == code) or (
                    kind == "country" and p.get("country_code") == code
                ):
                    involved[p["party_id"]] += 1
            for s in (d.event_sectors if rk == "event" else d.agreement_sectors).get(rid, []):
                sectors[s] += 1
        b.render(
            f"partners/{partner.slug}.html",
            "partner.html",
            partner=partner,
            own=d.parties.get(partner.party_id or ""),
            chart=_kind_chart(b, "partner", partner.name_en, records),
            timeline=timeline[:RECORD_LIST_CAP],
            more=max(0, len(timeline) - RECORD_LIST_CAP),
            involved=[
                (d.parties[k], n)
                for k, n in sorted(involved.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            sectors=[
                (d.sectors.get(k, {"sector_id": k}), n)
                for k, n in sorted(sectors.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
        )
        rows.append(
            {
                "partner": partner,
                "events": len(partner.events),
                "agreements": len(partner.agreements),
            }
        )
    rows.sort(key=lambda r: (-(r["events"] + r["agreements"]), r["partner"].name_en))
    b.render("partners/index.html", "partners.html", rows=rows)


def _paginate(b: Builder, folder: str, template: str, rows: list, **context: Any) -> None:
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    for n in range(pages):
        name = f"{folder}/index.html" if n == 0 else f"{folder}/page-{n + 1}.html"
        links = [(i + 1, "index.html" if i == 0 else f"page-{i + 1}.html") for i in range(pages)]
        b.render(
            name,
            template,
            rows=rows[n * PAGE_SIZE : (n + 1) * PAGE_SIZE],
            page_number=n + 1,
            page_links=links if pages > 1 else [],
            total=len(rows),
            **context,
        )


def listings(b: Builder) -> None:
    d = b.d
    events = sorted(
        d.events.values(),
        key=lambda e: (str(e.get("start_date") or ""), e["event_id"]),
        reverse=True,
    )
    _paginate(b, "events", "events.html", events, countries=b.country_names)
    agreements = [
        {"a": a, "date": b.item("agreement", a["agreement_id"])["date"]}
        for a in d.agreements.values()
    ]
    agreements.sort(key=lambda r: (r["date"] or "", r["a"]["agreement_id"]), reverse=True)
    _paginate(b, "agreements", "agreements.html", agreements)
    _paginate(b, "parties", "parties.html", list(d.parties.values()), countries=b.country_names)
    _paginate(b, "sources", "sources.html", list(d.sources.values()))
    b.render("search.html", "search.html")
    index = []
    for e in d.events.values():
        index.append(
            [
                "event",
                e["event_id"],
                e.get("title_en") or "",
                e.get("title_vi") or "",
                fmt_date(e.get("start_date"), e.get("date_precision")),
                e.get("event_type") or "",
            ]
        )
    for a in d.agreements.values():
        index.append(
            [
                "agreement",
                a["agreement_id"],
                a.get("title_en") or "",
                a.get("title_vi") or "",
                fmt_date(a.get("signed_date"), a.get("signed_date_precision")),
                a.get("agreement_type") or "",
            ]
        )
    for p in d.parties.values():
        name = p.get("name_en") or ""
        if p.get("short_name"):
            name += f" ({p['short_name']})"
        index.append(
            [
                "party",
                p["party_id"],
                name,
                p.get("name_vi") or "",
                p.get("country_code") or "",
                p.get("party_type") or "",
            ]
        )
    for s in d.sectors.values():
        index.append(
            ["sector", s["sector_id"], s.get("name_en") or "", s.get("name_vi") or "", "", ""]
        )
    for key, partner in d.partners.items():
        index.append(
            [
                "partner",
                partner.slug,
                partner.name_en,
                partner.name_vi or "",
                "",
                key.partition(":")[0],
            ]
        )
    for row in index:
        row[1] = file_name(row[1])
    index.sort(key=lambda r: (r[0], r[1]))
    b.files["assets/search-index.js"] = "window.STICOOP_INDEX = " + json_for_script(index) + ";\n"


def docs(b: Builder) -> None:
    link_map = {
        "CHANGELOG.md": "changelog.html",
        "docs/codebook.md": "codebook.html",
        "codebook.md": "codebook.html",
    }
    if b.d.package is not None:  # the codebook of this very package, from its descriptor
        from sticoop.codebook import render_codebook

        codebook: str | None = render_codebook(b.d.package)
    else:
        codebook = _read_doc([b.docs_root], "docs/codebook.md")
    changelog = _read_doc([b.docs_root, b.d.descriptor_path.parent], "CHANGELOG.md")
    for name, text, title, source in (
        ("codebook.html", codebook, "Codebook", "docs/codebook.md"),
        ("changelog.html", changelog, "Changelog", "CHANGELOG.md"),
    ):
        if text is not None:
            body = markdown.render(text, link_map)
        else:
            body = f"<p>No {source} was found beside this package.</p>"
        b.render(name, "doc.html", title=title, body=b.Markup(body))


def _read_doc(folders: list[Path | None], name: str) -> str | None:
    for folder in folders:
        path = folder / name if folder else None
        if path and path.is_file():
            return path.read_text(encoding="utf-8", errors="replace")
    return None


def assets(b: Builder) -> None:
    for name in ("site.css", "search.js"):
        b.files[f"assets/{name}"] = (SITE_DIR / "static" / name).read_text(encoding="utf-8")
