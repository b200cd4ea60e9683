-- The sources behind an event or an agreement: where each fact can be checked.
-- @param id: an event id or an agreement id, e.g. 2025-05-10-rus-kremlin-signing
SELECT
    x.kind,
    s.source_id,
    s.outlet,
    s.published_date,
    s.language,
    s.title,
    s.url,
    s.archive_url
FROM (
    SELECT 'event' AS kind, source_id FROM event_sources WHERE event_id = $id
    UNION ALL
    SELECT 'agreement', source_id FROM agreement_sources WHERE agreement_id = $id
) x
JOIN sources s ON s.source_id = x.source_id
ORDER BY s.published_date NULLS LAST, s.source_id
