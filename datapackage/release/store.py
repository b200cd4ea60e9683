"""The content-addressed part of the download cache, shared by every download.

Layout: ``<cache>/sha256/<first two hex digits>/<sha256>`` holds each file once, named by its
SHA-256; ``<cache>/urls/<sha256 of the URL>.json`` records what a URL last served (URL, size,
SHA-256, date), which is how ``--offline`` finds a file and how a later download notices that
a URL now serves something else. Names are built from hex digests only, so no downloaded
value can lead outside the cache; an object is re-hashed before every use.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sticoop.atomic import write_atomic
from sticoop.errors import DiskWriteFailure
from sticoop.integrity import file_digest
from sticoop.release.fetch import PART_SUFFIX
from sticoop.release.files import FILE_MODE

OBJECTS = "sha256"
URLS = "urls"
PACKAGES = "packages"  # <cache>/packages/<32 hex digits>: what 'sql --data URL' queries
_HEX64 = re.compile(r"[0-9a-f]{64}")
MAX_RECORD = 64 * 1024


@dataclass(frozen=True)
class UrlRecord:
    """What URL served when it was last downloaded."""

    url: str
    size: int
    sha256: str
    date: str


def now() -> str:
    """The current UTC time, to the second (ISO 8601)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def object_path(cache: Path, sha256: str) -> Path:
    """Where the file with this SHA-256 lives in the cache (SHA256 must be 64 hex digits)."""
    digest = sha256.lower()
    if not _HEX64.fullmatch(digest):
        raise ValueError(f"not a SHA-256: {sha256[:80]!r}")
    return cache / OBJECTS / digest[:2] / digest


def objects_dir(cache: Path) -> Path:
    return cache / OBJECTS


def cached_object(cache: Path, sha256: str, size: int | None = None) -> Path | None:
    """The cached file with this SHA-256 (and SIZE), re-hashed now; None when absent or
    damaged (a damaged object is deleted)."""
    try:
        path = object_path(cache, sha256)
    except ValueError:
        return None
    if not path.is_file() or path.is_symlink():
        return None
    if (size is not None and path.stat().st_size != size) or file_digest(
        path, "sha256"
    ) != sha256.lower():
        path.unlink(missing_ok=True)
        return None
    return path


def add_object(cache: Path, tmp: Path, sha256: str) -> Path:
    """Move the finished download TMP into the cache under its SHA-256; return its path."""
    target = object_path(cache, sha256)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)
    except OSError as exc:
        raise DiskWriteFailure(f"cannot write {target}: {exc.strerror}") from None
    return target


def _record_path(cache: Path, url: str) -> Path:
    return cache / URLS / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".json")


def read_record(cache: Path, url: str) -> UrlRecord | None:
    """What URL served last time, or None (also for a damaged record)."""
    path = _record_path(cache, url)
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_RECORD:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        record = UrlRecord(str(data["url"]), int(data["size"]), str(data["sha256"]), data["date"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if record.url != url or not _HEX64.fullmatch(record.sha256) or record.size < 0:
        return None
    return record


def write_record(cache: Path, url: str, size: int, sha256: str) -> UrlRecord:
    """Remember that URL served SIZE bytes with this SHA-256, now."""
    record = UrlRecord(url, size, sha256, now())
    body = {"url": url, "size": size, "sha256": sha256, "date": record.date}
    data = json.dumps(body, indent=2).encode() + b"\n"
    write_atomic(_record_path(cache, url), data, mode=FILE_MODE, make_parents=True)
    return record


def forget(cache: Path, url: str, sha256: str | None = None) -> None:
    """Delete URL's record and (when given) the object SHA256."""
    _record_path(cache, url).unlink(missing_ok=True)
    if sha256:
        with suppress(ValueError):
            object_path(cache, sha256).unlink(missing_ok=True)


def _hex_dirs(folder: Path, width: int) -> list[Path]:
    if not folder.is_dir() or folder.is_symlink():
        return []
    pattern = re.compile(f"[0-9a-f]{{{width}}}")
    return sorted(
        p
        for p in folder.iterdir()
        if pattern.fullmatch(p.name) and p.is_dir() and not p.is_symlink()
    )


def store_files(cache: Path) -> list[Path]:
    """The cached objects and unfinished ``.part`` downloads of the content store."""
    found = []
    for sub in _hex_dirs(cache / OBJECTS, 2):
        found += [p for p in sorted(sub.iterdir()) if _HEX64.fullmatch(p.name) and _is_file(p)]
    top = cache / OBJECTS
    if top.is_dir() and not top.is_symlink():
        found += [
            p
            for p in sorted(top.iterdir())
            if p.name.startswith(".") and p.name.endswith(PART_SUFFIX) and _is_file(p)
        ]
    return found


def _is_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def clear_store(cache: Path) -> None:
    """Delete the store's objects, URL records and the packages ``sql --data URL`` keeps;
    files of other names (and links) stay where they are."""
    import shutil

    for path in store_files(cache):
        path.unlink()
    for sub in _hex_dirs(cache / OBJECTS, 2):
        with suppress(OSError):
            sub.rmdir()
    urls = cache / URLS
    if urls.is_dir() and not urls.is_symlink():
        for path in urls.iterdir():
            if re.fullmatch(r"[0-9a-f]{64}\.json", path.name) and _is_file(path):
                path.unlink()
    for folder in _hex_dirs(cache / PACKAGES, 32):
        shutil.rmtree(folder)
    for folder in (cache / OBJECTS, urls, cache / PACKAGES):
        with suppress(OSError):
            if not folder.is_symlink():
                folder.rmdir()
