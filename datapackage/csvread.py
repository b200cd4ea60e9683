"""Strict reading of the dataset's CSVs with DuckDB: a row that does not parse is an error.

DuckDB's reader is run with errors on (``strict_mode``, no ``ignore_errors``, no
``null_padding``; see ``sticoop.ddl.read_csv_call``). Two gaps remain, closed here:

- a last line longer than DuckDB's read buffer (tens of MB of garbage appended to a file, with
  or without a final newline) is dropped without an error: ``check_tail`` refuses a file whose
  last line is longer than ``MAX_LINE`` (DuckDB refuses such lines anywhere else);
- DuckDB's error text is long and names internal options: ``csv_error`` turns it into one
  ``DataError`` naming the file, the line, the reason and a short excerpt of the line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from sticoop.errors import DataError

MAX_LINE = 2 * 1024 * 1024  # DuckDB's default max_line_size: no record may be longer
_BLOCK = 64 * 1024
_SMALL_FILE = 16 * 1024 * 1024  # scanned in plain Python up to this size (memory: ~2x)
_EXCERPT = 60
_HINT = "run 'sticoop validate' to list every problem of the file"
_LINE = re.compile(r"CSV Error on Line: (\d+)")
_ORIGINAL = re.compile(r"^Original Line: ?(.*)$", re.MULTILINE)
_FILE = re.compile(r"^\s*file = (.*)$", re.MULTILINE)
_PREFIX = re.compile(r"^[A-Za-z ]+ Error: ")


class CsvReadError(DataError):
    """A CSV file of the package cannot be read: a row does not parse (exit 1)."""

    code = "csv-unparseable"


def excerpt(text: str, limit: int = _EXCERPT) -> str:
    """TEXT on one line, cut to LIMIT characters (with an ellipsis)."""
    flat = text.replace("\r", "\\r").replace("\n", "\\n").replace("\x00", "\\0")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _count_lines(path: Path, end: int) -> int:
    """1 + the number of LF bytes in PATH before byte END (read in blocks)."""
    count = 1
    with path.open("rb") as fh:
        left = end
        while left > 0:
            block = fh.read(min(1 << 20, left))
            if not block:
                break
            count += block.count(b"\n")
            left -= len(block)
    return count


def check_lines(path: Path, shown: str | None = None, limit: int = MAX_LINE) -> None:
    """Refuse PATH if any line is longer than LIMIT bytes: DuckDB drops such a line, and
    sometimes the rows after it, without an error. One pass (in plain Python up to
    ``_SMALL_FILE`` bytes, numpy over a memory map beyond: its import costs more than a small
    file's scan), then ``check_tail`` for trailing blank lines."""
    shown = shown or str(path)
    size = path.stat().st_size
    if size > limit and _may_have_long_line(path, limit):
        found = _long_line_small(path, limit) if size <= _SMALL_FILE else _long_line(path, limit)
        if found is not None:
            index, head = found
            raise CsvReadError(
                f"{shown}, line {index + 1}: row does not parse: a line longer than "
                f'{limit:,} bytes (garbage in the file?): "{excerpt(head)}"',
                hint=_HINT,
            )
    check_tail(path, shown, limit)


def _may_have_long_line(path: Path, limit: int) -> bool:
    """False when every line of PATH is at most LIMIT bytes, proved cheaply: if each aligned
    block of LIMIT // 2 bytes holds a line break, no run without one is longer than LIMIT.
    ``find`` on a memory map stops at a block's first line break, so a normal file costs a
    page or two per block; True (then measured exactly) when some block has none."""
    import mmap

    block = max(limit // 2, 1)
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        size = len(data)
        return any(
            data.find(b"\n", start, min(start + block, size)) < 0
            for start in range(0, size - block + 1, block)
        )


def _long_line_small(path: Path, limit: int) -> tuple[int, str] | None:
    """(0-based index, first bytes) of the first line of PATH longer than LIMIT, or None."""
    data = path.read_bytes()
    lines = data.split(b"\n")
    if max(map(len, lines)) <= limit:
        return None
    index = next(i for i, line in enumerate(lines) if len(line) > limit)
    start = sum(len(line) + 1 for line in lines[:index])
    return index, data[start : start + _EXCERPT * 4].decode("utf-8", "replace")


def _long_line(path: Path, limit: int) -> tuple[int, str] | None:
    """``_long_line_small`` for a large file: one vectorised pass over a memory map."""
    import numpy as np

    size = path.stat().st_size
    data = np.memmap(path, dtype=np.uint8, mode="r")
    try:
        ends = np.flatnonzero(data == 10)
        bounds = np.concatenate(([-1], ends, [size]))
        gaps = np.diff(bounds) - 1
        too_long = np.flatnonzero(gaps > limit)
        if not too_long.size:
            return None
        index = int(too_long[0])
        start = int(bounds[index]) + 1
        return index, bytes(data[start : start + _EXCERPT * 4]).decode("utf-8", "replace")
    finally:
        del data


def check_tail(path: Path, shown: str | None = None, limit: int = MAX_LINE) -> None:
    """Refuse PATH if its last line (trailing line breaks aside) is longer than LIMIT bytes.

    Reads blocks backwards from the end until a line break is found, so a normal file costs
    one small read. Raises ``CsvReadError`` naming the line and its first bytes.
    """
    shown = shown or str(path)
    tail = b""
    with path.open("rb") as fh:
        pos = fh.seek(0, os.SEEK_END)
        while pos > 0:
            step = min(_BLOCK, pos)
            pos -= step
            fh.seek(pos)
            tail = fh.read(step) + tail
            body = tail.rstrip(b"\r\n")
            if len(tail) - len(body) > limit:
                raise CsvReadError(
                    f"{shown}: ends with more than {limit:,} bytes of blank lines",
                    hint="remove them ('sticoop fmt' does)",
                )
            cut = max(body.rfind(b"\n"), body.rfind(b"\r"))
            if cut >= 0:
                if len(body) - cut - 1 <= limit:
                    return
                start = pos + cut + 1
                break
            if len(body) > limit:
                start = _last_break_before(path, pos)
                break
        else:
            return  # the whole file is one line no longer than LIMIT (or empty)
        fh.seek(start)
        head = fh.read(_EXCERPT * 4).decode("utf-8", "replace")
    raise CsvReadError(
        f"{shown}, line {_count_lines(path, start)}: row does not parse: a line longer than "
        f'{limit:,} bytes (garbage appended to the file?): "{excerpt(head)}"',
        hint=_HINT,
    )


def _last_break_before(path: Path, end: int) -> int:
    """Offset just after the last line break before byte END (0 if none)."""
    with path.open("rb") as fh:
        pos = end
        while pos > 0:
            step = min(1 << 20, pos)
            pos -= step
            fh.seek(pos)
            block = fh.read(step)
            cut = max(block.rfind(b"\n"), block.rfind(b"\r"))
            if cut >= 0:
                return pos + cut + 1
    return 0


def long_line(path: Path, limit: int = MAX_LINE) -> int | None:
    """The number of the first line of PATH longer than LIMIT bytes, or None (one pass over
    the file in 1 MiB blocks; for error messages only)."""
    line, run = 1, 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            pieces = block.split(b"\n")
            for i, piece in enumerate(pieces):
                run += len(piece)
                if run > limit:
                    return line
                if i < len(pieces) - 1:
                    line += 1
                    run = 0
    return None


def csv_error(
    exc: BaseException,
    shown: Callable[[str], str] | None = None,
    files: list[Path] | None = None,
) -> DataError | None:
    """The ``DataError`` for a DuckDB CSV reader error EXC (None if EXC is something else).

    SHOWN maps the path DuckDB names to the one to print (default: as given). FILES are the
    files the query may have read: searched for an over-long line when DuckDB's error names
    no file (its parallel reader gives up on a line longer than its buffer).
    """
    text = str(exc)
    if "Parallel CSV Reader" in text:
        for path in files or []:
            found_line = long_line(path) if path.is_file() else None
            if found_line is not None:
                return CsvReadError(
                    f"{path}, line {found_line}: row does not parse: a line longer than "
                    f"{MAX_LINE:,} bytes",
                    hint=_HINT,
                )
        return CsvReadError(f"a CSV file has a line longer than {MAX_LINE:,} bytes", hint=_HINT)
    found = _FILE.search(text)
    if found is None or "CSV" not in text:
        return None
    named = found.group(1).strip()
    where = shown(named) if shown else named
    lines = [line.strip() for line in text.splitlines()]
    line = _LINE.search(text)
    original = _ORIGINAL.search(text)
    reason = ""
    if original:
        after = text[original.end() :].splitlines()
        reason = next((r.strip() for r in after if r.strip()), "")
    else:
        reason = _PREFIX.sub("", lines[0]) if lines else ""
    if reason.startswith("Possible") or not reason:
        reason = _PREFIX.sub("", lines[0]) if lines else "cannot parse"
    reason = _plain_reason(reason)
    located = f"{where}, line {line.group(1)}" if line else where
    value = f': "{excerpt(original.group(1))}"' if original else ""
    return CsvReadError(f"{located}: row does not parse: {reason}{value}", hint=_HINT)


_COLUMNS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def _plain_reason(reason: str) -> str:
    """DuckDB's reason in the words the rest of sticoop uses."""
    columns = _COLUMNS.search(reason)
    if columns:
        found = int(columns.group(2))
        return f"{found} cell{'s' if found != 1 else ''}, the header has {columns.group(1)}"
    if "Invalid unicode" in reason or "not utf-8" in reason:
        return "not valid UTF-8 (re-save the file as 'CSV UTF-8')"
    if "Maximum line size" in reason:
        return f"a line longer than {MAX_LINE:,} bytes"
    return reason.rstrip(".")
