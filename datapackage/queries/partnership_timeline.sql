-- Timeline of a partnership: every event and agreement with one partner country, in order.
-- Events count when a participant is from that country; agreements when a party is.
-- @param country: partner country, ISO 3166-1 alpha-3, e.g. BLR
-- @param since: first year (default: NULL = no limit)
SELECT * FROM (
    SELECT
        e.start_date AS date,
        'event' AS kind,
        e.event_id AS id,
        CAST(e.event_type AS VARCHAR) AS type,
        e.title_en,
        e.city,
        e.sector_ids
    FROM event_overview e
    WHERE list_contains(e.countries, upper($country))
    UNION ALL
    SELECT
        coalesce(a.signed_date, a.event_start_date) AS date,
        'agreement' AS kind,
        a.agreement_id AS id,
        CAST(a.agreement_type AS VARCHAR) AS type,
        a.title_en,
        a.event_city AS city,
        a.sector_ids
    FROM agreement_overview a
    WHERE list_contains(a.countries, upper($country))
)
WHERE $since IS NULL OR year(date) >= CAST($since AS INTEGER)
ORDER BY date NULLS LAST, kind DESC, id
