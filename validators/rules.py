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
    Rule(
        "descriptor-limit",
        ERROR,
        "package",
        "The descriptor is too large, too deeply nested or holds an oversized number.",
    ),
    Rule(
        "descriptor-pattern",
        ERROR,
        "package",
        "A pattern is not a regular expression RE2 accepts (no backreferences, no look-around).",
    ),
    Rule(
        "descriptor-unsupported",
        ERROR,
        "package",
        "The descriptor uses a Data Package feature sticoop does not read yet (named in the "
        "message).",
    ),
    Rule(
        "file-missing",
        ERROR,
        "file",
        "A resource's file does not exist or cannot be read (a Parquet table: not as Parquet).",
    ),
    Rule(
        "file-not-regular",
        ERROR,
        "file",
        "A resource path is a directory, FIFO, device, socket, broken link or a link out of the "
        "package: never opened.",
    ),
    Rule("file-empty", ERROR, "file", "The file is empty (0 bytes or no header row)."),
    Rule("bytes-mismatch", ERROR, "file", "The file's size differs from the declared bytes."),
    Rule("hash-mismatch", ERROR, "file", "The file's hash differs from the declared hash."),
    Rule("binary-file", ERROR, "file", "The file contains NUL bytes: it is not a text CSV."),
    Rule(
        "line-too-long",
        ERROR,
        "file",
        "A line is longer than 32 MiB, the most sticoop reads in bounded memory.",
    ),
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
    Rule("header-too-wide", ERROR, "header", "The header has more columns than sticoop reads."),
    Rule("row-width", ERROR, "row", "A row has more or fewer cells than the header."),
    Rule("blank-row", ERROR, "row", "Every cell of the row is empty (missing)."),
    # cells
    Rule("required-missing", ERROR, "cell", "A required cell is empty."),
    Rule("integer-invalid", ERROR, "cell", "Not an integer."),
    Rule("boolean-invalid", ERROR, "cell", "Not a boolean (true or false)."),
    Rule(
        "date-invalid",
        ERROR,
        "cell",
        "Not a calendar date: YYYY-MM-DD (or the declared format) naming a day that exists.",
    ),
    Rule(
        "uri-invalid",
        ERROR,
        "cell",
        "Not an absolute URI (house profile: http or https only).",
    ),
    Rule("enum-invalid", ERROR, "cell", "Not one of the column's allowed values."),
    Rule(
        "pattern-mismatch",
        ERROR,
        "cell",
        "Does not match the column's pattern (slug, Wikidata id, ISO3, semver, language).",
    ),
    Rule("number-invalid", ERROR, "cell", "Not a number (decimalChar, groupChar as declared)."),
    Rule("string-invalid", ERROR, "cell", "Not a string."),
    Rule("time-invalid", ERROR, "cell", "Not a time (hh:mm:ss, or the declared format)."),
    Rule(
        "datetime-invalid",
        ERROR,
        "cell",
        "Not a datetime (YYYY-MM-DDThh:mm:ss with optional zone, or the declared format).",
    ),
    Rule("year-invalid", ERROR, "cell", "Not a four-digit year."),
    Rule("yearmonth-invalid", ERROR, "cell", "Not a year and month YYYY-MM."),
    Rule("duration-invalid", ERROR, "cell", "Not an ISO 8601 duration (P1Y2M3DT4H5M6S)."),
    Rule("geopoint-invalid", ERROR, "cell", "Not a geographic point (lon, lat in range)."),
    Rule("geojson-invalid", ERROR, "cell", "Not a GeoJSON (or TopoJSON) object."),
    Rule("object-invalid", ERROR, "cell", "Not a JSON object."),
    Rule("array-invalid", ERROR, "cell", "Not a JSON array."),
    Rule("email-invalid", ERROR, "cell", "Not an email address."),
    Rule("uuid-invalid", ERROR, "cell", "Not a UUID."),
    Rule("binary-invalid", ERROR, "cell", "Not base64-encoded binary data."),
    Rule("too-short", ERROR, "cell", "Shorter than the column's minLength."),
    Rule("too-long", ERROR, "cell", "Longer than the column's maxLength."),
    Rule(
        "out-of-range",
        ERROR,
        "cell",
        "Below the column's minimum (or exclusiveMinimum) or above its maximum "
        "(or exclusiveMaximum).",
    ),
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
    Rule("unique-duplicate", ERROR, "key", "A value repeats in a column declared unique."),
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
