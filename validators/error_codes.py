"""docs/error-codes.md, generated from the rule registry."""

from __future__ import annotations

from sticoop.validators.rules import RULES

GROUPS = {
    "package": "Descriptor",
    "file": "Files",
    "header": "Header",
    "row": "Rows",
    "cell": "Cells",
    "key": "Keys",
    "rule": "Rules across tables",
    "warning": "Warnings",
}


def render_error_codes() -> str:
    """Markdown table of every finding code, grouped as the validator checks them."""
    lines = [
        "# Finding codes",
        "",
        "<!-- Generated from validators/rules.py by `sticoop generate`; do not edit by hand. -->",
        "",
        "Every finding `sticoop validate` reports carries one of these stable codes. Errors make "
        "the package invalid (exit 1); warnings do not, unless `--strict` is given.",
        "",
    ]
    for group, title in GROUPS.items():
        rules = [r for r in RULES.values() if r.group == group]
        lines += [f"## {title}", "", "| code | severity | meaning |", "|---|---|---|"]
        lines += [f"| `{r.code}` | {r.severity} | {r.summary} |" for r in rules]
        lines.append("")
    return "\n".join(lines)
