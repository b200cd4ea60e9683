"""The canonical CSV form of a table, and ``format_package`` which rewrites files into it.

Canonical form: UTF-8 without BOM, NFC, LF line endings (also inside cells), comma separator,
RFC 4180 minimal quoting, the descriptor's column order, cells without leading or trailing
whitespace, no blank lines or all-empty rows, rows sorted by the byte order of the UTF-8
encoded primary-key tuple (ties broken by the whole row, so the result never depends on the
input's row order).

"Whitespace" is the validator's definition (``EDGE_SPACE`` of
``sticoop.validators.cell_rules``): fmt removes exactly what ``validate`` reports as
``whitespace``, nothing else (a U+0085 at a cell's edge stays, a U+FEFF goes).

Repairs are limited to what cannot change meaning. Anything ambiguous (not UTF-8, NUL bytes,
broken quoting, unknown, missing or duplicate columns, rows with the wrong number of cells) is
refused with a ``DataError`` naming the file and line; the file is then left untouched.
Before any file is read, the descriptor is checked (duplicate column or table names, keys
naming no column, paths outside the package) and every resource must be a regular file inside
the package: a FIFO, device, directory or link out of the package stops the run before
anything is written. Temporary files left by an interrupted run are removed.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sticoop.atomic import write_atomic
from sticoop.descriptor import Package, Resource
from sticoop.errors import DataError, DescriptorError
from sticoop.safefiles import display_path
from sticoop.validators.cell_rules import EDGE_SPACE

BOM = "\ufeff"
EDGE_CHARS = "".join(EDGE_SPACE)  # what a cell may not start or end with (validate's rule)
FIELD_LIMIT = 2**31 - 1  # the csv module's default (128 KiB per cell) is too small for prose
Row = list[str]


class CsvFormatError(DataError):
    """A CSV file cannot be read safely enough to rewrite it in canonical form."""

    code = "csv-unparseable"

    def __init__(
        self, path: Path | str, message: str, *, line: int | None = None, rule: str | None = None
    ) -> None:
        shown = display_path(Path(path))
        where = f"{shown}:{line}" if line is not None else shown
        tag = f" [{rule}]" if rule else ""
        super().__init__(f"{where}: {message}{tag}", hint=_HINT)
        self.path = Path(path)
        self.line = line
        self.reason = message
        self.rule = rule  # the code validate reports for the same problem (validators.rules)


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


def check_descriptor(pkg: Package) -> None:
    """Refuse a descriptor fmt cannot follow safely, before any file is touched: repeated
    table or column names, primary-key columns that do not exist, two tables in one file,
    paths that are absolute or leave the package. Raises ``DescriptorError`` (exit 1)."""
    problems: list[str] = []
    names = [res.name for res in pkg.resources]
    problems += [f"table {n!r} is described twice" for n in _repeated(names)]
    paths = [str(Path(res.path)) for res in pkg.resources]
    problems += [f"two tables share the file {p!r}" for p in _repeated(paths)]
    for res in pkg.resources:
        fields = res.field_names
        problems += [f"{res.name}: column {n!r} is described twice" for n in _repeated(fields)]
        problems += [
            f"{res.name}: primary key column {k!r} is not a column"
            for k in res.primary_key
            if k not in fields
        ]
        rel = Path(res.path)
        if rel.is_absolute() or ".." in rel.parts:
            problems.append(f"{res.name}: path {res.path!r} leaves the package")
        if res.kind != "table" or not res.dialect.is_default or res.missing_values != ("",):
            problems.append(
                f"{res.name}: fmt writes the canonical CSV form (comma, double quote, header, "
                "empty cell = missing), and this resource declares another dialect, missing "
                "values or no schema"
            )
    if problems:
        shown = display_path(pkg.descriptor_path)
        raise DescriptorError(
            f"{shown}: cannot format: " + "; ".join(problems) + " (no file was changed)",
            code="descriptor-invalid",
            path=shown,
        )


def check_files(pkg: Package) -> None:
    """Refuse the run if a resource is a FIFO, device, socket, directory or a link leading out
    of the package (``sticoop.safefiles``), before any file is read or written. Missing files
    are left to ``format_files``, which reports them per file."""
    from sticoop.safefiles import FileKind, UnreadableResource, inspect_resource

    targets: dict[str, str] = {}
    for res in pkg.resources:
        kind = inspect_resource(pkg.root, res.path)
        shown = display_path(pkg.csv_path(res.name))
        if kind not in (FileKind.FILE, FileKind.MISSING):
            raise UnreadableResource(shown, kind, hint="no file was changed")
        if kind is FileKind.FILE:
            real = os.path.realpath(pkg.csv_path(res.name))
            if real in targets:
                raise DescriptorError(
                    f"{shown}: tables {targets[real]!r} and {res.name!r} are the same file "
                    "(a link): cannot format (no file was changed)",
                    path=shown,
                )
            targets[real] = res.name


def format_files(
    pkg: Package, check: bool, on_change: Callable[[Path], None] | None = None
) -> FormatResult:
    """Bring every table's CSV into canonical form, collecting files that cannot be parsed.

    With ``check`` nothing is written. Unparseable files are left untouched. The descriptor
    and the kinds of files are checked first (``check_descriptor``, ``check_files``); without
    ``check``, temporary files left by an interrupted run are removed.
    """
    check_descriptor(pkg)
    check_files(pkg)
    if not check:
        remove_stale_temporaries(pkg)
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
            if on_change is not None:
                on_change(path)
    return result


def format_package(
    pkg: Package, check: bool, on_change: Callable[[Path], None] | None = None
) -> list[Path]:
    """Files that would change (``check``) or were rewritten, each also given to ON_CHANGE as
    soon as it is done; raise FormatProblems if any file could not be parsed (after
    processing all the others)."""
    result = format_files(pkg, check, on_change)
    if result.problems:
        raise FormatProblems(result.problems, result.changed)
    return result.changed


def read_bytes(path: Path) -> bytes:
    """Read a regular file, turning a missing, special or unreadable one into a CsvFormatError
    (a FIFO is refused, never waited on)."""
    from sticoop.safefiles import UnreadableResource, open_regular

    try:
        with os.fdopen(open_regular(path), "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        raise CsvFormatError(path, "file does not exist", rule="file-missing") from None
    except UnreadableResource as exc:
        raise CsvFormatError(
            path, f"is {exc.kind.value}, not a file", rule="file-not-regular"
        ) from None
    except OSError as exc:
        raise CsvFormatError(path, f"cannot read: {exc.strerror}") from None


def canonicalize(data: bytes, res: Resource, path: Path) -> tuple[list[str], list[Row]]:
    """Parse DATA (a CSV file's bytes) for RES and return canonical (header, rows)."""
    text = decode(data, path)
    records = parse_records(text, path)
    if not records:
        raise CsvFormatError(
            path, "file is empty: it needs at least a header row", line=1, rule="file-empty"
        )
    (header_line, raw_header), body = records[0], records[1:]
    header = [clean_cell(name) for name in raw_header]
    order = column_order(header, body, res, path, header_line)
    rows = []
    for line, raw in body:
        if len(raw) != len(header):
            raise CsvFormatError(
                path,
                f"row has {len(raw)} cells, the header has {len(header)}",
                line=line,
                rule="row-width",
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
        raise CsvFormatError(
            path,
            "contains NUL bytes: not a text CSV",
            line=_line_at(data, nul),
            rule="binary-file",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex().upper()
        raise CsvFormatError(
            path,
            f"not valid UTF-8 (byte 0x{bad}); re-save the file as 'CSV UTF-8'",
            line=_line_at(data, exc.start),
            rule="encoding-invalid",
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
        raise CsvFormatError(
            path, f"cannot parse CSV: {exc}", line=start, rule="csv-syntax"
        ) from None
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
        raise CsvFormatError(
            path,
            f"duplicate column names: {', '.join(dupes)}",
            line=line,
            rule="header-duplicate-column",
        )
    known = set(res.field_names)
    unknown = [n for i, n in enumerate(header) if n not in known and not _blank_column(body, i, n)]
    if unknown:
        shown = ", ".join(repr(n) for n in unknown)
        raise CsvFormatError(
            path,
            f"columns not in the descriptor for {res.name!r}: {shown}",
            line=line,
            rule="header-unknown-column",
        )
    missing = [n for n in res.field_names if n not in header]
    if missing:
        raise CsvFormatError(
            path,
            f"header lacks columns: {', '.join(missing)}",
            line=line,
            rule="header-missing-column",
        )
    return [header.index(n) for n in res.field_names]


def clean_cell(value: str) -> str:
    """NFC, LF-only line breaks, no leading or trailing whitespace (``EDGE_CHARS``, the
    characters ``validate`` reports at a cell's edge)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", value).strip(EDGE_CHARS)


def encode_rows(header: list[str], rows: list[Row]) -> bytes:
    """Write HEADER and ROWS as canonical CSV bytes (LF, minimal quoting, UTF-8)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def remove_stale_temporaries(pkg: Package) -> list[Path]:
    """Remove ``.<file>.*.tmp`` files that an interrupted ``atomic.write_atomic`` left beside the
    package's CSVs (only regular files, only when the process that made them is gone)."""
    removed = []
    for res in pkg.resources:
        path = pkg.csv_path(res.name)
        folder = path.parent
        if not folder.is_dir():
            continue
        prefix = f".{path.name}."
        for item in folder.glob(f".{glob_escape(path.name)}.*.tmp"):
            middle = item.name[len(prefix) : -len(".tmp")]
            pid = middle.split(".", 1)[0]
            if pid.isdigit() and "." in middle and _pid_alive(int(pid)):
                continue
            try:
                if stat.S_ISREG(os.lstat(item).st_mode):
                    item.unlink()
                    removed.append(item)
            except OSError:
                continue
    return removed


def glob_escape(name: str) -> str:
    """NAME with glob's special characters escaped."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _repeated(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        if item in seen and item not in out:
            out.append(item)
        seen.add(item)
    return out


def _blank_column(body: list[tuple[int, Row]], index: int, name: str) -> bool:
    return name == "" and all(index >= len(r) or not r[index].strip() for _, r in body)


def _utf8(cells: list[str]) -> tuple[bytes, ...]:
    return tuple(c.encode("utf-8") for c in cells)


def _line_at(data: bytes, offset: int) -> int:
    """1-based line number of byte OFFSET, counting LF, CRLF and lone CR as line breaks."""
    before = data[:offset]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
