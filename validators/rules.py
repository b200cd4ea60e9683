"""The rule registry: every check the validator runs has one stable code here.

``docs/error-codes.md`` is generated from this list (``sticoop generate``).
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    group: str
    summary: str


_RULES = [
    # descriptor and files
    Rule("descriptor-json", ERROR, "package", "datapackage.json is not valid UTF-8 JSON."),
    Rule(
        "descriptor-invalid",
        ERROR,
        "package",
        "The descriptor does not describe a usable package (resources, fields, keys).",
    ),
    Rule("file-missing", ERROR, "file", "A resource's CSV file does not exist or cannot be read."),
    Rule("file-empty", ERROR, "file", "The file is empty (0 bytes or no header row)."),
    Rule("binary-file", ERROR, "file", "The file contains NUL bytes: it is not a text CSV."),
    Rule(
        "encoding-invalid",
        ERROR,
        "file",
        "The file is not valid UTF-8 (e.g. saved as Windows-1258 or Latin-1).",
    ),
    Rule("bom", ERROR, "file", "The file starts with a UTF-8 byte-order mark."),
    Rule("line-ending", ERROR, "file", "Lines end in CR or CRLF instead of LF."),
    Rule("not-nfc", ERROR, "file", "Text is not in Unicode normalization form NFC."),
    Rule("blank-line", ERROR, "file", "The file contains a blank line."),
    Rule(
        "delimiter",
        ERROR,
        "file",
        "The file is not comma-delimited (the header splits on semicolons or tabs).",
    ),
    Rule(
        "csv-syntax", ERROR, "file", "The file is not valid RFC 4180 CSV (e.g. an unclosed quote)."
    ),
    Rule("header-missing-column", ERROR, "header", "A column of the descriptor is missing."),
    Rule("header-unknown-column", ERROR, "header", "The header has a column the descriptor lacks."),
    Rule("header-duplicate-column", ERROR, "header", "A column name appears twice in the header."),
    Rule(
        "header-order", ERROR, "header", "The header's columns are not in the descriptor's order."
    ),
    Rule("row-width", ERROR, "row", "A row has more or fewer cells than the header."),
    # cells
    Rule("required-missing", ERROR, "cell", "A required cell is empty."),
    Rule("integer-invalid", ERROR, "cell", "Not an integer."),
    Rule("boolean-invalid", ERROR, "cell", "Not a boolean (true or false)."),
    Rule(
        "date-invalid",
        ERROR,
        "cell",
        "Not a calendar-valid ISO date YYYY-MM-DD (2025-02-30 fails).",
    ),
    Rule("uri-invalid", ERROR, "cell", "Not an absolute http(s) URI."),
    Rule("enum-invalid", ERROR, "cell", "Not one of the column's allowed values."),
    Rule(
        "pattern-mismatch",
        ERROR,
        "cell",
        "Does not match the column's pattern (slug, Wikidata id, ISO3, semver, language).",
    ),
    Rule("too-long", ERROR, "cell", "Longer than the column's maxLength."),
    Rule("out-of-range", ERROR, "cell", "Below the column's minimum or above its maximum."),
    Rule("whitespace", ERROR, "cell", "Leading or trailing whitespace."),
    Rule(
        "placeholder",
        ERROR,
        "cell",
        "A placeholder string (N/A, -, unknown, ...) instead of an empty cell.",
    ),
    Rule(
        "formula-prefix",
        ERROR,
        "cell",
        "Text starts with =, +, - or @ (spreadsheet formula injection).",
    ),
    Rule(
        "control-char",
        ERROR,
        "cell",
        "A control character (tab, newline inside a quoted cell, ...) in a cell.",
    ),
    # keys
    Rule("pk-duplicate", ERROR, "key", "Two rows share the same primary key."),
    Rule("fk-missing", ERROR, "key", "A foreign key does not resolve to an existing row."),
    Rule(
        "hierarchy-cycle",
        ERROR,
        "key",
        "A self-reference chain (parent, successor, supersedes) loops back on itself.",
    ),
    # rules across tables
    Rule("end-before-start", ERROR, "rule", "An event's end_date is before its start_date."),
    Rule("valid-years-reversed", ERROR, "rule", "valid_to_year is before valid_from_year."),
    Rule(
        "signed-precision-mismatch",
        ERROR,
        "rule",
        "signed_date and signed_date_precision must be given together.",
    ),
    Rule(
        "date-precision-mismatch",
        ERROR,
        "rule",
        "A month-precision date is not the 1st, or a year-precision date not 1 January.",
    ),
    Rule(
        "country-required",
        ERROR,
        "rule",
        "A party other than an international organisation has no country_code.",
    ),
    Rule("event-no-source", ERROR, "rule", "An event cites no source."),
    Rule("agreement-no-source", ERROR, "rule", "An agreement cites no source."),
    Rule(
        "event-no-quoted-source",
        ERROR,
        "rule",
        "An event cites sources, but none of its source links has a quote.",
    ),
    Rule(
        "agreement-no-quoted-source",
        ERROR,
        "rule",
        "An agreement cites sources, but none of its source links has a quote.",
    ),
    Rule(
        "organization-has-country",
        ERROR,
        "rule",
        "An international organisation has a country_code (it must be empty).",
    ),
    Rule("event-no-vn-party", ERROR, "rule", "An event has no Vietnamese party."),
    Rule("event-no-foreign-party", ERROR, "rule", "An event has no non-Vietnamese party."),
    Rule("agreement-no-vn-party", ERROR, "rule", "An agreement has no Vietnamese party."),
    Rule("agreement-no-foreign-party", ERROR, "rule", "An agreement has no non-Vietnamese party."),
    Rule(
        "agreement-too-few-parties",
        ERROR,
        "rule",
        "An agreement has fewer than two rows with role 'party'.",
    ),
    Rule(
        "signatory-no-principal",
        ERROR,
        "rule",
        "A signatory row does not name on_behalf_of_party_id.",
    ),
    Rule(
        "signatory-principal-not-party",
        ERROR,
        "rule",
        "on_behalf_of_party_id has no row with role 'party' on the same agreement.",
    ),
    Rule("person-as-party", ERROR, "rule", "A person has role 'party' on an agreement."),
    Rule(
        "signed-outside-event",
        ERROR,
        "rule",
        "A day-precision signed_date lies outside its event's dates.",
    ),
    Rule(
        "child-event-outside-parent",
        ERROR,
        "rule",
        "A child event's dates lie outside its parent event's dates.",
    ),
    Rule("retired-id-reused", ERROR, "rule", "A retired id appears again in its table."),
    Rule(
        "retired-replacement-missing",
        ERROR,
        "rule",
        "replaced_by_id does not exist in the retired id's table.",
    ),
    # warnings
    Rule("party-unused", WARNING, "warning", "A party is used by no event or agreement."),
    Rule(
        "sector-unused",
        WARNING,
        "warning",
        "A sector is used by no event or agreement and has no sub-sector.",
    ),
    Rule("source-unused", WARNING, "warning", "A source is cited by no event or agreement."),
    Rule("event-no-sector", WARNING, "warning", "An event has no sector."),
    Rule(
        "party-inactive", WARNING, "warning", "A party attends an event after its active_to_year."
    ),
]

RULES: dict[str, Rule] = {r.code: r for r in _RULES}


def rule(code: str) -> Rule:
    """The registered rule for CODE (KeyError if unknown: every finding must be registered)."""
    return RULES[code]
