"""The canonical CSV form of a table, and ``format_package`` which rewrites files into it.

Canonical form: UTF-8 without BOM, NFC, LF line endings (also inside cells), comma separator,
RFC 4180 minimal quoting, the descriptor's column order, cells without leading or trailing
whitespace, no blank lines or all-empty rows, rows sorted by the byte order of the UTF-8
encoded primary-key tuple (ties broken by the whole row, so the result never depends on the
input's row order).

Repairs are limited to what cannot change meaning. Anything ambiguous (not UTF-8, NUL bytes,
broken quoting, unknown, missing or duplicate columns, rows with the wrong number of cells) is
refused with a ``DataError`` naming the file and line; the file is then left untouched.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from sticoop.descriptor import Package, Resource
from sticoop.errors import DataError, EnvironmentProblem

BOM = "\ufeff"
FIELD_LIMIT = 2**31 - 1  # the csv module's default (128 KiB per cell) is too small for prose
Row = list[str]


class CsvFormatError(DataError):
    """A CSV file cannot be read safely enough to rewrite it in canonical form."""

    code = "csv-unparseable"

    def __init__(self, path: Path | str, message: str, *, line: int | None = None) -> None:
        shown = display_path(Path(path))
        where = f"{shown}:{line}" if line is not None else shown
        super().__init__(f"{where}: {message}", hint=_HINT)
        self.path = Path(path)
        self.line = line
        self.reason = message


class FormatProblems(DataError):
    """Some files of a package could not be formatted; the others were processed."""

    code = "fmt-failed"

    def __init__(self, problems: list[CsvFormatError], changed: list[Path]) -> None:
        lines = "\n".join(f"  {p.message}" for p in problems)
        noun = "file" if len(problems) == 1 else "files"
        super().__init__(
            f"cannot format {len(problems)} {noun} (left untouched):\n{lines}", hint=_HINT
        )
        self.problems = problems
        self.changed = changed


_HINT = "fix the file by hand (see CONTRIBUTING.md), then run 'sticoop fmt' again"


@dataclass
class FormatResult:
    """What ``format_files`` did: files changed (or that would change) and files refused."""

    changed: list[Path] = field(default_factory=list)
    problems: list[CsvFormatError] = field(default_factory=list)


def canonical_rows(pkg: Package, table: str) -> tuple[list[str], list[Row]]:
    """Read TABLE's CSV and return (header, rows) in canonical form (see module docstring)."""
    path = pkg.csv_path(table)
    return canonicalize(read_bytes(path), pkg.resource(table), path)


def canonical_table_bytes(pkg: Package, table: str) -> bytes:
    """The canonical bytes of TABLE's CSV: stable under any repairable formatting change."""
    header, rows = canonical_rows(pkg, table)
    return encode_rows(header, rows)


def format_files(pkg: Package, check: bool) -> FormatResult:
    """Bring every table's CSV into canonical form, collecting files that cannot be parsed.

    With ``check`` nothing is written. Unparseable files are left untouched.
    """
    result = FormatResult()
    for res in pkg.resources:
        path = pkg.csv_path(res.name)
        try:
            current = read_bytes(path)
            wanted = encode_rows(*canonicalize(current, res, path))
        except CsvFormatError as exc:
            result.problems.append(exc)
            continue
        if current != wanted:
            if not check:
                write_atomic(path, wanted)
            result.changed.append(path)
    return result


def format_package(pkg: Package, check: bool) -> list[Path]:
    """Files that would change (``check``) or were rewritten; raise FormatProblems if any
    file could not be parsed (after processing all the others)."""
    result = format_files(pkg, check)
    if result.problems:
        raise FormatProblems(result.problems, result.changed)
    return result.changed


def read_bytes(path: Path) -> bytes:
    """Read a file, turning a missing or unreadable file into a CsvFormatError."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CsvFormatError(path, "file does not exist") from None
    except OSError as exc:
        raise CsvFormatError(path, f"cannot read: {exc.strerror}") from None


def canonicalize(data: bytes, res: Resource, path: Path) -> tuple[list[str], list[Row]]:
    """Parse DATA (a CSV file's bytes) for RES and return canonical (header, rows)."""
    text = decode(data, path)
    records = parse_records(text, path)
    if not records:
        raise CsvFormatError(path, "file is empty: it needs at least a header row", line=1)
    (header_line, raw_header), body = records[0], records[1:]
    header = [clean_cell(name) for name in raw_header]
    order = column_order(header, body, res, path, header_line)
    rows = []
    for line, raw in body:
        if len(raw) != len(header):
            raise CsvFormatError(
                path, f"row has {len(raw)} cells, the header has {len(header)}", line=line
            )
        row = [clean_cell(raw[i]) for i in order]
        if any(row):
            rows.append(row)
    key_idx = [res.field_names.index(k) for k in res.primary_key]
    rows.sort(key=lambda r: (_utf8([r[i] for i in key_idx]), _utf8(r)))
    return res.field_names, rows


def decode(data: bytes, path: Path) -> str:
    """UTF-8 text of DATA without a BOM; NUL bytes and invalid UTF-8 are refused, never guessed."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise CsvFormatError(path, "contains NUL bytes: not a text CSV", line=_line_at(data, nul))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex().upper()
        raise CsvFormatError(
            path,
            f"not valid UTF-8 (byte 0x{bad}); re-save the file as 'CSV UTF-8'",
            line=_line_at(data, exc.start),
        ) from None
    return text.removeprefix(BOM)


def parse_records(text: str, path: Path) -> list[tuple[int, Row]]:
    """CSV records with the (1-based) line each starts on; blank lines are dropped.

    CR, CRLF and LF all end a record; the strict parser refuses broken quoting.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, Row]] = []
    start = 1
    previous_limit = csv.field_size_limit(FIELD_LIMIT)
    try:
        for raw in reader:
            if raw:
                records.append((start, raw))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise CsvFormatError(path, f"cannot parse CSV: {exc}", line=start) from None
    finally:
        csv.field_size_limit(previous_limit)
    return records


def column_order(
    header: list[str], body: list[tuple[int, Row]], res: Resource, path: Path, line: int
) -> list[int]:
    """Indexes of the descriptor's columns in HEADER; refuse unknown, missing or repeated ones.

    A column with an empty name whose cells are all empty (a spreadsheet artefact) is dropped.
    """
    dupes = sorted({n for n in header if header.count(n) > 1 and n})
    if dupes:
        raise CsvFormatError(path, f"duplicate column names: {', '.join(dupes)}", line=line)
    known = set(res.field_names)
    unknown = [n for i, n in enumerate(header) if n not in known and not _blank_column(body, i, n)]
    if unknown:
        shown = ", ".join(repr(n) for n in unknown)
        raise CsvFormatError(
            path, f"columns not in the descriptor for {res.name!r}: {shown}", line=line
        )
    missing = [n for n in res.field_names if n not in header]
    if missing:
        raise CsvFormatError(path, f"header lacks columns: {', '.join(missing)}", line=line)
    return [header.index(n) for n in res.field_names]


def clean_cell(value: str) -> str:
    """NFC, LF-only line breaks, no leading or trailing whitespace."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", value).strip()


def encode_rows(header: list[str], rows: list[Row]) -> bytes:
    """Write HEADER and ROWS as canonical CSV bytes (LF, minimal quoting, UTF-8)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace PATH with DATA atomically (temp file in the same directory, then os.replace).

    A symbolic link is followed: its target is replaced, the link stays.
    """
    path = path.resolve()
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise EnvironmentProblem(f"{display_path(path)}: cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise EnvironmentProblem(
                f"{display_path(path)}: cannot write: {exc.strerror}"
            ) from None
        raise


def display_path(path: Path) -> str:
    """PATH relative to the current directory when it lies below it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _blank_column(body: list[tuple[int, Row]], index: int, name: str) -> bool:
    return name == "" and all(index >= len(r) or not r[index].strip() for _, r in body)


def _utf8(cells: list[str]) -> tuple[bytes, ...]:
    return tuple(c.encode("utf-8") for c in cells)


def _line_at(data: bytes, offset: int) -> int:
    """1-based line number of byte OFFSET, counting LF, CRLF and lone CR as line breaks."""
    before = data[:offset]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
