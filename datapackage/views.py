"""The convenience views: SQL over the descriptor's table names, the same for tables and views.

Countries are ISO 3166-1 alpha-3 codes; a *partner* is any country other than Vietnam (VNM).
International organisations have no country: they appear in the party lists, not the country
lists. Lists are sorted; a year is the signing year, else the year of the signing event.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    name: str
    description: str
    sql: str
    requires: tuple[str, ...]  # the tables (or views) it reads


AGREEMENT_OVERVIEW = View(
    "agreement_overview",
    "One row per agreement: its event, date, year, countries, parties, signatories and sectors.",
    """
WITH party_lists AS (
    SELECT
        ap.agreement_id,
        list(DISTINCT p.country_code ORDER BY p.country_code)
            FILTER (WHERE ap.role = 'party' AND p.country_code IS NOT NULL) AS countries,
        list(DISTINCT p.country_code ORDER BY p.country_code)
            FILTER (WHERE ap.role = 'party' AND p.country_code <> 'VNM') AS partner_countries,
        list(ap.party_id ORDER BY ap.party_id) FILTER (WHERE ap.role = 'party') AS party_ids,
        list(p.name_en ORDER BY p.name_en) FILTER (WHERE ap.role = 'party') AS parties,
        list(p.name_en ORDER BY p.name_en) FILTER (WHERE ap.role = 'signatory') AS signatories
    FROM agreement_parties ap
    JOIN parties p ON p.party_id = ap.party_id
    GROUP BY ap.agreement_id
),
sector_lists AS (
    SELECT
        asec.agreement_id,
        list(asec.sector_id ORDER BY asec.sector_id) AS sector_ids,
        list(s.name_en ORDER BY s.name_en) AS sectors
    FROM agreement_sectors asec
    JOIN sectors s ON s.sector_id = asec.sector_id
    GROUP BY asec.agreement_id
)
SELECT
    a.agreement_id,
    a.agreement_type,
    a.status,
    a.title_en,
    a.signed_date,
    a.signed_date_precision,
    coalesce(year(a.signed_date), year(e.start_date)) AS year,
    a.event_id,
    e.title_en AS event_title_en,
    e.start_date AS event_start_date,
    e.city AS event_city,
    e.country_code AS event_country_code,
    coalesce(pl.countries, []) AS countries,
    coalesce(pl.partner_countries, []) AS partner_countries,
    coalesce(pl.party_ids, []) AS party_ids,
    coalesce(pl.parties, []) AS parties,
    coalesce(pl.signatories, []) AS signatories,
    coalesce(sl.sector_ids, []) AS sector_ids,
    coalesce(sl.sectors, []) AS sectors
FROM agreements a
LEFT JOIN events e ON e.event_id = a.event_id
LEFT JOIN party_lists pl ON pl.agreement_id = a.agreement_id
LEFT JOIN sector_lists sl ON sl.agreement_id = a.agreement_id
ORDER BY a.agreement_id
""",
    ("agreements", "events", "agreement_parties", "parties", "agreement_sectors", "sectors"),
)

EVENT_OVERVIEW = View(
    "event_overview",
    "One row per event: its dates, place, participants, countries, sectors and agreements.",
    """
WITH participant_lists AS (
    SELECT
        ep.event_id,
        list(DISTINCT p.country_code ORDER BY p.country_code)
            FILTER (WHERE p.country_code IS NOT NULL) AS countries,
        list(DISTINCT p.country_code ORDER BY p.country_code)
            FILTER (WHERE p.country_code <> 'VNM') AS partner_countries,
        list(DISTINCT ep.party_id ORDER BY ep.party_id) AS participant_ids,
        list(DISTINCT p.name_en ORDER BY p.name_en) AS participants
    FROM event_parties ep
    JOIN parties p ON p.party_id = ep.party_id
    GROUP BY ep.event_id
),
sector_lists AS (
    SELECT
        es.event_id,
        list(es.sector_id ORDER BY es.sector_id) AS sector_ids,
        list(s.name_en ORDER BY s.name_en) AS sectors
    FROM event_sectors es
    JOIN sectors s ON s.sector_id = es.sector_id
    GROUP BY es.event_id
),
agreement_lists AS (
    SELECT event_id, list(agreement_id ORDER BY agreement_id) AS agreement_ids
    FROM agreements
    WHERE event_id IS NOT NULL
    GROUP BY event_id
)
SELECT
    e.event_id,
    e.event_type,
    e.mode,
    e.title_en,
    e.start_date,
    e.end_date,
    e.date_precision,
    year(e.start_date) AS year,
    e.city,
    e.country_code,
    e.parent_event_id,
    coalesce(pl.countries, []) AS countries,
    coalesce(pl.partner_countries, []) AS partner_countries,
    coalesce(pl.participant_ids, []) AS participant_ids,
    coalesce(pl.participants, []) AS participants,
    coalesce(sl.sector_ids, []) AS sector_ids,
    coalesce(sl.sectors, []) AS sectors,
    coalesce(al.agreement_ids, []) AS agreement_ids
FROM events e
LEFT JOIN participant_lists pl ON pl.event_id = e.event_id
LEFT JOIN sector_lists sl ON sl.event_id = e.event_id
LEFT JOIN agreement_lists al ON al.event_id = e.event_id
ORDER BY e.start_date, e.event_id
""",
    ("events", "event_parties", "parties", "event_sectors", "sectors", "agreements"),
)

AGREEMENT_PARTY_DETAILS = View(
    "agreement_party_details",
    "One row per agreement and party role: who is bound by, signs or witnesses what, "
    "with the signer's or witness's office (as recorded on the agreement, else at its event).",
    """
SELECT
    a.agreement_id,
    a.agreement_type,
    a.title_en,
    a.signed_date,
    coalesce(year(a.signed_date), year(e.start_date)) AS year,
    ap.role,
    ap.party_id,
    p.name_en AS party_name_en,
    p.party_type,
    p.country_code,
    coalesce(ap.position_title, (
        SELECT min(ep.position_title)
        FROM event_parties ep
        WHERE ep.event_id = a.event_id AND ep.party_id = ap.party_id
    )) AS position_title,
    ap.on_behalf_of_party_id,
    ob.name_en AS on_behalf_of_name_en,
    ob.country_code AS on_behalf_of_country_code
FROM agreement_parties ap
JOIN agreements a ON a.agreement_id = ap.agreement_id
JOIN parties p ON p.party_id = ap.party_id
LEFT JOIN parties ob ON ob.party_id = ap.on_behalf_of_party_id
LEFT JOIN events e ON e.event_id = a.event_id
ORDER BY a.agreement_id, ap.role, ap.party_id
""",
    ("agreement_parties", "agreements", "parties", "events", "event_parties"),
)

COOPERATION_COUNTS = View(
    "cooperation_counts",
    "Events and agreements counted by partner country, year and sector (an item counts once "
    "in every partner country and sector it has; sector_id is NULL for untagged items).",
    """
WITH event_items AS (
    SELECT DISTINCT p.country_code AS partner_country, year(e.start_date) AS year,
        es.sector_id, e.event_id AS item_id
    FROM events e
    JOIN event_parties ep ON ep.event_id = e.event_id
    JOIN parties p ON p.party_id = ep.party_id AND p.country_code <> 'VNM'
    LEFT JOIN event_sectors es ON es.event_id = e.event_id
),
agreement_items AS (
    SELECT DISTINCT p.country_code AS partner_country,
        coalesce(year(a.signed_date), year(e.start_date)) AS year,
        asec.sector_id, a.agreement_id AS item_id
    FROM agreements a
    LEFT JOIN events e ON e.event_id = a.event_id
    JOIN agreement_parties ap ON ap.agreement_id = a.agreement_id AND ap.role = 'party'
    JOIN parties p ON p.party_id = ap.party_id AND p.country_code <> 'VNM'
    LEFT JOIN agreement_sectors asec ON asec.agreement_id = a.agreement_id
),
items AS (
    SELECT 'event' AS kind, * FROM event_items
    UNION ALL
    SELECT 'agreement' AS kind, * FROM agreement_items
)
SELECT
    i.partner_country,
    i.year,
    i.sector_id,
    coalesce(s.parent_sector_id, i.sector_id) AS top_sector_id,
    count(*) FILTER (WHERE i.kind = 'event') AS events,
    count(*) FILTER (WHERE i.kind = 'agreement') AS agreements
FROM items i
LEFT JOIN sectors s ON s.sector_id = i.sector_id
GROUP BY ALL
ORDER BY i.partner_country, i.year NULLS LAST, i.sector_id NULLS LAST
""",
    (
        "events",
        "event_parties",
        "parties",
        "event_sectors",
        "agreements",
        "agreement_parties",
        "agreement_sectors",
        "sectors",
    ),
)

VIEWS: tuple[View, ...] = (
    AGREEMENT_OVERVIEW,
    EVENT_OVERVIEW,
    AGREEMENT_PARTY_DETAILS,
    COOPERATION_COUNTS,
)
