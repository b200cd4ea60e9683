"""The delta file: every record added, removed or changed since the previous release.

JSON Lines, one change per line, tables in descriptor order (tables dropped since the previous
release last), records in primary-key order. Each line is an object with the keys ``table``,
``change`` (added, removed, changed), ``key`` (the primary key's columns), ``fields`` (the
changed columns, for ``changed``), ``old`` and ``new`` (whole records as text, empty cells as
null; ``old`` is null for added records, ``new`` for removed ones).
"""

from __future__ import annotations

import json
from pathlib import Path

from sticoop.errors import EnvironmentProblem
from sticoop.release.files import atomic_output
from sticoop.release.table_diff import DiffEngine


def write_delta(engine: DiffEngine, path: Path) -> int:
    """Write every change the engine found to PATH (atomically); return the number of lines."""
    count = 0
    try:
        with atomic_output(path) as fh:
            for pair in engine.pairs:
                for rec in engine.iter_records(pair.name):
                    line = json.dumps(rec.to_dict(), ensure_ascii=False, separators=(",", ":"))
                    fh.write(line.encode("utf-8") + b"\n")
                    count += 1
    except OSError as exc:
        raise EnvironmentProblem(f"cannot write {path}: {exc.strerror}") from None
    return count
