"""Show a ``PackageDiff`` as plain text, Markdown or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator

from sticoop.diff import PackageDiff, RetiredId, TableDiff
from sticoop.diff.tables import ADDED, CHANGED, CHANGES, REMOVED, RecordChange

_SIGN = {ADDED: "+", REMOVED: "-", CHANGED: "~"}
_WIDTH = 60


def short(value: str | None, width: int = _WIDTH) -> str:
    """A cell value for display: quoted, cut to WIDTH characters, empty shown as (empty)."""
    if value is None:
        return "(empty)"
    text = value.replace("\n", " ")
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def record_label(rec: RecordChange) -> str:
    """``col=value`` pairs of the record's key."""
    return ", ".join(f"{k}={v}" for k, v in rec.key.items())


def _record_line(diff: PackageDiff, rec: RecordChange) -> str:
    line = f"{_SIGN[rec.change]} {record_label(rec)}"
    if rec.change == CHANGED:
        old, new = rec.old or {}, rec.new or {}
        parts = [f"{f}: {short(old.get(f))} -> {short(new.get(f))}" for f in rec.fields]
        line += "  " + "; ".join(parts)
    elif rec.change == REMOVED and len(rec.key) == 1:
        retired = diff.replacement(rec.table, next(iter(rec.key.values())) or "")
        if retired is not None:
            line += f"  (retired: {retired.reason or 'no reason'}"
            line += f", replaced by {retired.replaced_by})" if retired.replaced_by else ")"
    return line


def _table_records(diff: PackageDiff, table: TableDiff) -> Iterator[str]:
    for change in CHANGES:
        shown = table.records.get(change, [])
        yield from (_record_line(diff, rec) for rec in shown)
        hidden = table.counts[change] - len(shown)
        if shown and hidden > 0:
            yield f"… and {hidden} more {change}"


def _title(diff: PackageDiff) -> str:
    return f"{diff.name} {diff.old_version or '(nothing)'} -> {diff.new_version}"


def _retired_line(r: RetiredId) -> str:
    replaced = f" -> {r.replaced_by}" if r.replaced_by else " (no replacement)"
    return f"{r.table} {r.retired_id}{replaced}: {r.reason or '?'} in {r.version or '?'}"


def render_text(diff: PackageDiff) -> str:
    """A human-readable report."""
    out = [_title(diff), f"change level: {diff.required_level}", ""]
    out.append("Schema changes:" if diff.schema_changes else "Schema changes: none")
    out += [f"  [{c.level}] {c}" for c in diff.schema_changes]
    if diff.retired:
        out += ["", "Retired ids:"] + [f"  {_retired_line(r)}" for r in diff.retired]
    out += ["", "Records:", _count_table(diff)]
    for table in diff.tables:
        if table.changed_any and table.records:
            out += ["", f"{table.table}:"] + [f"  {line}" for line in _table_records(diff, table)]
    return "\n".join(out) + "\n"


def _count_table(diff: PackageDiff) -> str:
    width = max([len(t.table) for t in diff.tables] + [5])
    head = f"  {'table':<{width}} {'old':>7} {'new':>7} {'added':>7} {'removed':>7} {'changed':>7}"
    rows = [
        f"  {t.table:<{width}} {t.old_rows:>7} {t.new_rows:>7} "
        + " ".join(f"{t.counts[c]:>7}" for c in CHANGES)
        for t in diff.tables
    ]
    return "\n".join([head, *rows])


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(diff: PackageDiff) -> str:
    """A Markdown report (for release notes and pull requests)."""
    out = [f"# {_title(diff)}", "", f"Change level: **{diff.required_level}**", ""]
    out += ["## Schema changes", ""]
    out += [f"- **{c.level}** {_md_cell(str(c))}" for c in diff.schema_changes] or ["None."]
    if diff.retired:
        out += ["", "## Retired ids", ""] + [
            f"- {_md_cell(_retired_line(r))}" for r in diff.retired
        ]
    out += ["", "## Records", "", "| table | old | new | added | removed | changed |"]
    out.append("|---|---:|---:|---:|---:|---:|")
    for t in diff.tables:
        counts = " | ".join(str(t.counts[c]) for c in CHANGES)
        out.append(f"| {t.table} | {t.old_rows} | {t.new_rows} | {counts} |")
    for table in diff.tables:
        if table.changed_any and table.records:
            out += ["", f"### {table.table}", ""]
            out += [f"- `{_md_cell(line)}`" for line in _table_records(diff, table)]
    return "\n".join(out) + "\n"


def render_json(diff: PackageDiff) -> str:
    """The whole diff as JSON (UTF-8, keys in a fixed order)."""
    return json.dumps(diff.to_dict(), ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
FORMATS = tuple(RENDERERS)  # the output formats of sticoop diff
