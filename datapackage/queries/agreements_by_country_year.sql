-- Agreements by partner country and year.
-- How many agreements Vietnam concluded with each partner country in each year (an agreement
-- with two partner countries counts for both), with their ids.
-- @param country: partner country, ISO 3166-1 alpha-3, e.g. KOR (default: NULL = all)
-- @param since: first year (default: NULL = no limit)
-- @param until: last year (default: NULL = no limit)
SELECT
    partner_country,
    a.year,
    count(*) AS agreements,
    list(a.agreement_id ORDER BY a.agreement_id) AS agreement_ids
FROM agreement_overview a, unnest(a.partner_countries) AS u(partner_country)
WHERE ($country IS NULL OR partner_country = upper($country))
  AND ($since IS NULL OR a.year >= CAST($since AS INTEGER))
  AND ($until IS NULL OR a.year <= CAST($until AS INTEGER))
GROUP BY partner_country, a.year
ORDER BY partner_country, a.year NULLS LAST
