"""Render a validation Report as text, JSON, GitHub annotations, Markdown or HTML."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable

from sticoop.validators.findings import Finding, Report
from sticoop.validators.rules import ERROR, RULES

FORMATS = ("text", "json", "github", "markdown", "html")
EXAMPLES = 5  # findings shown per table and rule in text and markdown


def render(report: Report, fmt: str, max_errors: int | None = None, strict: bool = False) -> str:
    """The report in FMT; at most MAX_ERRORS findings are listed (all are counted)."""
    renderers: dict[str, Callable[[Report, int | None, bool], str]] = {
        "text": _text,
        "json": _json,
        "github": _github,
        "markdown": _markdown,
        "html": _html,
    }
    return renderers[fmt](report, max_errors, strict)


def _html(report: Report, max_errors: int | None, strict: bool) -> str:
    from sticoop.validators.report_html import render_html

    return render_html(report, max_errors, strict)


def _where(f: Finding) -> str:
    parts = [
        f.pointer,
        f"line {f.line}" if f.line else None,
        f.column,
        f"record {f.record_id}" if f.record_id else None,
    ]
    return ", ".join(p for p in parts if p)


def _groups(report: Report) -> dict[str, dict[str, list[Finding]]]:
    groups: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in report.sorted_findings():
        groups[f.table or "(package)"][f.code].append(f)
    return groups


def _summary(report: Report, strict: bool) -> str:
    rows = sum(report.tables.values())
    verdict = "valid" if report.passed(strict) else "INVALID"
    return (
        f"{verdict}: {report.error_count:,} error(s), {report.warning_count:,} warning(s) "
        f"in {len(report.tables)} table(s), {rows:,} row(s)"
        + (" (--strict: warnings fail)" if strict and report.warning_count else "")
    )


def _text(report: Report, max_errors: int | None, strict: bool) -> str:
    lines = [f"validating {report.descriptor} (profile: {report.profile})"]
    budget = max_errors if max_errors is not None else float("inf")
    for table, codes in _groups(report).items():
        file = next(iter(codes.values()))[0].file or ""
        lines.append(f"\n{table}" + (f"  ({file})" if file else ""))
        for code, items in codes.items():
            rule = RULES[code]
            lines.append(f"  {rule.severity} {code} ×{len(items)}: {rule.summary}")
            for f in items[:EXAMPLES]:
                if budget <= 0:
                    break
                budget -= 1
                value = f" [{f.value!r}]" if f.value is not None else ""
                where = _where(f)
                lines.append(f"    {where + ': ' if where else ''}{f.message}{value}")
            if len(items) > EXAMPLES:
                lines.append(f"    … and {len(items) - EXAMPLES:,} more")
    if max_errors is not None and len(report.findings) > max_errors:
        lines.append(f"\n(listing capped by --max-errors {max_errors})")
    lines.append("\n" + _summary(report, strict))
    return "\n".join(lines)


def to_json_dict(report: Report, max_errors: int | None = None, strict: bool = False) -> dict:
    """The documented JSON shape (see docs/validation.md)."""
    findings = report.sorted_findings()
    shown = findings if max_errors is None else findings[:max_errors]
    return {
        "valid": report.passed(strict),
        "strict": strict,
        "descriptor": report.descriptor,
        "profile": report.profile,
        "error_count": report.error_count,
        "warning_count": report.warning_count,
        "counts_by_code": dict(sorted(report.counts_by_code().items())),
        "rows": report.tables,
        "findings": [f.to_dict() for f in shown],
        "findings_truncated": len(shown) < len(findings),
    }


def _json(report: Report, max_errors: int | None, strict: bool) -> str:
    return json.dumps(to_json_dict(report, max_errors, strict), ensure_ascii=False, indent=2)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(report: Report, max_errors: int | None, strict: bool) -> str:
    lines = []
    findings = report.sorted_findings()
    for f in findings if max_errors is None else findings[:max_errors]:
        level = "error" if f.severity == ERROR or strict else "warning"
        props = []
        if f.file:
            props.append(f"file={_escape_property(f.file)}")
        if f.line:
            props.append(f"line={f.line}")
        title = f.code + (f" ({f.column})" if f.column else "")
        props.append(f"title={_escape_property(title)}")
        where = f" [record {f.record_id}]" if f.record_id else ""
        value = f" value: {f.value!r}" if f.value is not None else ""
        lines.append(f"::{level} {','.join(props)}::{_escape_data(f.message + where + value)}")
    lines.append(_summary(report, strict))
    return "\n".join(lines)


def _md_cell(text: object) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def _markdown(report: Report, max_errors: int | None, strict: bool) -> str:
    icon = "✅" if report.passed(strict) else "❌"
    lines = [f"### {icon} sticoop validate: {_summary(report, strict)}", ""]
    if not report.findings:
        return "\n".join(lines)
    lines += ["| table | rule | severity | count |", "|---|---|---|---:|"]
    for table, codes in _groups(report).items():
        for code, items in codes.items():
            lines.append(f"| {table} | `{code}` | {RULES[code].severity} | {len(items):,} |")
    lines += [
        "",
        "| file | line | column | record | rule | value | message |",
        "|---|---:|---|---|---|---|---|",
    ]
    findings = report.sorted_findings()
    shown = findings if max_errors is None else findings[:max_errors]
    for f in shown:
        lines.append(
            "| "
            + " | ".join(
                _md_cell(x)
                for x in (f.file, f.line, f.column, f.record_id, f"`{f.code}`", f.value, f.message)
            )
            + " |"
        )
    if len(shown) < len(findings):
        lines.append(f"\n_{len(findings) - len(shown):,} more not listed (--max-errors)._")
    return "\n".join(lines)
