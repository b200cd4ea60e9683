"""Every page of the site as (relative file name -> content), rendered with Jinja2."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from functools import cached_property
from pathlib import Path
from typing import Any

from sticoop.site import charts, markdown
from sticoop.site.model import SiteData, file_name

PAGE_SIZE = 200  # rows per page of the big lists
RECORD_LIST_CAP = 300  # records listed on a party, sector or partner page
TOP_SERIES = 8  # coloured series in a chart; the rest is "Other"
WIKIDATA_ID = re.compile(r"Q[1-9][0-9]{0,12}")
SITE_DIR = Path(__file__).parent
KIND_FOLDERS = {
    "event": "events",
    "agreement": "agreements",
    "party": "parties",
    "sector": "sectors",
    "partner": "partners",
}


def href(root: str, kind: str, record_id: object) -> str:
    """The link from a page at ROOT to the page of a record."""
    return f"{root}{KIND_FOLDERS[kind]}/{file_name(record_id)}.html"


def ext_url(url: object) -> str | None:
    """URL when it may become a link (http or https), else None."""
    return markdown.safe_url(url) if isinstance(url, str) else None


def fmt_date(value: Any, precision: str | None = None) -> str:
    if value is None:
        return ""
    text = value.isoformat()
    if precision == "year":
        return text[:4]
    if precision == "month":
        return text[:7]
    return text


def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(SITE_DIR / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(href=href, ext_url=ext_url, fmt_date=fmt_date)
    env.filters["label"] = lambda s: str(s).replace("_", " ") if s is not None else ""
    return env


class Builder:
    """Holds the data, the Jinja environment and the joins the pages share."""

    def __init__(self, site: SiteData, docs_root: Path | None, date: str) -> None:
        from markupsafe import Markup

        self.d = site
        self.docs_root = docs_root
        self.date = date
        self.env = _environment()
        self.Markup = Markup
        self.files: dict[str, str | bytes] = {}

    # -- shared lookups ---------------------------------------------------------------------
    @cached_property
    def party_events(self) -> dict[str, list[tuple[str, dict]]]:
        return self.d.party_events()

    @cached_property
    def party_agreements(self) -> dict[str, list[tuple[str, dict]]]:
        return self.d.party_agreements()

    @cached_property
    def children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for e in self.d.events.values():
            if e.get("parent_event_id"):
                out[e["parent_event_id"]].append(e["event_id"])
        return out

    @cached_property
    def at_event(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for a in self.d.agreements.values():
            if a.get("event_id"):
                out[a["event_id"]].append(a["agreement_id"])
        return out

    @cached_property
    def superseded_by(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for a in self.d.agreements.values():
            if a.get("supersedes_agreement_id"):
                out[a["supersedes_agreement_id"]].append(a["agreement_id"])
        return out

    @cached_property
    def sector_records(self) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for eid, ids in self.d.event_sectors.items():
            for s in ids:
                out[s].append(("event", eid))
        for aid, ids in self.d.agreement_sectors.items():
            for s in ids:
                out[s].append(("agreement", aid))
        return out

    @cached_property
    def country_names(self) -> dict[str, dict]:
        return {
            p["country_code"]: p
            for p in self.d.parties.values()
            if p["party_type"] == "country" and p["country_code"]
        }

    def top_sector(self, sector_id: str) -> str:
        seen = set()
        while sector_id in self.d.sectors and sector_id not in seen:
            seen.add(sector_id)
            parent = self.d.sectors[sector_id].get("parent_sector_id")
            if not parent or parent not in self.d.sectors:
                return sector_id
            sector_id = parent
        return sector_id

    def item(self, kind: str, record_id: str) -> dict[str, Any]:
        """A record as a timeline row: kind, id, date, title."""
        if kind == "event":
            e = self.d.events.get(record_id, {})
            return {
                "kind": kind,
                "id": record_id,
                "date": fmt_date(e.get("start_date"), e.get("date_precision")),
                "title_en": e.get("title_en") or record_id,
                "title_vi": e.get("title_vi"),
                "type": e.get("event_type"),
            }
        a = self.d.agreements.get(record_id, {})
        return {
            "kind": kind,
            "id": record_id,
            "date": fmt_date(a.get("signed_date"), a.get("signed_date_precision")),
            "title_en": a.get("title_en") or record_id,
            "title_vi": a.get("title_vi"),
            "type": a.get("agreement_type"),
        }

    def timeline(self, records: list[tuple[str, str]]) -> list[dict[str, Any]]:
        items = [self.item(k, i) for k, i in dict.fromkeys(records)]
        # Newest first, undated last.
        return sorted(items, key=lambda r: (r["date"] or "", r["kind"], r["id"]), reverse=True)

    # -- rendering --------------------------------------------------------------------------
    def render(self, name: str, template: str, **context: Any) -> None:
        root = "../" * name.count("/")
        self.files[name] = self.env.get_template(template).render(
            root=root, build_date=self.date, site=self.d, page=name, **context
        )

    def chart(self, chart_id: str, title: str, desc: str, series: list) -> dict[str, Any]:
        years = sorted({y for _, counts in series for y in counts})
        if years:
            years = list(range(years[0], years[-1] + 1))
        svg = charts.stacked_bars(chart_id, title, desc, years, series)
        return {"svg": self.Markup(svg), "legend": charts.legend(series), "title": title}


def series_of(counts: dict[str, Counter], names: dict[str, str]) -> list:
    """The TOP_SERIES biggest series by total, then the rest summed as "Other"."""
    ranked = sorted(counts, key=lambda k: (-sum(counts[k].values()), names.get(k, k)))
    series = [(names.get(k, k), dict(counts[k])) for k in ranked[:TOP_SERIES]]
    rest: Counter = Counter()
    for k in ranked[TOP_SERIES:]:
        rest.update(counts[k])
    if rest:
        series.append(("Other", dict(rest)))
    return series


def json_for_script(value: Any) -> str:
    """JSON that is safe inside a script file or element: no '<', '>', '&' or line separators."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
