"""``datapackage.lock.json``: what ``sticoop download URL`` fetched (URL, size, SHA-256, date
of every file, and of the descriptor or zip it started from), read back by ``--verify``.

The lock is read as untrusted input: its size is bounded, its shape checked, and every path
must be a plain relative path of safe names before anything under the folder is opened.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from sticoop.errors import UsageError

LOCK = "datapackage.lock.json"
LOCK_VERSION = 1
MAX_LOCK = 16 << 20


def relative_path_problem(path: str) -> str | None:
    """Why a relative resource PATH would leave the package (None when it stays inside)."""
    parts = PurePosixPath(path).parts
    if path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", path) or "\\" in path:
        return "is absolute or uses backslashes"
    if ".." in parts or ".." in PurePosixPath(unquote(path)).parts or "\x00" in path:
        return "leaves the package ('..')"
    if any(ord(c) < 32 for c in path) or "?" in path or "#" in path:
        return "has control characters, '?' or '#'"
    return None


@dataclass(frozen=True)
class LockEntry:
    """One file as ``datapackage.lock.json`` records it."""

    path: str
    url: str
    bytes: int
    sha256: str
    date: str
    declared: str | None = None

    def as_json(self) -> dict[str, Any]:
        entry = {"path": self.path, "url": self.url, "bytes": self.bytes, "sha256": self.sha256}
        return {**entry, "date": self.date, "declared_hash": self.declared}


def read_lock(folder: Path) -> list[LockEntry]:
    """The files of FOLDER's ``datapackage.lock.json``; UsageError when it has none."""
    return read_lock_source(folder)[1]


def _entry(e: dict[str, Any]) -> LockEntry:
    declared = e.get("declared_hash")
    return LockEntry(
        str(e["path"]),
        str(e["url"]),
        int(e["bytes"]),
        str(e["sha256"]),
        str(e["date"]),
        declared if isinstance(declared, str) else None,
    )


def read_lock_source(folder: Path) -> tuple[LockEntry, list[LockEntry]]:
    """(the descriptor or zip, the files) of FOLDER's ``datapackage.lock.json``."""
    from sticoop.release_layout import unsafe_relative_reason

    path = folder / LOCK
    try:
        if path.stat().st_size > MAX_LOCK:
            raise ValueError("too large")
        data = json.loads(path.read_text(encoding="utf-8"))
        source = _entry(data["source"])
        entries = [_entry(e) for e in data["files"]]
    except FileNotFoundError:
        raise UsageError(f"{folder} has no {LOCK}", hint="download the package first") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{path}: not a lock file sticoop wrote ({exc})") from None
    for e in entries:
        if relative_path_problem(e.path) or unsafe_relative_reason(e.path):
            raise UsageError(f"{path}: unsafe path {e.path[:80]!r}")
    return source, entries


def lock_json(source: LockEntry, entries: list[LockEntry]) -> bytes:
    """The lock's text: SOURCE (the descriptor or zip) and ENTRIES sorted by path."""
    body = {
        "lock_version": LOCK_VERSION,
        "source": source.as_json(),
        "files": [e.as_json() for e in sorted(entries, key=lambda e: e.path)],
    }
    return json.dumps(body, indent=2, ensure_ascii=False).encode() + b"\n"
