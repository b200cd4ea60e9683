"""Render query results as text tables, CSV, JSON, JSON Lines, Markdown or Parquet, and write
them to files atomically. A result is an Arrow table or, for text, the lighter ``Rows``."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sticoop.errors import UsageError

if TYPE_CHECKING:
    import pyarrow

TEXT_FORMATS = ("table", "csv", "json", "jsonl", "markdown")
_CHOICES = ", ".join(TEXT_FORMATS)
_EXTENSIONS = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".md": "markdown",
    ".txt": "table",
    ".parquet": "parquet",
}
_NUMERIC_TYPES = frozenset(
    [
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "UHUGEINT",
        "FLOAT",
        "DOUBLE",
    ]
)
_ELLIPSIS = "…"
_BATCH = 10_000  # rows fetched from DuckDB at a time


@dataclass(frozen=True)
class Rows:
    """A query result as Python rows, with the part of ``pyarrow.Table``'s interface that
    rendering uses (so text output needs no pyarrow)."""

    column_names: list[str]
    numeric: list[bool]
    rows: list[tuple[Any, ...]]
    more: bool = False  # the query returned more rows than were fetched

    @classmethod
    def from_relation(
        cls,
        relation: Any,
        limit: int | None = None,
        check: Callable[[], None] | None = None,
    ) -> Rows:
        """The rows of a DuckDB relation (which runs it), at most LIMIT of them (None or 0:
        all). With LIMIT the query itself is limited (to LIMIT + 1 rows, to learn whether there
        are more), so the rest is never computed; without, rows come in batches and CHECK is
        called after each (it raises to stop, e.g. on Ctrl-C)."""
        numeric = [str(t) in _NUMERIC_TYPES or str(t).startswith("DECIMAL") for t in relation.types]
        columns = list(relation.columns)
        more = False
        if limit:
            rows = relation.limit(limit + 1).fetchall()
            if len(rows) > limit:
                del rows[limit:]
                more = True
        else:
            rows = []
            for row in relation.iter_rows(_BATCH):
                rows.append(row)
                if check is not None and len(rows) % _BATCH == 0:
                    check()
        if check is not None:
            check()
        return cls(columns, numeric, rows, more)

    @property
    def num_rows(self) -> int:
        return len(self.rows)

    @property
    def num_columns(self) -> int:
        return len(self.column_names)

    def slice(self, offset: int = 0, length: int | None = None) -> Rows:
        end = None if length is None else offset + length
        more = self.more or (end is not None and end < len(self.rows))
        return Rows(self.column_names, self.numeric, self.rows[offset:end], more)

    def select(self, indices: list[int]) -> Rows:
        return Rows(
            [self.column_names[i] for i in indices],
            [self.numeric[i] for i in indices],
            [tuple(row[i] for i in indices) for row in self.rows],
            self.more,
        )

    def to_pylist(self) -> list[dict[str, Any]]:
        return [dict(zip(self.column_names, row, strict=True)) for row in self.rows]


_GAP = "  "
_MIN_WIDTH = 10  # a column is not squeezed below this (an ISO date fits)


def output_format(fmt: str | None, output: Path | None) -> str:
    """The format to produce: Parquet for a ``.parquet`` OUTPUT, else FMT, else one implied by
    OUTPUT's extension, else ``table``. An OUTPUT with an extension sticoop does not write
    (``.xlsx``, ...) is a UsageError listing the known ones."""
    suffix = output.suffix.lower() if output is not None else ""
    if suffix and suffix not in _EXTENSIONS:
        known = ", ".join(sorted(_EXTENSIONS))
        raise UsageError(
            f"--output {output}: sticoop does not write {suffix} files",
            hint=f"known extensions: {known} (a text format with --format goes to any of these)",
        )
    if suffix == ".parquet":
        return "parquet"
    if fmt is not None:
        if fmt not in TEXT_FORMATS:
            raise UsageError(f"unknown format {fmt!r}", hint=f"choose one of {_CHOICES}")
        return fmt
    if output is not None:
        return _EXTENSIONS.get(output.suffix.lower(), "table")
    return "table"


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _records(table: pyarrow.Table | Rows) -> list[dict[str, Any]]:
    return table.to_pylist()


def _rows(table: pyarrow.Table | Rows) -> list[tuple[Any, ...]]:
    if isinstance(table, Rows):
        return table.rows
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return list(zip(*columns, strict=True)) if columns else []


def to_json(table: pyarrow.Table | Rows) -> str:
    """A JSON array of objects; dates as ISO strings."""
    text = json.dumps(_records(table), ensure_ascii=False, indent=2, default=_json_default)
    return text + "\n"


def to_jsonl(table: pyarrow.Table | Rows) -> str:
    """One JSON object per line."""
    return "".join(
        json.dumps(r, ensure_ascii=False, default=_json_default) + "\n" for r in _records(table)
    )


def csv_cell(value: Any) -> str:
    """A value as CSV text: empty for NULL, true/false, ISO dates, JSON for lists and structs."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


def to_csv(table: pyarrow.Table | Rows) -> str:
    """RFC 4180 CSV with a header row and LF line endings."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(table.column_names)
    for row in _rows(table):
        writer.writerow([csv_cell(v) for v in row])
    return buf.getvalue()


def display_cell(value: Any) -> str:
    """A value for a human: NULL, true/false, ISO dates, ``[a, b]`` for lists, one line."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join("NULL" if v is None else display_cell(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{k}: {display_cell(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def _markdown_cell(value: Any) -> str:
    text = "" if value is None else display_cell(value)
    return text.replace("\\", "\\\\").replace("|", "\\|")


def to_markdown(table: pyarrow.Table | Rows) -> str:
    """A GitHub-flavoured Markdown table; numbers right-aligned."""
    numeric = _numeric_columns(table)
    header = "| " + " | ".join(_markdown_cell(c) for c in table.column_names) + " |"
    rule = "|" + "|".join("---:" if n else "---" for n in numeric) + "|"
    lines = [header, rule]
    for row in _rows(table):
        lines.append("| " + " | ".join(_markdown_cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def _numeric_columns(table: pyarrow.Table | Rows) -> list[bool]:
    if isinstance(table, Rows):
        return table.numeric
    import pyarrow.types as pat

    return [
        pat.is_integer(f.type) or pat.is_floating(f.type) or pat.is_decimal(f.type)
        for f in table.schema
    ]


def char_width(ch: str) -> int:
    """Terminal columns one character takes (0 for combining marks, 2 for wide ones)."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


def fit(text: str, width: int) -> str:
    """TEXT cut to WIDTH terminal columns, ending in an ellipsis when cut."""
    if text_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + _ELLIPSIS


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - text_width(text))
    return space + text if right else text + space


def column_widths(natural: list[int], total: int | None) -> list[int]:
    """Shrink the widest columns until the row (with gaps) fits TOTAL columns, if it can."""
    if total is None or not natural:
        return natural
    budget = total - len(_GAP) * (len(natural) - 1)
    if sum(natural) <= budget:
        return natural
    lo, hi = _MIN_WIDTH, max(natural)
    while lo < hi:  # largest cap whose capped widths fit the budget
        cap = (lo + hi + 1) // 2
        if sum(min(w, cap) for w in natural) <= budget:
            lo = cap
        else:
            hi = cap - 1
    widths = [min(w, lo) for w in natural]
    spare = budget - sum(widths)
    for i, w in enumerate(natural):  # hand out what is left, left to right
        if spare <= 0:
            break
        extra = min(w - widths[i], spare)
        widths[i] += extra
        spare -= extra
    return widths


def _natural_widths(table: pyarrow.Table | Rows) -> tuple[list[list[str]], list[int]]:
    cells = [[display_cell(v) for v in row] for row in _rows(table)]
    natural = [
        max([text_width(h)] + [text_width(r[i]) for r in cells])
        for i, h in enumerate(table.column_names)
    ]
    return cells, natural


def visible_columns(table: pyarrow.Table | Rows, width: int | None) -> int:
    """How many leading columns of TABLE fit in WIDTH with each at least ``_MIN_WIDTH`` wide
    (or its natural width when narrower); at least one."""
    if width is None:
        return table.num_columns
    _, natural = _natural_widths(table)
    used, count = 0, 0
    for w in natural:
        need = min(w, _MIN_WIDTH) + (len(_GAP) if count else 0)
        if count and used + need > width:
            break
        used += need
        count += 1
    return count


def to_table(table: pyarrow.Table | Rows, width: int | None = None) -> str:
    """An aligned text table, at most WIDTH terminal columns wide (None: no limit)."""
    headers = table.column_names
    cells, natural = _natural_widths(table)
    widths = column_widths(natural, width)
    numeric = _numeric_columns(table)
    lines = [
        _GAP.join(_pad(fit(h, w), w, n) for h, w, n in zip(headers, widths, numeric, strict=True)),
        _GAP.join("-" * w for w in widths),
    ]
    for row in cells:
        lines.append(
            _GAP.join(_pad(fit(c, w), w, n) for c, w, n in zip(row, widths, numeric, strict=True))
        )
    return "\n".join(line.rstrip() for line in lines) + "\n"


def render(table: pyarrow.Table | Rows, fmt: str, *, width: int | None = None) -> str:
    """TABLE as text in FMT (one of ``TEXT_FORMATS``)."""
    if fmt == "table":
        return to_table(table, width)
    if fmt == "csv":
        return to_csv(table)
    if fmt == "json":
        return to_json(table)
    if fmt == "jsonl":
        return to_jsonl(table)
    if fmt == "markdown":
        return to_markdown(table)
    raise UsageError(f"unknown format {fmt!r}", hint=f"choose one of {_CHOICES}")


def write_output(table: pyarrow.Table | Rows, path: Path, fmt: str) -> None:
    """Write TABLE to PATH in FMT (a text format, or ``parquet`` from an Arrow table),
    atomically."""
    from sticoop.atomic import atomic_path

    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise UsageError(f"{path}: directory {directory} does not exist")
    with atomic_path(path) as tmp:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            pq.write_table(table, tmp)
        else:
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                fh.write(render(table, fmt))
