-- Who signed what: agreements with their parties and signatories, newest first.
-- Answers "which agreements did Vietnam sign on nuclear energy since 2024, and with whom?"
-- A sector matches itself and its sub-sectors (energy matches nuclear-energy).
-- @param country: partner country, ISO 3166-1 alpha-3, e.g. RUS (default: NULL = any)
-- @param sector: sector id, e.g. nuclear-energy or energy (default: NULL = any)
-- @param since: first year, e.g. 2024 (default: NULL = no limit)
-- @param until: last year (default: NULL = no limit)
SELECT
    a.signed_date,
    a.year,
    a.agreement_id,
    a.agreement_type,
    a.status,
    a.title_en,
    a.partner_countries,
    a.parties,
    a.signatories,
    a.sector_ids
FROM agreement_overview a
WHERE ($country IS NULL OR list_contains(a.partner_countries, upper($country)))
  AND ($sector IS NULL OR EXISTS (
        SELECT 1
        FROM agreement_sectors asec
        JOIN sectors s ON s.sector_id = asec.sector_id
        WHERE asec.agreement_id = a.agreement_id
          AND $sector IN (s.sector_id, s.parent_sector_id)))
  AND ($since IS NULL OR a.year >= CAST($since AS INTEGER))
  AND ($until IS NULL OR a.year <= CAST($until AS INTEGER))
ORDER BY a.signed_date DESC NULLS LAST, a.agreement_id
