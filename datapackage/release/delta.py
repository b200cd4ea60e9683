"""The delta file: every record added, removed or changed since the previous release.

JSON Lines, one change per line, tables in descriptor order (tables dropped since the previous
release last), records in primary-key order. Each line is an object with the keys ``table``,
``change`` (added, removed, changed), ``key`` (the primary key's columns), ``fields`` (the
changed columns, for ``changed``), ``old`` and ``new`` (whole records as text, empty cells as
null; ``old`` is null for added records, ``new`` for removed ones).

The lines are built by DuckDB (``DiffEngine.delta_lines``) and written batch by batch, so the
file never passes through Python objects or memory as a whole.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from sticoop.atomic import atomic_output
from sticoop.diff.tables import DiffEngine
from sticoop.release.files import FILE_MODE, arrow_bytes

if TYPE_CHECKING:
    import pyarrow as pa


class Written(NamedTuple):
    """What ``write_delta`` wrote: the number of lines and the file's SHA-256."""

    lines: int
    sha256: str


class _Output:
    """The open delta file with its line count and running SHA-256, which can be rewound to
    the last mark (when a table's lines must be written again, sorted)."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.lines = 0
        self.digest = hashlib.sha256()
        self.mark()

    def mark(self) -> None:
        self._mark = (self.fh.tell(), self.lines, self.digest.copy())

    def rewind(self) -> None:
        offset, self.lines, digest = self._mark
        self.digest = digest.copy()
        self.fh.seek(offset)
        self.fh.truncate()

    def write(self, lines: pa.Array) -> None:
        data = arrow_bytes(lines)
        self.fh.write(data)
        self.digest.update(data)
        self.lines += len(lines)


def write_delta(engine: DiffEngine, path: Path) -> Written:
    """Write every change the engine found to PATH (atomically)."""
    with atomic_output(path, mode=FILE_MODE, make_parents=True) as fh:
        out = _Output(fh)
        for pair in engine.pairs:
            out.mark()
            for lines in engine.delta_lines(pair.name, out.rewind):
                out.write(lines)
    return Written(out.lines, out.digest.hexdigest())
