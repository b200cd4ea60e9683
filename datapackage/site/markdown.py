"""A small Markdown-to-HTML renderer for the repository's own docs (codebook, changelog).

It knows headings, paragraphs, lists, tables, fenced code, inline code, bold, italics and
links; everything else is text. Every piece of text is escaped; only http(s) links and
relative links to ``.md`` files (mapped by LINK_MAP) become ``<a>``; HTML comments are dropped.
"""

from __future__ import annotations

import re
from html import escape

_INLINE = re.compile(r"`([^`\n]+)`|\*\*([^*\n]+)\*\*|\[([^\]\n]+)\]\(([^)\s]+)\)")
_HEADING = re.compile(r"(#{1,6}) (.*)")
_LIST = re.compile(r"\s*(?:[-*]|\d+\.) (.*)")


def safe_url(url: str, link_map: dict[str, str] | None = None) -> str | None:
    """URL if it may become a link: http(s) only, or a mapped local document; else None."""
    if url.startswith(("http://", "https://")) and not any(c in url for c in "\"'<> \\"):
        return url
    if link_map and url in link_map:
        return link_map[url]
    return None


def inline(text: str, link_map: dict[str, str] | None = None) -> str:
    out, pos = [], 0
    for m in _INLINE.finditer(text):
        out.append(escape(text[pos : m.start()]))
        code, bold, label, url = m.groups()
        if code is not None:
            out.append(f"<code>{escape(code)}</code>")
        elif bold is not None:
            out.append(f"<strong>{inline(bold, link_map)}</strong>")
        else:
            href = safe_url(url, link_map)
            label_html = inline(label, link_map)
            out.append(f'<a href="{escape(href)}">{label_html}</a>' if href else label_html)
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def render(markdown: str, link_map: dict[str, str] | None = None) -> str:
    """MARKDOWN as HTML (a fragment)."""
    text = re.sub(r"<!--.*?-->", "", markdown, flags=re.S)
    lines = text.split("\n")
    html: list[str] = []
    para: list[str] = []
    seen: dict[str, int] = {}
    i = 0

    def flush() -> None:
        if para:
            html.append("<p>" + "<br>".join(inline(p, link_map) for p in para) + "</p>")
            para.clear()

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```"):
            flush()
            block = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                block.append(lines[i])
                i += 1
            html.append("<pre><code>" + escape("\n".join(block)) + "</code></pre>")
        elif m := _HEADING.fullmatch(stripped):
            flush()
            level = len(m.group(1))
            anchor = _slug(m.group(2))
            seen[anchor] = seen.get(anchor, 0) + 1
            if seen[anchor] > 1:
                anchor = f"{anchor}-{seen[anchor]}"
            html.append(f'<h{level} id="{anchor}">{inline(m.group(2), link_map)}</h{level}>')
        elif stripped.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(lines[i].strip())
                i += 1
            html.append(_table(rows, link_map))
            continue
        elif _LIST.fullmatch(line) and not para:
            items = []
            while i < len(lines) and lines[i].strip():
                m2 = _LIST.fullmatch(lines[i])
                if m2:
                    items.append(m2.group(1))
                elif items:
                    items[-1] += " " + lines[i].strip()
                i += 1
            html.append(
                "<ul>" + "".join(f"<li>{inline(t, link_map)}</li>" for t in items) + "</ul>"
            )
            continue
        elif not stripped:
            flush()
        else:
            if para and not para[-1].endswith("  "):
                para[-1] = para[-1] + " " + stripped
            else:
                para.append(stripped)
        i += 1
    flush()
    return "\n".join(html)


def _cells(row: str) -> list[str]:
    inner = row.strip().strip("|")
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def _table(rows: list[str], link_map: dict[str, str] | None) -> str:
    if len(rows) < 2:
        return "<p>" + escape(" ".join(rows)) + "</p>"
    head, body = _cells(rows[0]), [_cells(r) for r in rows[2:]]
    out = ['<div class="scroll"><table><thead><tr>']
    out += [f"<th>{inline(c, link_map)}</th>" for c in head]
    out.append("</tr></thead><tbody>")
    for cells in body:
        out.append("<tr>" + "".join(f"<td>{inline(c, link_map)}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)
