"""The quick pass proves a package clean only when the precise engine finds nothing at all."""

from __future__ import annotations

import shutil

import pytest
from conftest import CASES, CORPUS, REPO, build_case

from sticoop.descriptor import load_package
from sticoop.errors import DescriptorError
from sticoop.validators.engine import _duckdb, _retirable
from sticoop.validators.quick import prove_clean


def _prove(path) -> dict[str, int] | None:
    pkg = load_package(path)
    with _duckdb() as con:
        return prove_clean(con, pkg, _retirable(pkg), lambda _message: None)


@pytest.mark.parametrize("name", CASES)
def test_quick_pass_doubts_every_broken_case(tmp_path, name):
    path, meta = build_case(name, tmp_path / name)
    try:
        rows = _prove(path)
    except DescriptorError:  # validate() reports these before any pass runs
        return
    if meta["expected"]:
        assert rows is None, f"{name}: the quick pass missed {meta['expected']}"
    else:
        assert rows is not None, f"{name}: the quick pass doubted a clean package"


@pytest.mark.parametrize("name", CASES[:8])
def test_validate_gives_the_same_report_with_or_without_quick_pass(tmp_path, name):
    from sticoop.validators import validate

    path, _ = build_case(name, tmp_path / name)
    fast, precise = validate(path, quick=True), validate(path, quick=False)
    assert fast.findings == precise.findings
    assert fast.tables == precise.tables


def test_quick_pass_proves_the_bundled_dataset_clean():
    from sticoop.validators import validate

    precise = validate(None, quick=False)
    assert not precise.findings, "the bundled dataset must be clean"
    assert _prove(None) == precise.tables


def _edit(root, table: str, change) -> None:
    """Rewrite ROOT/resources/TABLE.csv with CHANGE(rows) (a list of dicts, edited in place)."""
    import csv

    path = root / "resources" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    changed = change(rows)
    rows = rows if changed is None else changed
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _set(column: str, value: str, where: tuple[str, str] | None = None):
    def change(rows):
        for row in rows:
            if where is None or row[where[0]] == where[1]:
                row[column] = value
                if where is None:
                    break

    return change


def _drop(column: str, value: str):
    return lambda rows: [r for r in rows if r[column] != value]


def _visit(column: str, value: str, code: str) -> tuple[str, object, str]:
    """A mutation setting COLUMN of the base package's event e-visit to VALUE, giving CODE."""
    return ("events", _set(column, value, ("event_id", "e-visit")), code)


# Changes aimed at the quick pass's shortcuts, and at rules the corpus has no case for.
MUTATIONS = {
    "uri-invalid": ("sources", _set("url", "ftp://example.org/a"), "uri-invalid"),
    "uri-with-space": ("sources", _set("url", "https://example.org/a b"), "uri-invalid"),
    "uri-without-host": ("sources", _set("url", "https:///a"), "uri-invalid"),
    "date-with-slashes": _visit("start_date", "2025/01/01", "date-invalid"),
    "date-five-digit-year": _visit("end_date", "12025-01-01", "date-invalid"),
    "leading-no-break-space": _visit("title_en", "\u00a0Visit", "whitespace"),
    "trailing-ideographic-space": _visit("city", "Hanoi\u3000", "whitespace"),
    "formula-prefix-at-sign": _visit("title_vi", "@Visit", "formula-prefix"),
    "years-reversed": ("agreements", _set("valid_to_year", "2020"), "valid-years-reversed"),
    "precision-missing": (
        "agreements",
        _set("signed_date_precision", ""),
        "signed-precision-mismatch",
    ),
    "no-agreement-source": ("agreement_sources", lambda rows: [], "agreement-no-source"),
    "no-event-sector": ("event_sectors", _drop("event_id", "e-visit"), "event-no-sector"),
    "sector-unused": (
        "sectors",
        lambda rows: rows + [dict(rows[0], sector_id="unused-area")],
        "sector-unused",
    ),
    "party-inactive": (
        "parties",
        _set("active_to_year", "2000", ("party_id", "rus")),
        "party-inactive",
    ),
    "no-foreign-party": ("event_parties", _drop("party_id", "rus"), "event-no-foreign-party"),
    "no-vn-party": (
        "parties",
        _set("country_code", "RUS", ("party_id", "most-vn")),
        "agreement-no-vn-party",
    ),
    "duplicate-link-key": (
        "agreement_parties",
        _set("party_id", "rosatom", ("party_id", "most-vn")),
        "pk-duplicate",
    ),
    "dangling-self-reference": (
        "events",
        _set("parent_event_id", "e-nowhere", ("event_id", "e-ceremony")),
        "fk-missing",
    ),
    "dangling-parent-party": (
        "parties",
        _set("parent_party_id", "nowhere", ("party_id", "most-vn")),
        "fk-missing",
    ),
    "fk-with-trailing-space": (
        "event_sectors",
        _set("sector_id", "energy ", ("event_id", "e-visit")),
        "whitespace",
    ),
    "fk-other-case": (
        "event_sectors",
        _set("sector_id", "Energy", ("event_id", "e-visit")),
        "fk-missing",
    ),
    "duplicate-parent-key": (
        "sources",
        lambda rows: rows + [dict(rows[0])],
        "pk-duplicate",
    ),
    "decomposed-accent": (
        "parties",
        _set("name_vi", "Nga\u0301", ("party_id", "rus")),
        "not-nfc",
    ),
    # longer than DuckDB's line buffer: read by Python instead
    "three-megabyte-cell": _visit("summary_en", "x" * 3_000_000, "too-long"),
    "control-in-free-text": _visit("summary_en", "a\x07b", "control-char"),
    # the quote's pattern [^\r\n]+ is settled by the byte scan and the line count
    "line-break-in-quote": ("event_sources", _set("quote", "a\nb"), "control-char"),
    "carriage-return-in-quote": ("event_sources", _set("quote", "a\rb"), "line-ending"),
}


def _base_package(dest):
    shutil.copytree(CORPUS / "base" / "resources", dest / "resources")
    shutil.copy(REPO / "datapackage.json", dest / "datapackage.json")
    return dest


@pytest.fixture(scope="module")
def proven_base(tmp_path_factory):
    """The base package every mutation starts from, proven clean once (not per mutation)."""
    path = _base_package(tmp_path_factory.mktemp("base") / "package")
    assert _prove(path) is not None, "the base package must be proven clean"
    return path


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_quick_pass_doubts_mutations(tmp_path, proven_base, name):
    from sticoop.validators import validate

    table, change, code = MUTATIONS[name]
    path = tmp_path / "package"
    shutil.copytree(proven_base, path)
    _edit(path, table, change)
    precise = validate(path, quick=False)
    codes = {f.code for f in precise.findings}
    assert code in codes, f"the mutation should give {code}, gave {sorted(codes)}"
    assert _prove(path) is None
    assert validate(path, quick=True).findings == precise.findings  # rechecked or not
