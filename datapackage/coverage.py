"""``docs/coverage.md``: records per partner and year, generated from the data itself."""

from __future__ import annotations

from sticoop.descriptor import Package

FIRST_YEAR, LAST_YEAR = 2019, 2025

# A record's partners: the non-Vietnamese parties' countries, and international organisations
# by name. Events count every party; agreements count the parties bound (role 'party').
_PARTNERS_SQL = """
WITH links AS (
    SELECT 'event' AS kind, e.event_id AS id, year(e.start_date) AS year, ep.party_id
    FROM events e JOIN event_parties ep USING (event_id)
    UNION ALL
    SELECT 'agreement', a.agreement_id, year(coalesce(a.signed_date, e.start_date)), ap.party_id
    FROM agreements a JOIN agreement_parties ap USING (agreement_id)
    LEFT JOIN events e USING (event_id)
    WHERE ap.role = 'party'
),
partners AS (
    SELECT DISTINCT l.kind, l.id, l.year,
           CASE WHEN p.party_type = 'international_organization'
                THEN coalesce(p.short_name, p.name_en) ELSE c.name_en END AS partner
    FROM links l JOIN parties p USING (party_id)
    LEFT JOIN parties c ON c.party_type = 'country' AND c.country_code = p.country_code
    WHERE p.party_type = 'international_organization' OR p.country_code <> 'VNM'
)
SELECT partner, kind, year, count(*) AS n FROM partners
WHERE partner IS NOT NULL GROUP BY ALL ORDER BY ALL
"""


def render_coverage(pkg: Package) -> str:
    """Markdown tables of events and agreements per partner and year."""
    from sticoop.query import connect

    con = connect(pkg.descriptor_path)
    try:
        rows = con.execute(_PARTNERS_SQL).fetchall()
        totals = con.execute(
            "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM agreements)"
        ).fetchone()
    finally:
        con.close()
    counts: dict[str, dict[tuple[str, str], int]] = {}
    for partner, kind, year, n in rows:
        column = _column(year)
        cell = counts.setdefault(partner, {})
        cell[(kind, column)] = cell.get((kind, column), 0) + n
    columns = [_column(FIRST_YEAR - 1)] + [str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
    columns += [_column(LAST_YEAR + 1), _column(None)]
    used = {column for cell in counts.values() for _, column in cell}
    years = {str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)}
    columns = [c for c in dict.fromkeys(columns) if c in years or c in used]
    events, agreements = totals or (0, 0)
    lines = [
        "# Coverage",
        "",
        "<!-- Generated from the data by `sticoop generate`; do not edit by hand. -->",
        "",
        f"{pkg.title} {pkg.version}: **{events} events** and **{agreements} agreements** with "
        f"**{len(counts)} partners** (countries and international organisations).",
        "",
        "Each cell is `events / agreements` in that year (the event's start; an agreement's "
        "signing date, else its event's). A record with several partners counts for each. "
        "What is known to be missing is listed in "
        "[curation-notes.md](curation-notes.md) for each batch.",
        "",
        "| partner | " + " | ".join(columns) + " | total |",
        "|---|" + "---:|" * (len(columns) + 1),
    ]
    for partner in sorted(counts, key=lambda p: (-_total(counts[p]), p)):
        cell = counts[partner]
        row = [_cell(cell, c) for c in columns]
        lines.append(f"| {partner} | " + " | ".join(row) + f" | {_cell_total(cell)} |")
    return "\n".join(lines) + "\n"


def _column(year: int | None) -> str:
    if year is None:
        return "undated"
    if year < FIRST_YEAR:
        return f"before {FIRST_YEAR}"
    if year > LAST_YEAR:
        return f"after {LAST_YEAR}"
    return str(year)


def _cell(cell: dict[tuple[str, str], int], column: str) -> str:
    e, a = cell.get(("event", column), 0), cell.get(("agreement", column), 0)
    return f"{e} / {a}" if e or a else ""


def _total(cell: dict[tuple[str, str], int]) -> int:
    return sum(cell.values())


def _cell_total(cell: dict[tuple[str, str], int]) -> str:
    e = sum(n for (kind, _), n in cell.items() if kind == "event")
    a = sum(n for (kind, _), n in cell.items() if kind == "agreement")
    return f"{e} / {a}"
