-- Sector trends: events and agreements per top-level sector and year.
-- Each event or agreement counts once per top-level sector it touches (through any of its
-- sectors or their sub-sectors). Pass a top-level sector to break it down into its sub-sectors.
-- @param sector: top-level sector id to break down, e.g. energy (default: NULL = all top-level)
-- @param since: first year (default: NULL = no limit)
-- @param until: last year (default: NULL = no limit)
WITH tagged AS (
    SELECT 'event' AS kind, e.event_id AS item_id, year(e.start_date) AS year, es.sector_id
    FROM events e
    JOIN event_sectors es ON es.event_id = e.event_id
    UNION ALL
    SELECT 'agreement', a.agreement_id, a.year, asec.sector_id
    FROM agreement_overview a
    JOIN agreement_sectors asec ON asec.agreement_id = a.agreement_id
),
grouped AS (
    SELECT
        t.kind,
        t.item_id,
        t.year,
        CASE WHEN $sector IS NULL THEN coalesce(s.parent_sector_id, s.sector_id)
             ELSE s.sector_id END AS sector_id
    FROM tagged t
    JOIN sectors s ON s.sector_id = t.sector_id
    WHERE $sector IS NULL OR $sector IN (s.sector_id, s.parent_sector_id)
)
SELECT
    g.sector_id,
    s.name_en AS sector,
    g.year,
    count(DISTINCT g.item_id) FILTER (WHERE g.kind = 'event') AS events,
    count(DISTINCT g.item_id) FILTER (WHERE g.kind = 'agreement') AS agreements
FROM grouped g
JOIN sectors s ON s.sector_id = g.sector_id
WHERE ($since IS NULL OR g.year >= CAST($since AS INTEGER))
  AND ($until IS NULL OR g.year <= CAST($until AS INTEGER))
GROUP BY g.sector_id, s.name_en, g.year
ORDER BY g.sector_id, g.year NULLS LAST
