"""The codebook (docs/codebook.md), generated from the descriptor."""

from __future__ import annotations

from sticoop.descriptor import Field, Package, Resource


def _constraints(field: Field) -> str:
    parts = []
    if field.enum is not None:
        parts.append("one of: " + ", ".join(f"`{v}`" for v in field.enum))
    if field.pattern:
        parts.append(f"pattern `{field.pattern}`")
    if field.minimum is not None or field.maximum is not None:
        parts.append(f"range {field.minimum}..{field.maximum}")
    if field.max_length is not None:
        parts.append(f"at most {field.max_length} characters")
    if field.type == "boolean":
        parts.append("`" + "` or `".join(field.true_values + field.false_values) + "`")
    if field.format not in ("default", ""):
        parts.append(f"format {field.format}")
    return "; ".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _resource_section(res: Resource) -> list[str]:
    lines = [f"## `{res.name}` — {res.title}", "", res.description, "", f"File: `{res.path}`  "]
    lines.append("Primary key: " + ", ".join(f"`{c}`" for c in res.primary_key) + "  ")
    for fk in res.foreign_keys:
        lines.append(
            f"Foreign key: ({', '.join(fk.fields)}) → `{fk.resource}` "
            f"({', '.join(fk.ref_fields)})  "
        )
    lines += [
        "",
        "| column | type | required | constraints | description |",
        "|---|---|---|---|---|",
    ]
    for f in res.fields:
        lines.append(
            f"| `{f.name}` | {f.type} | {'yes' if f.required else ''} | "
            f"{_cell(_constraints(f))} | {_cell(f.description)} |"
        )
    return lines + [""]


def render_codebook(pkg: Package) -> str:
    """Markdown codebook: every table and column with type, required, vocabulary and meaning."""
    raw = pkg.raw
    licences = ", ".join(lic.get("name", "") for lic in raw.get("licenses", []))
    lines = [
        f"# Codebook: {pkg.title}",
        "",
        "<!-- Generated from datapackage.json by `sticoop generate`; do not edit by hand. -->",
        "",
        f"Package `{pkg.name}`, version {pkg.version}, data licence {licences}.",
        "",
        str(raw.get("description", "")),
        "",
        "Conventions: UTF-8 (NFC) CSV with LF line endings and a header row; an empty cell "
        "means unknown or not applicable; dates are ISO 8601 `YYYY-MM-DD`; ids are stable "
        "lowercase slugs, never reused (see `retired_ids`).",
        "",
        "Tables: " + ", ".join(f"`{r.name}`" for r in pkg.resources) + ".",
        "",
    ]
    for res in pkg.resources:
        lines += _resource_section(res)
    return "\n".join(lines)
