"""``sticoop validate --format html``: one self-contained HTML file (inline CSS, no script).

Findings are grouped by table and rule, each with file, line, column, value and the rule's
summary; for findings on a CSV line, the offending row is shown with the bad cell marked. Rows
are read back from the CSV by physical line number in one bounded pass per file.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from sticoop.validators.findings import Finding, Report
from sticoop.validators.rules import RULES

SHOWN_PER_RULE = 50  # findings listed per table and rule (all are counted)
ROWS_PER_FILE = 500  # rows read back per file
MAX_LINE_CHARS = 4000  # a row longer than this is cut
MAX_SCAN_BYTES = 512 * 1024 * 1024  # stop reading a file after this many bytes

_TEMPLATE = Path(__file__).parent / "templates" / "report.html"


def render_html(report: Report, max_errors: int | None = None, strict: bool = False) -> str:
    """The report as one HTML page; at most MAX_ERRORS findings are listed."""
    import jinja2

    budget = max_errors if max_errors is not None else float("inf")
    root = Path(report.descriptor).parent
    grouped: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in report.sorted_findings():
        grouped[f.table or "(package)"][f.code].append(f)
    listed: list[tuple[str, str, list[Finding]]] = []
    for table, codes in grouped.items():
        for code, items in codes.items():
            take = [] if budget <= 0 else items[: int(min(SHOWN_PER_RULE, budget))]
            budget -= len(take)
            listed.append((table, code, take))
    rows = _read_rows(root, [f for _, _, items in listed for f in items])
    groups = []
    shown = {(t, c): items for t, c, items in listed}
    for n, (table, codes) in enumerate(grouped.items()):
        first = next(iter(codes.values()))[0]
        groups.append(
            {
                "table": table,
                "anchor": str(n),
                "file": first.file or "",
                "rows": report.tables.get(table, ""),
                "rules": [
                    {
                        "code": code,
                        "severity": RULES[code].severity,
                        "summary": RULES[code].summary,
                        "count": len(items),
                        "findings": [_item(f, rows) for f in shown[(table, code)]],
                    }
                    for code, items in codes.items()
                ],
            }
        )
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    passed = report.passed(strict)
    return env.from_string(_TEMPLATE.read_text(encoding="utf-8")).render(
        verdict="valid" if passed else "INVALID",
        passed=passed,
        errors=report.error_count,
        warnings=report.warning_count,
        tables=report.tables,
        rows=sum(report.tables.values()),
        descriptor=report.descriptor,
        profile=report.profile,
        strict=strict,
        groups=groups,
    )


def _item(f: Finding, rows: dict[tuple[str, int], tuple[list[str], list[str]]]) -> dict:
    row = rows.get((f.file or "", f.line or 0)) if f.file and f.line and f.line > 1 else None
    shown = None
    if row is not None:
        header, cells = row
        bad = header.index(f.column) if f.column in header else -1
        shown = {"header": header, "cells": cells, "bad": bad}
    return {
        "line": f.line,
        "column": f.column,
        "record_id": f.record_id,
        "pointer": f.pointer,
        "message": f.message,
        "value": f.value,
        "row": shown,
    }


def _inside(path: Path, root: Path) -> bool:
    try:
        resolved = path.resolve()
        return resolved.is_file() and resolved.is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


def _read_rows(
    root: Path, findings: list[Finding]
) -> dict[tuple[str, int], tuple[list[str], list[str]]]:
    """(file, line) -> (header, cells) for the findings' lines; one bounded pass per file."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for f in findings:
        if f.file and f.line and f.line > 1 and len(wanted[f.file]) < ROWS_PER_FILE:
            wanted[f.file].add(f.line)
    out: dict[tuple[str, int], tuple[list[str], list[str]]] = {}
    for name, lines in sorted(wanted.items()):
        path = Path(name)
        if not _inside(path, root):
            continue
        out.update(_rows_of(path, name, lines))
    return out


def _parse(raw: bytes) -> list[str]:
    text = raw[:MAX_LINE_CHARS].decode("utf-8", errors="replace").rstrip("\r\n")
    try:
        return next(csv.reader([text]), [])
    except csv.Error:
        return [text]


def _rows_of(path: Path, name: str, lines: set[int]) -> dict[tuple[str, int], tuple]:
    out = {}
    last = max(lines)
    read = 0
    header: list[str] = []
    try:
        with path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                read += len(raw)
                if number == 1:
                    header = _parse(raw.lstrip(b"\xef\xbb\xbf"))
                elif number in lines:
                    out[(name, number)] = (header, _parse(raw))
                if number >= last or read > MAX_SCAN_BYTES:
                    break
    except OSError:
        return {}
    return out
