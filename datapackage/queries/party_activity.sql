-- What one party did: its events and agreements, in date order.
-- The events it took part in and the agreements it is party to, signed or witnessed, with its
-- role and, for people, the office held at the time.
-- @param party: party id, e.g. rosatom or nguyen-manh-hung
SELECT * FROM (
    SELECT
        e.start_date AS date,
        'event' AS kind,
        e.event_id AS id,
        e.title_en,
        CAST(ep.role AS VARCHAR) AS role,
        ep.position_title,
        NULL AS on_behalf_of
    FROM event_parties ep
    JOIN events e ON e.event_id = ep.event_id
    WHERE ep.party_id = $party
    UNION ALL
    SELECT
        d.signed_date,
        'agreement',
        d.agreement_id,
        d.title_en,
        CAST(d.role AS VARCHAR),
        d.position_title,
        d.on_behalf_of_name_en
    FROM agreement_party_details d
    WHERE d.party_id = $party
)
ORDER BY date NULLS LAST, kind DESC, id, role
