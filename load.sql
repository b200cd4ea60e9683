-- Vietnam science, technology and innovation cooperation (vn-sti-cooperation): typed DuckDB views over the CSVs.
-- Generated from datapackage.json by sticoop; do not edit by hand.
-- Run from the repository root, e.g.  duckdb -cmd '.read load.sql'
-- or, in Python,  duckdb.connect().execute(open('load.sql').read())

CREATE TYPE IF NOT EXISTS sources_source_type AS ENUM ('official', 'media', 'international_organization', 'other');

CREATE TYPE IF NOT EXISTS parties_party_type AS ENUM ('country', 'government_body', 'state_enterprise', 'company', 'research_organization', 'university', 'fund', 'association', 'international_organization', 'person');

CREATE TYPE IF NOT EXISTS events_event_type AS ENUM ('state_visit', 'official_visit', 'working_visit', 'summit_talks', 'ministerial_meeting', 'joint_committee_session', 'signing_ceremony', 'site_visit', 'forum', 'press_conference');

CREATE TYPE IF NOT EXISTS events_mode AS ENUM ('in_person', 'online', 'hybrid');

CREATE TYPE IF NOT EXISTS events_date_precision AS ENUM ('day', 'month', 'year');

CREATE TYPE IF NOT EXISTS agreements_agreement_type AS ENUM ('joint_statement', 'memorandum_of_understanding', 'cooperation_agreement', 'letter_of_intent', 'programme', 'roadmap', 'protocol');

CREATE TYPE IF NOT EXISTS agreements_signed_date_precision AS ENUM ('day', 'month', 'year');

CREATE TYPE IF NOT EXISTS agreements_status AS ENUM ('signed', 'announced', 'planned', 'in_force', 'expired', 'superseded');

CREATE TYPE IF NOT EXISTS event_parties_role AS ENUM ('host', 'guest', 'head_of_delegation', 'co_chair', 'participant', 'witness');

CREATE TYPE IF NOT EXISTS agreement_parties_role AS ENUM ('party', 'signatory', 'witness');

CREATE TYPE IF NOT EXISTS retired_ids_table_name AS ENUM ('sources', 'parties', 'sectors', 'events', 'agreements');

CREATE TYPE IF NOT EXISTS retired_ids_reason AS ENUM ('merged', 'withdrawn', 'renamed');

CREATE OR REPLACE VIEW sources AS
SELECT
    source_id,
    url,
    title,
    outlet,
    CAST(published_date AS DATE) AS published_date,
    language,
    CAST(source_type AS sources_source_type) AS source_type,
    archive_url,
    CAST(retrieved_date AS DATE) AS retrieved_date
FROM read_csv(
        'resources/sources.csv',
        columns = {'source_id': 'VARCHAR', 'url': 'VARCHAR', 'title': 'VARCHAR', 'outlet': 'VARCHAR', 'published_date': 'VARCHAR', 'language': 'VARCHAR', 'source_type': 'VARCHAR', 'archive_url': 'VARCHAR', 'retrieved_date': 'VARCHAR'},
        delim = ',',
        quote = '"',
        escape = '"',
        header = true,
        auto_detect = false,
        strict_mode = true,
        null_padding = false,
        ignore_errors = false
    );

COMMENT ON VIEW sources IS 'Sources: Every article, official page or report that a record cites.';

COMMENT ON COLUMN sources.source_id IS 'Stable slug of the source, e.g. vnexpress-2025-08-11-vn-korea-sti.';

COMMENT ON COLUMN sources.url IS 'Canonical URL of the article.';

COMMENT ON COLUMN sources.title IS 'Title in the article''s language.';

COMMENT ON COLUMN sources.outlet IS 'Publisher name.';

COMMENT ON COLUMN sources.published_date IS 'Publication date, where shown.';

COMMENT ON COLUMN sources.language IS 'BCP 47 language tag of the source (vi, en, ru, ...).';

COMMENT ON COLUMN sources.source_type IS 'official: a government or agency site; media; international_organization; other.';

COMMENT ON COLUMN sources.archive_url IS 'A web-archive copy, so a citation survives the article''s removal.';

COMMENT ON COLUMN sources.retrieved_date IS 'When the source was last checked.';

CREATE OR REPLACE VIEW parties AS
SELECT
    party_id,
    CAST(party_type AS parties_party_type) AS party_type,
    name_en,
    name_vi,
    country_code,
    parent_party_id,
    wikidata_id,
    CAST(active_to_year AS INTEGER) AS active_to_year,
    successor_party_id,
    short_name
FROM read_csv(
        'resources/parties.csv',
        columns = {'party_id': 'VARCHAR', 'party_type': 'VARCHAR', 'name_en': 'VARCHAR', 'name_vi': 'VARCHAR', 'country_code': 'VARCHAR', 'parent_party_id': 'VARCHAR', 'wikidata_id': 'VARCHAR', 'active_to_year': 'VARCHAR', 'successor_party_id': 'VARCHAR', 'short_name': 'VARCHAR'},
        delim = ',',
        quote = '"',
        escape = '"',
        header = true,
        auto_detect = false,
        strict_mode = true,
        null_padding = false,
        ignore_errors = false
    );

COMMENT ON VIEW parties IS 'Parties: Countries, government bodies, enterprises, research bodies, universities, funds, associations, international organisations and people involved in cooperation.';

COMMENT ON COLUMN parties.party_id IS 'Stable slug of the party, e.g. vnm, most-vn, rosatom, to-lam.';

COMMENT ON COLUMN parties.party_type IS 'Kind of party.';

COMMENT ON COLUMN parties.name_en IS 'English name.';

COMMENT ON COLUMN parties.name_vi IS 'Vietnamese name, where one exists.';

COMMENT ON COLUMN parties.country_code IS 'ISO 3166-1 alpha-3 code of the party''s country; empty only for international organisations.';

COMMENT ON COLUMN parties.parent_party_id IS 'Organisational parent (e.g. a technopark under a state committee).';

COMMENT ON COLUMN parties.wikidata_id IS 'Wikidata item id, only where verified.';

COMMENT ON COLUMN parties.active_to_year IS 'Last year the body existed under this identity (renamed, merged, dissolved).';

COMMENT ON COLUMN parties.successor_party_id IS 'The body that took over its role (e.g. a ministry merged into another).';

COMMENT ON COLUMN parties.short_name IS 'The acronym or short name people use, e.g. MOST, MSIT, IAEA, VAST.';

CREATE OR REPLACE VIEW sectors AS
SELECT
    sector_id,
    parent_sector_id,
    name_en,
    name_vi
FROM read_csv(
        'resources/sectors.csv',
        columns = {'sector_id': 'VARCHAR', 'parent_sector_id': 'VARCHAR', 'name_en': 'VARCHAR', 'name_vi': 'VARCHAR'},
        delim = ',',
        quote = '"',
        escape = '"',
        header = true,
        auto_detect = false,
        strict_mode = true,
        null_padding = false,
        ignore_errors = false
    );

COMMENT ON VIEW sectors IS 'Sectors: Two-level vocabulary of STI fields.';

COMMENT ON COLUMN sectors.sector_id IS 'Stable slug of the sector, e.g. artificial-intelligence.';

COMMENT ON COLUMN sectors.parent_sector_id IS 'Parent sector; empty for a top-level sector.';

COMMENT ON COLUMN sectors.name_en IS 'English name.';

COMMENT ON COLUMN sectors.name_vi IS 'Vietnamese name.';

CREATE OR REPLACE VIEW events AS
SELECT
    event_id,
    CAST(event_type AS events_event_type) AS event_type,
    CAST(mode AS events_mode) AS mode,
    parent_event_id,
    title_en,
    title_vi,
    CAST(start_date AS DATE) AS start_date,
    CAST(end_date AS DATE) AS end_date,
    CAST(date_precision AS events_date_precision) AS date_precision,
    CASE WHEN date_inferred IN ('true') THEN true WHEN date_inferred IN ('false') THEN false WHEN date_inferred IS NULL THEN NULL ELSE error('events.date_inferred: not a boolean: ' || date_inferred) END AS date_inferred,
    city,
    country_code,
    summary_en,
    CASE WHEN place_inferred IN ('true') THEN true WHEN place_inferred IN ('false') THEN false WHEN place_inferred IS NULL THEN NULL ELSE error('events.place_inferred: not a boolean: ' || place_inferred) END AS place_inferred
FROM read_csv(
        'resources/events.csv',
        columns = {'event_id': 'VARCHAR', 'event_type': 'VARCHAR', 'mode': 'VARCHAR', 'parent_event_id': 'VARCHAR', 'title_en': 'VARCHAR', 'title_vi': 'VARCHAR', 'start_date': 'VARCHAR', 'end_date': 'VARCHAR', 'date_precision': 'VARCHAR', 'date_inferred': 'VARCHAR', 'city': 'VARCHAR', 'country_code': 'VARCHAR', 'summary_en': 'VARCHAR', 'place_inferred': 'VARCHAR'},
        delim = ',',
        quote = '"',
        escape = '"',
        header = true,
        auto_detect = false,
        strict_mode = true,
        null_padding = false,
        ignore_errors = false
    );

COMMENT ON VIEW events IS 'Events: Visits, talks, ministerial meetings, joint committee sessions, signing ceremonies, site visits, forums and press conferences.';

COMMENT ON COLUMN events.event_id IS 'Stable slug of the event, e.g. 2025-05-blr-state-visit.';

COMMENT ON COLUMN events.event_type IS 'Kind of event.';

COMMENT ON COLUMN events.mode IS 'How it was held; for online events country_code is the host''s country.';

COMMENT ON COLUMN events.parent_event_id IS 'The visit a talk or ceremony belongs to.';

COMMENT ON COLUMN events.title_en IS 'English title.';

COMMENT ON COLUMN events.title_vi IS 'Vietnamese title, where reported.';

COMMENT ON COLUMN events.start_date IS 'First day (see date_precision).';

COMMENT ON COLUMN events.end_date IS 'Last day; on or after start_date.';

COMMENT ON COLUMN events.date_precision IS 'Precision of start_date and end_date: day, month (first of the month) or year (1 January).';

COMMENT ON COLUMN events.date_inferred IS 'true when the year or day comes from context rather than a source''s words.';

COMMENT ON COLUMN events.city IS 'City, English name.';

COMMENT ON COLUMN events.country_code IS 'ISO 3166-1 alpha-3 code of the country where it took place.';

COMMENT ON COLUMN events.summary_en IS 'One or two sentences, in the curators'' own words.';

COMMENT ON COLUMN events.place_inferred IS 'true when city or country comes from context rather than a source''s words (a meeting placed in Vietnam because the Vietnamese ministry hosted it); false when a source states it.';

CREATE OR REPLACE VIEW agreements AS
SELECT
    agreement_id,
    CAST(agreement_type AS agreements_agreement_type) AS agreement_type,
    title_en,
    title_vi,
    event_id,
    CAST(signed_date AS DATE) AS signed_date,
    CAST(signed_date_precision AS agreements_signed_date_precision) AS signed_date_precision,
    CASE WHEN date_inferred IN ('true') THEN true WHEN date_inferred IN ('false') THEN false WHEN date_inferred IS NULL THEN NULL ELSE error('agreements.date_inferred: not a boolean: ' || date_inferred) END AS date_inferred,
    CAST(valid_from_year AS INTEGER) AS valid_from_year,
    CAST(valid_to_year AS INTEGER) AS valid_to_year,
    CAST(status AS agreements_status) AS status,
    supersedes_agreement_id,
    summary_en
FROM read_csv(
        'resources/agreements.csv',
        columns = {'agreement_id': 'VARCHAR', 'agreement_type': 'VARCHAR', 'title_en': 'VARCHAR', 'title_vi': 'VARCHAR', 'event_id': 'VARCHAR', 'signed_date': 'VARCHAR', 'signed_date_precision': 'VARCHAR', 'date_inferred': 'VARCHAR', 'valid_from_year': 'VARCHAR', 'valid_to_year': 'VARCHAR', 'status': 'VARCHAR', 'supersedes_agreement_id': 'VARCHAR', 'summary_en': 'VARCHAR'},
        delim = ',',
        quote = '"',
        escape = '"',
        header = true,
        auto_detect = false,
        strict_mode = true,
        null_padding = false,
        ignore_errors = false
    );

COMMENT ON VIEW agreements IS 'Agreements: Joint statements, memoranda, agreements, letters of intent, programmes, roadmaps and protocols.';

COMMENT ON COLUMN agreements.agreement_id IS 'Stable slug of the agreement.';

COMMENT ON COLUMN agreements.agreement_type IS 'Kind of document.';

COMMENT ON COLUMN agreements.title_en IS 'English title.';

COMMENT ON COLUMN agreements.title_vi IS 'The document''s name as reported in Vietnamese.';

COMMENT ON COLUMN agreements.event_id IS 'The event where it was signed or exchanged.';

COMMENT ON COLUMN agreements.signed_date IS 'Date of signing (see signed_date_precision).';

COMMENT ON COLUMN agreements.signed_date_precision IS 'Precision of signed_date; required when signed_date is given.';

COMMENT ON COLUMN agreements.date_inferred IS 'true when the year or day of signed_date comes from context rather than a source''s words.';

COMMENT ON COLUMN agreements.valid_from_year IS 'First year of validity, e.g. 2025 for 2025-2035.';

COMMENT ON COLUMN agreements.valid_to_year IS 'Last year of validity; on or after valid_from_year.';

COMMENT ON COLUMN agreements.status IS 'signed; announced (reported without a signing); planned; in_force; expired; superseded.';

COMMENT ON COLUMN agreements.supersedes_agreement_id IS 'The earlier agreement this one renews or replaces.';

COMMENT ON COLUMN agreements.summary_en IS 'One or two sentences, in the curators'' own words.';

CREATE OR REPLACE VIEW event_parties AS
SELECT
    event_id,
    party_id,
    CAST(role AS event_parties_role) AS role,
    position_title
FROM read_csv(
        'resources/event_parties.csv',
        columns = {'event_id': 'VARCHAR', 'party_id': 'VARCHAR', 'role': 'VARCHAR', 'position_title': 'VARCHAR'},
        delim = ',',
        quote = '"',
        escape = '"',
        header = true,
        auto_detect = false,
        strict_mode = true,
        null_padding = false,
        ignore_errors = false
    );

COMMENT ON VIEW event_parties IS 'Event parties: Who took part in an event, in which role.';

COMMENT ON COLUMN event_parties.event_id IS 'The event.';

COMMENT ON COLUMN event_parties.party_id IS 'The party taking part.';

COMMENT ON COLUMN event_parties.role IS 'Role in the event.';

COMMENT ON COLUMN event_parties.position_title IS 'For a person: the office held at that time, e.g. Minister of Science and Technology.';

CREATE OR REPLACE VIEW event_sectors AS
SELECT
    event_id,
    sector_id
FROM read_csv(
        'resources/event_sectors.csv',
        columns = {'event_id': 'VARCHAR', 'sector_id': 'VARCHAR'},
        delim = ',',
        quote = '"',
        escape = '"',
        header = true,
        auto_detect = false,
        strict_mode = true,
        null_padding = false,
        ignore_errors = false
    );

COMMENT ON VIEW event_sectors IS 'Event sectors: Sectors an event covers.';

COMMENT ON COLUMN event_sectors.event_id IS 'The event.';

COMMENT ON COLUMN event_sectors.sector_id IS 'The sector.';

CREATE OR REPLACE VIEW event_sources AS
SELECT
    event_id,
    source_id,
    quote
FROM read_csv(
        'resources/event_sources.csv',
        columns = {'event_id': 'VARCHAR', 'source_id': 'VARCHAR', 'quote': 'VARCHAR'},
        delim = ',',
        quote = '"',
        escape = '"',
        header = true,
        auto_detect = false,
        strict_mode = true,
        null_padding = false,
        ignore_errors = false
    );

COMMENT ON VIEW event_sources IS 'Event sources: Sources that report an event.';

COMMENT ON COLUMN event_sources.event_id IS 'The event.';

COMMENT ON COLUMN event_sources.source_id IS 'The source.';

COMMENT ON COLUMN event_sources.quote IS 'The passage of the source, in its own language and exact wording, that supports the record (date, parties, what happened or was signed): one or two sentences, at most 400 characters, no line break.';

CREATE OR REPLACE VIEW agreement_parties AS
SELECT
    agreement_id,
    party_id,
    CAST(role AS agreement_parties_role) AS role,
    on_behalf_of_party_id,
    position_title
FROM read_csv(
        'resources/agreement_parties.csv',
        columns = {'agreement_id': 'VARCHAR', 'party_id': 'VARCHAR', 'role': 'VARCHAR', 'on_behalf_of_party_id': 'VARCHAR', 'position_title': 'VARCHAR'},
        delim = ',',
        quote = '"',
        escape = '"',
        header = true,
        auto_detect = false,
        strict_mode = true,
        null_padding = false,
        ignore_errors = false
    );

COMMENT ON VIEW agreement_parties IS 'Agreement parties: Who is bound by, signs or witnesses an agreement.';

COMMENT ON COLUMN agreement_parties.agreement_id IS 'The agreement.';

COMMENT ON COLUMN agreement_parties.party_id IS 'The party.';

COMMENT ON COLUMN agreement_parties.role IS 'party: bound by it; signatory: signs on behalf of a party; witness.';

COMMENT ON COLUMN agreement_parties.on_behalf_of_party_id IS 'For a signatory: the party it signs for, itself a party of the agreement.';

COMMENT ON COLUMN agreement_parties.position_title IS 'For a signatory or witness: the office held at the time, e.g. Minister of Science and ICT.';

CREATE OR REPLACE VIEW agreement_sectors AS
SELECT
    agreement_id,
    sector_id
FROM read_csv(
        'resources/agreement_sectors.csv',
        columns = {'agreement_id': 'VARCHAR', 'sector_id': 'VARCHAR'},
        delim = ',',
        quote = '"',
        escape = '"',
        header = true,
        auto_detect = false,
        strict_mode = true,
        null_padding = false,
        ignore_errors = false
    );

COMMENT ON VIEW agreement_sectors IS 'Agreement sectors: Sectors an agreement covers.';

COMMENT ON COLUMN agreement_sectors.agreement_id IS 'The agreement.';

COMMENT ON COLUMN agreement_sectors.sector_id IS 'The sector.';

CREATE OR REPLACE VIEW agreement_sources AS
SELECT
    agreement_id,
    source_id,
    quote
FROM read_csv(
        'resources/agreement_sources.csv',
        columns = {'agreement_id': 'VARCHAR', 'source_id': 'VARCHAR', 'quote': 'VARCHAR'},
        delim = ',',
        quote = '"',
        escape = '"',
        header = true,
        auto_detect = false,
        strict_mode = true,
        null_padding = false,
        ignore_errors = false
    );

COMMENT ON VIEW agreement_sources IS 'Agreement sources: Sources that report an agreement.';

COMMENT ON COLUMN agreement_sources.agreement_id IS 'The agreement.';

COMMENT ON COLUMN agreement_sources.source_id IS 'The source.';

COMMENT ON COLUMN agreement_sources.quote IS 'The passage of the source, in its own language and exact wording, that supports the record (date, parties, what happened or was signed): one or two sentences, at most 400 characters, no line break.';

CREATE OR REPLACE VIEW retired_ids AS
SELECT
    CAST(table_name AS retired_ids_table_name) AS table_name,
    retired_id,
    replaced_by_id,
    retired_in_version,
    CAST(reason AS retired_ids_reason) AS reason
FROM read_csv(
        'resources/retired_ids.csv',
        columns = {'table_name': 'VARCHAR', 'retired_id': 'VARCHAR', 'replaced_by_id': 'VARCHAR', 'retired_in_version': 'VARCHAR', 'reason': 'VARCHAR'},
        delim = ',',
        quote = '"',
        escape = '"',
        header = true,
        auto_detect = false,
        strict_mode = true,
        null_padding = false,
        ignore_errors = false
    );

COMMENT ON VIEW retired_ids IS 'Retired ids: Ids withdrawn or merged away; never reused, so a stored id still resolves.';

COMMENT ON COLUMN retired_ids.table_name IS 'The table the id belonged to.';

COMMENT ON COLUMN retired_ids.retired_id IS 'The retired id.';

COMMENT ON COLUMN retired_ids.replaced_by_id IS 'The record that now holds its facts, in the same table.';

COMMENT ON COLUMN retired_ids.retired_in_version IS 'First release without it (semantic version).';

COMMENT ON COLUMN retired_ids.reason IS 'Why it was retired.';

CREATE OR REPLACE VIEW agreement_overview AS
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
ORDER BY a.agreement_id;

COMMENT ON VIEW agreement_overview IS 'One row per agreement: its event, date, year, countries, parties, signatories and sectors.';

CREATE OR REPLACE VIEW event_overview AS
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
ORDER BY e.start_date, e.event_id;

COMMENT ON VIEW event_overview IS 'One row per event: its dates, place, participants, countries, sectors and agreements.';

CREATE OR REPLACE VIEW agreement_party_details AS
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
ORDER BY a.agreement_id, ap.role, ap.party_id;

COMMENT ON VIEW agreement_party_details IS 'One row per agreement and party role: who is bound by, signs or witnesses what, with the signer''s or witness''s office (as recorded on the agreement, else at its event).';

CREATE OR REPLACE VIEW cooperation_counts AS
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
ORDER BY i.partner_country, i.year NULLS LAST, i.sector_id NULLS LAST;

COMMENT ON VIEW cooperation_counts IS 'Events and agreements counted by partner country, year and sector (an item counts once in every partner country and sector it has; sector_id is NULL for untagged items).';
