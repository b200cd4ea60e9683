"""Rules across tables (the data model's rules and warnings), as SQL over the loaded views.

Each rule names the tables it reads; it runs only when all of them loaded cleanly. Every query
returns ``tbl, line, col, rid, val, msg``. Values are compared with TRY_CAST, so a cell that
already failed its type check cannot raise a second, derived finding.
"""

from __future__ import annotations

from dataclasses import dataclass

VN = "'VNM'"
FOREIGN = (
    "(p.country_code IS NULL AND p.party_type = 'international_organization' "
    "OR p.country_code <> 'VNM')"
)


@dataclass(frozen=True)
class TableRule:
    code: str
    tables: tuple[str, ...]
    sql: str


@dataclass(frozen=True)
class Prelude:
    """A helper table computed once (when its tables loaded cleanly) and read by several rules."""

    name: str
    tables: tuple[str, ...]
    sql: str


def _party_flags(link: str, key: str, where: str) -> str:
    return f"""
        SELECT l.{key}, bool_or(p.country_code = {VN}) AS vn, bool_or({FOREIGN}) AS foreign_party
        FROM {link} l JOIN parties p ON p.party_id = l.party_id
        WHERE l.{key} IS NOT NULL {where} GROUP BY l.{key}"""


PRELUDES = [
    Prelude(
        "__event_party_flags",
        ("event_parties", "parties"),
        _party_flags("event_parties", "event_id", ""),
    ),
    Prelude(
        "__agreement_party_flags",
        ("agreement_parties", "parties"),
        _party_flags("agreement_parties", "agreement_id", "AND l.role = 'party'"),
    ),
]


def _as_date(col: str, alias: str = "") -> str:
    """SQL reading text column COL (of table ALIAS) as a DATE, NULL when it is not one."""
    return f"TRY_CAST({alias + '.' if alias else ''}{col} AS DATE)"


def _needs_link(code: str, table: str, key: str, link: str, cond: str, msg: str) -> TableRule:
    """Rows of TABLE with no row in LINK (a table or a prelude) meeting COND."""
    return TableRule(
        code,
        (table, link),
        f"""
        SELECT '{table}' AS tbl, t.__line AS line, '{key}' AS col, t.{key} AS rid,
               t.{key} AS val, '{msg}' AS msg
        FROM (SELECT * FROM {table} WHERE {key} IS NOT NULL) t
        ANTI JOIN (SELECT * FROM {link} l WHERE {cond}) l ON l.{key} = t.{key}""",
    )


def _unquoted(code: str, table: str, key: str, link: str, noun: str) -> TableRule:
    """Rows of TABLE that cite sources in LINK, none of them with a quote.

    (A row citing no source at all is the ``*-no-source`` rule's finding, not this one's.)
    """
    return TableRule(
        code,
        (table, link),
        f"""
        SELECT '{table}' AS tbl, t.__line AS line, '{key}' AS col, t.{key} AS rid,
               t.{key} AS val, 'no source link of the {noun} has a quote' AS msg
        FROM (SELECT * FROM {table} WHERE {key} IS NOT NULL) t
        SEMI JOIN (SELECT {key} FROM {link}) c ON c.{key} = t.{key}
        ANTI JOIN (SELECT {key} FROM {link} WHERE quote IS NOT NULL) q ON q.{key} = t.{key}""",
    )


RULES: list[TableRule] = [
    TableRule(
        "end-before-start",
        ("events",),
        f"""
        SELECT 'events', __line, 'end_date', event_id, end_date,
               'end_date ' || end_date || ' is before start_date ' || start_date
        FROM events WHERE {_as_date("end_date")} < {_as_date("start_date")}""",
    ),
    TableRule(
        "valid-years-reversed",
        ("agreements",),
        """
        SELECT 'agreements', __line, 'valid_to_year', agreement_id, valid_to_year,
               'valid_to_year ' || valid_to_year || ' is before valid_from_year '
               || valid_from_year
        FROM agreements
        WHERE TRY_CAST(valid_to_year AS BIGINT) < TRY_CAST(valid_from_year AS BIGINT)""",
    ),
    TableRule(
        "signed-precision-mismatch",
        ("agreements",),
        """
        SELECT 'agreements', __line, 'signed_date_precision', agreement_id,
               coalesce(signed_date_precision, signed_date),
               CASE WHEN signed_date IS NULL THEN 'signed_date_precision given without signed_date'
                    ELSE 'signed_date given without signed_date_precision' END
        FROM agreements WHERE (signed_date IS NULL) <> (signed_date_precision IS NULL)""",
    ),
    TableRule(
        "date-precision-mismatch",
        ("events", "agreements"),
        f"""
        SELECT 'events', __line, col, event_id, val,
               'a ' || date_precision || '-precision date must be the first day of its '
               || date_precision
        FROM (SELECT __line, event_id, date_precision, unnest(['start_date', 'end_date']) AS col,
                     unnest([start_date, end_date]) AS val FROM events)
        WHERE (date_precision = 'month' AND day({_as_date("val")}) <> 1)
           OR (date_precision = 'year' AND strftime({_as_date("val")}, '%m-%d') <> '01-01')
        UNION ALL
        SELECT 'agreements', __line, 'signed_date', agreement_id, signed_date,
               'a ' || signed_date_precision || '-precision date must be the first day of its '
               || signed_date_precision
        FROM agreements
        WHERE (signed_date_precision = 'month' AND day({_as_date("signed_date")}) <> 1)
           OR (signed_date_precision = 'year'
               AND strftime({_as_date("signed_date")}, '%m-%d') <> '01-01')""",
    ),
    TableRule(
        "country-required",
        ("parties",),
        """
        SELECT 'parties', __line, 'country_code', party_id, party_type,
               'a ' || party_type || ' needs a country_code'
        FROM parties
        WHERE country_code IS NULL AND party_type IS DISTINCT FROM 'international_organization'
          AND party_type IS NOT NULL""",
    ),
    _needs_link(
        "event-no-source",
        "events",
        "event_id",
        "event_sources",
        "true",
        "the event cites no source (add a row to event_sources)",
    ),
    _needs_link(
        "agreement-no-source",
        "agreements",
        "agreement_id",
        "agreement_sources",
        "true",
        "the agreement cites no source (add a row to agreement_sources)",
    ),
    _unquoted("event-no-quoted-source", "events", "event_id", "event_sources", "event"),
    _unquoted(
        "agreement-no-quoted-source", "agreements", "agreement_id", "agreement_sources", "agreement"
    ),
    TableRule(
        "organization-has-country",
        ("parties",),
        """
        SELECT 'parties', __line, 'country_code', party_id, country_code,
               'an international_organization has no country_code (leave it empty)'
        FROM parties
        WHERE party_type = 'international_organization' AND country_code IS NOT NULL""",
    ),
    _needs_link(
        "event-no-vn-party",
        "events",
        "event_id",
        "__event_party_flags",
        "l.vn",
        "no Vietnamese party (country_code VNM) takes part",
    ),
    _needs_link(
        "event-no-foreign-party",
        "events",
        "event_id",
        "__event_party_flags",
        "l.foreign_party",
        "no non-Vietnamese party takes part",
    ),
    _needs_link(
        "agreement-no-vn-party",
        "agreements",
        "agreement_id",
        "__agreement_party_flags",
        "l.vn",
        "no Vietnamese party (role party, country_code VNM)",
    ),
    _needs_link(
        "agreement-no-foreign-party",
        "agreements",
        "agreement_id",
        "__agreement_party_flags",
        "l.foreign_party",
        "no non-Vietnamese party (role party)",
    ),
    TableRule(
        "agreement-too-few-parties",
        ("agreements", "agreement_parties"),
        """
        SELECT 'agreements', a.__line, 'agreement_id', a.agreement_id,
               CAST(coalesce(n, 0) AS VARCHAR),
               'an agreement needs at least two rows with role party; it has '
               || coalesce(n, 0)
        FROM agreements a LEFT JOIN (
            SELECT agreement_id, count(*) AS n FROM agreement_parties
            WHERE role = 'party' GROUP BY agreement_id) c USING (agreement_id)
        WHERE a.agreement_id IS NOT NULL AND coalesce(n, 0) < 2""",
    ),
    TableRule(
        "signatory-no-principal",
        ("agreement_parties",),
        """
        SELECT 'agreement_parties', __line, 'on_behalf_of_party_id',
               agreement_id || '/' || party_id || '/' || role, NULL,
               'a signatory must name on_behalf_of_party_id'
        FROM agreement_parties WHERE role = 'signatory' AND on_behalf_of_party_id IS NULL""",
    ),
    TableRule(
        "signatory-principal-not-party",
        ("agreement_parties",),
        """
        SELECT 'agreement_parties', s.__line, 'on_behalf_of_party_id',
               s.agreement_id || '/' || s.party_id || '/' || s.role, s.on_behalf_of_party_id,
               'on_behalf_of_party_id must have a row with role party on the same agreement'
        FROM (SELECT * FROM agreement_parties WHERE on_behalf_of_party_id IS NOT NULL) s
        ANTI JOIN (SELECT agreement_id, party_id FROM agreement_parties WHERE role = 'party') x
             ON x.agreement_id = s.agreement_id AND x.party_id = s.on_behalf_of_party_id""",
    ),
    TableRule(
        "person-as-party",
        ("agreement_parties", "parties"),
        """
        SELECT 'agreement_parties', l.__line, 'role',
               l.agreement_id || '/' || l.party_id || '/' || l.role, l.party_id,
               'a person cannot be bound by an agreement; use role signatory or witness'
        FROM agreement_parties l JOIN parties p ON p.party_id = l.party_id
        WHERE l.role = 'party' AND p.party_type = 'person'""",
    ),
    TableRule(
        "signed-outside-event",
        ("agreements", "events"),
        f"""
        SELECT 'agreements', a.__line, 'signed_date', a.agreement_id, a.signed_date,
               'signed ' || a.signed_date || ', outside event ' || e.event_id || ' ('
               || e.start_date || ' to ' || e.end_date || ')'
        FROM agreements a JOIN events e ON e.event_id = a.event_id
        WHERE a.signed_date_precision = 'day'
          AND ({_as_date("signed_date", "a")} < {_as_date("start_date", "e")}
               OR {_as_date("signed_date", "a")} > {_as_date("end_date", "e")})""",
    ),
    TableRule(
        "child-event-outside-parent",
        ("events",),
        f"""
        SELECT 'events', c.__line, 'start_date', c.event_id,
               c.start_date || '..' || c.end_date,
               'outside parent event ' || p.event_id || ' (' || p.start_date || ' to '
               || p.end_date || ')'
        FROM events c JOIN events p ON p.event_id = c.parent_event_id
        WHERE {_as_date("start_date", "c")} < {_as_date("start_date", "p")}
           OR {_as_date("end_date", "c")} > {_as_date("end_date", "p")}""",
    ),
    TableRule(
        "party-unused",
        ("parties", "event_parties", "agreement_parties"),
        """
        SELECT 'parties', __line, 'party_id', party_id, party_id,
               'the party is used by no event, agreement or other party'
        FROM (SELECT * FROM parties WHERE party_id IS NOT NULL) t
        ANTI JOIN (SELECT DISTINCT party_id AS used FROM event_parties
                   UNION SELECT DISTINCT party_id FROM agreement_parties
                   UNION SELECT parent_party_id FROM parties
                   UNION SELECT successor_party_id FROM parties) u ON u.used = t.party_id""",
    ),
    TableRule(
        "sector-unused",
        ("sectors", "event_sectors", "agreement_sectors"),
        """
        SELECT 'sectors', __line, 'sector_id', sector_id, sector_id,
               'the sector is used by no event or agreement and has no sub-sector'
        FROM (SELECT * FROM sectors WHERE sector_id IS NOT NULL) t
        ANTI JOIN (SELECT DISTINCT sector_id AS used FROM event_sectors
                   UNION SELECT DISTINCT sector_id FROM agreement_sectors
                   UNION SELECT parent_sector_id FROM sectors) u ON u.used = t.sector_id""",
    ),
    TableRule(
        "source-unused",
        ("sources", "event_sources", "agreement_sources"),
        """
        SELECT 'sources', __line, 'source_id', source_id, source_id,
               'the source is cited by no event or agreement'
        FROM (SELECT * FROM sources WHERE source_id IS NOT NULL) t
        ANTI JOIN (SELECT DISTINCT source_id AS used FROM event_sources
                   UNION SELECT DISTINCT source_id FROM agreement_sources) u
             ON u.used = t.source_id""",
    ),
    _needs_link(
        "event-no-sector",
        "events",
        "event_id",
        "event_sectors",
        "true",
        "the event has no sector (add a row to event_sectors)",
    ),
    TableRule(
        "party-inactive",
        ("parties", "event_parties", "events"),
        f"""
        SELECT 'event_parties', l.__line, 'party_id',
               l.event_id || '/' || l.party_id || '/' || l.role, l.party_id,
               'party active until ' || p.active_to_year || ' attends an event in '
               || year({_as_date("start_date", "e")})
        FROM event_parties l JOIN parties p ON p.party_id = l.party_id
             JOIN events e ON e.event_id = l.event_id
        WHERE TRY_CAST(p.active_to_year AS BIGINT) < year({_as_date("start_date", "e")})""",
    ),
]


def retired_rules(tables: dict[str, str], view: str = "{}") -> list[TableRule]:
    """Rules on retired_ids; TABLES maps each table named in its enum to its single-column PK.

    VIEW names the relation holding a table's ids (``{}`` is the table name).
    """
    reused = " UNION ALL ".join(
        f"SELECT '{t}' AS table_name, {pk} AS id FROM {view.format(t)}" for t, pk in tables.items()
    )
    return [
        TableRule(
            "retired-id-reused",
            ("retired_ids", *tables),
            f"""
            SELECT 'retired_ids', r.__line, 'retired_id', r.table_name || '/' || r.retired_id,
                   r.retired_id, 'retired id is used again in ' || r.table_name
            FROM retired_ids r JOIN ({reused}) x
                 ON x.table_name = r.table_name AND x.id = r.retired_id""",
        ),
        TableRule(
            "retired-replacement-missing",
            ("retired_ids", *tables),
            f"""
            SELECT 'retired_ids', r.__line, 'replaced_by_id', r.table_name || '/' || r.retired_id,
                   r.replaced_by_id, 'replaced_by_id not found in ' || r.table_name
            FROM retired_ids r
            WHERE r.replaced_by_id IS NOT NULL AND r.table_name IN
                  ({", ".join(repr(t) for t in tables)})
              AND NOT EXISTS (SELECT 1 FROM ({reused}) x
                              WHERE x.table_name = r.table_name AND x.id = r.replaced_by_id)""",
        ),
    ]
