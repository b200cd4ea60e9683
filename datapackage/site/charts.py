"""SVG bar charts generated at build time: stacked bars per year, with a title and a description.

The markup is built here with every text escaped; numbers are formatted, never data strings.
"""

from __future__ import annotations

from html import escape

PALETTE = (
    "#1f6f8b",
    "#e07a1f",
    "#3a9a5b",
    "#c2414b",
    "#7b5ea7",
    "#8c6d46",
    "#d46aa6",
    "#6b7b8c",
    "#b5a51f",
    "#2fb3b3",
)
OTHER_COLOUR = "#b9c2cb"
WIDTH, HEIGHT = 480, 280
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 12, 30


def stacked_bars(
    chart_id: str,
    title: str,
    desc: str,
    years: list[int],
    series: list[tuple[str, dict[int, int]]],
) -> str:
    """An accessible SVG: one bar per year, one coloured segment per series (in order)."""
    totals = {y: sum(s.get(y, 0) for _, s in series) for y in years}
    top = max(totals.values(), default=0) or 1
    step = _nice_step(top)
    top = ((top + step - 1) // step) * step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(years), 1)
    bar = min(48.0, slot * 0.7)
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]
    for tick in range(0, top + 1, step):
        y = TOP + plot_h - plot_h * tick / top
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{y + 5:.1f}" class="tick" text-anchor="end">{tick}</text>'
        )
    for i, year in enumerate(years):
        x = LEFT + slot * i + (slot - bar) / 2
        base: float = TOP + plot_h
        for j, (name, counts) in enumerate(series):
            n = counts.get(year, 0)
            if not n:
                continue
            h = plot_h * n / top
            base -= h
            colour = colour_for(j, name)
            out.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(str(year))}: {escape(name)} {n}</title></rect>'
            )
        label_x = LEFT + slot * i + slot / 2
        out.append(
            f'<text x="{label_x:.1f}" y="{HEIGHT - 8}" class="tick" text-anchor="middle">'
            f"{escape(str(year))}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def colour_for(index: int, name: str) -> str:
    """The colour of the INDEX-th series; "Other" is always grey."""
    if name == "Other" or index >= len(PALETTE):
        return OTHER_COLOUR
    return PALETTE[index]


def legend(series: list[tuple[str, dict[int, int]]]) -> list[tuple[str, str, int]]:
    """(name, colour, total) per series, for the HTML legend under a chart."""
    return [(name, colour_for(i, name), sum(c.values())) for i, (name, c) in enumerate(series)]


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if top / step <= 6:
            return step
    return max(1, top // 5)
