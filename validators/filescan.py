"""Byte-level checks of a CSV file, in bounded memory: encoding, BOM, NUL, CR, NFC, blank lines.

The scan reads the file in chunks cut at line ends, so memory stays bounded however large the
file. It records what the loader and the findings need: the header line, the number of lines,
and the first few offending lines for each problem.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sticoop.validators.quickscan import may_break_nfc

CHUNK = 16 * 1024 * 1024
MAX_LINE_BYTES = 32 * 1024 * 1024  # a longer line is refused: memory stays bounded
KEEP = 20  # offending lines kept per problem (all are counted)
BOM = b"\xef\xbb\xbf"
_BLANK = re.compile(rb"^\r?$", re.MULTILINE)
# Every byte but the control bytes (LF excepted): deleting them leaves only control bytes,
# which bytes.translate does ten times faster than a regular-expression search.
_NOT_CONTROL = bytes(b for b in range(256) if not ((b < 0x20 and b != 0x0A) or b == 0x7F))


@dataclass
class Problem:
    """Lines of one kind of problem: the count and the first ``KEEP`` line numbers."""

    count: int = 0
    lines: list[int] = field(default_factory=list)

    def add(self, line: int, n: int = 1) -> None:
        self.count += n
        if len(self.lines) < KEEP:
            self.lines.append(line)


@dataclass
class FileScan:
    size: int = 0
    bom: bool = False
    header: str | None = None
    newlines: int = 0
    ends_with_newline: bool = True
    nul_line: int | None = None
    invalid_utf8: tuple[int, str] | None = None  # (line, hex of the bad bytes)
    cr: Problem = field(default_factory=Problem)
    not_nfc: Problem = field(default_factory=Problem)
    has_control: bool = False  # a control byte other than LF somewhere (CR included)
    blank: Problem = field(default_factory=Problem)
    long_line: int | None = None  # a line longer than MAX_LINE_BYTES (reading stopped)

    @property
    def lines(self) -> int:
        """Physical lines (a last line without newline counts)."""
        return self.newlines + (0 if self.ends_with_newline or self.size == 0 else 1)

    @property
    def fatal(self) -> bool:
        return (
            self.size == 0
            or self.nul_line is not None
            or self.invalid_utf8 is not None
            or self.long_line is not None
        )


def _chunks(path: Path) -> Iterator[tuple[int, bytes | None]]:
    """Yield (first_line_number, bytes) pieces that end at a line end (except the last);
    (line, None) and stop when a line is longer than MAX_LINE_BYTES."""
    line = 1
    rest = b""
    with path.open("rb") as fh:
        while True:
            block = fh.read(CHUNK)
            if not block:
                if rest:
                    yield line, rest
                return
            block = rest + block
            cut = block.rfind(b"\n") + 1
            if cut == 0:
                if len(block) > MAX_LINE_BYTES:
                    yield line, None  # the line is too long to be read in bounded memory
                    return
                rest = block
                continue
            piece, rest = block[:cut], block[cut:]
            yield line, piece
            line += piece.count(b"\n")


def scan_file(path: Path) -> FileScan:
    """Scan PATH once. After invalid UTF-8 it only looks for NUL bytes (binary wins)."""
    scan = FileScan(size=path.stat().st_size)
    if scan.size == 0:
        return scan
    first = True
    last = b""
    for line, piece in _chunks(path):
        if piece is None:
            scan.long_line = line
            return scan
        if first:
            scan.bom = piece.startswith(BOM)
            piece = piece[len(BOM) :] if scan.bom else piece
            first = False
        if scan.invalid_utf8 is not None:
            nul = piece.find(b"\x00")
            if nul >= 0:
                scan.nul_line = _line_of(piece, line, nul)
                return scan
            continue
        if _scan_piece(scan, line, piece):
            return scan
        if piece:
            last = piece
    scan.ends_with_newline = last.endswith(b"\n")
    return scan


def _line_of(piece: bytes, start_line: int, offset: int) -> int:
    return start_line + piece.count(b"\n", 0, offset)


def _scan_piece(scan: FileScan, line: int, piece: bytes) -> bool:
    """Update SCAN with PIECE; return True on a fatal problem."""
    nul = piece.find(b"\x00")
    if nul >= 0:
        scan.nul_line = _line_of(piece, line, nul)
        return True
    try:
        text = piece.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = piece[exc.start : min(exc.end + 3, len(piece))].hex(" ")
        scan.invalid_utf8 = (_line_of(piece, line, exc.start), bad)
        return False
    if scan.header is None:
        scan.header = text.split("\n", 1)[0].rstrip("\r")
    scan.newlines += piece.count(b"\n")
    scan.has_control = scan.has_control or bool(piece.translate(None, _NOT_CONTROL))
    if b"\r" in piece:
        for m in re.finditer(rb"\r", piece):
            scan.cr.add(_line_of(piece, line, m.start()))
    if piece.startswith((b"\n", b"\r\n")) or b"\n\n" in piece or b"\n\r\n" in piece:
        for m in _BLANK.finditer(piece):
            if m.start() < len(piece):
                scan.blank.add(_line_of(piece, line, m.start()))
    # numpy rules out most text at a glance; is_normalized settles the rest.
    if not text.isascii() and may_break_nfc(piece) and not unicodedata.is_normalized("NFC", text):
        for i, row in enumerate(text.split("\n")):
            if not unicodedata.is_normalized("NFC", row):
                scan.not_nfc.add(line + i)
    return False
