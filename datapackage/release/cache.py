"""Where downloads are cached: STICOOP_CACHE_DIR, else the platform's user cache directory.

Layout: ``<cache>/<name>/<version>/<file>`` for each artefact, and ``<cache>/<name>/releases.json``,
the last index a download succeeded with (what ``--offline`` reads). ``sticoop download URL``
(any data package) shares the folder: its files live in the content-addressed store of
``sticoop.release.store`` (``sha256/``, ``urls/``, ``packages/``), which ``cache list`` and
``cache clear`` cover too. Every name is checked to
be a safe single name before it is joined to the cache path, and listing or clearing the cache
touches nothing but that layout: a cache folder set by mistake to a folder of other files loses
none of them.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sticoop.errors import DiskWriteFailure, UsageError
from sticoop.release.fetch import PART_SUFFIX
from sticoop.release_layout import is_safe_name
from sticoop.semver import is_version, parse_version

APP = "sticoop"
INDEX_COPY = "releases.json"
STALE_PART_AGE = 3600  # seconds after which a .part file cannot belong to a running download


def user_cache_dir() -> Path:
    """The per-user cache directory of sticoop on this platform (XDG on Linux)."""
    override = os.environ.get("STICOOP_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / APP / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / APP
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".cache") / APP


def cached_path(cache: Path, name: str, version: str, file: str) -> Path:
    """``<cache>/<name>/<version>/<file>``: one folder per release.

    NAME and FILE must be safe single names and VERSION a version (the index is checked for
    that); anything else is refused here too, so no value can lead outside CACHE.
    """
    name = name or "unnamed"
    if not (is_safe_name(name) and is_version(version) and is_safe_name(file)):
        raise UsageError(f"refusing the unsafe cache path {name!r}/{version!r}/{file!r}")
    return cache / name / version / file


def make_dirs(path: Path) -> list[Path]:
    """Create PATH and its missing parents; return the folders created, deepest first."""
    created: list[Path] = []
    current = path
    while not current.exists() and current != current.parent:
        created.append(current)
        current = current.parent
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        remove_empty(created)
        raise DiskWriteFailure(f"cannot write into {path}: {exc.strerror}") from None
    return created


def remove_empty(folders: list[Path]) -> None:
    """Remove each of FOLDERS (deepest first) that is empty; never anything else."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def remove_stale_parts(folder: Path, max_age: float = STALE_PART_AGE) -> list[Path]:
    """Delete the ``.<file>.*.part`` files in FOLDER left by a download that was killed.

    Only files untouched for MAX_AGE seconds go: a running download writes more often."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    limit = time.time() - max_age
    for path in folder.iterdir():
        if not (path.name.startswith(".") and path.name.endswith(PART_SUFFIX)):
            continue
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < limit:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


@dataclass(frozen=True)
class CachedFile:
    """One file of the cache."""

    name: str
    version: str
    path: Path
    size: int
    partial: bool  # a .part file of an unfinished download


def _release_folders(cache: Path) -> list[tuple[str, str, Path]]:
    """(name, version, folder) of every ``<cache>/<name>/<version>/`` folder, oldest first."""
    found: list[tuple[str, str, Path]] = []
    if not cache.is_dir():
        return found
    for name_dir in sorted(cache.iterdir()):
        if not (is_safe_name(name_dir.name) and name_dir.is_dir()) or name_dir.is_symlink():
            continue
        for folder in name_dir.iterdir():
            if is_version(folder.name) and folder.is_dir() and not folder.is_symlink():
                found.append((name_dir.name, folder.name, folder))
    return sorted(found, key=lambda item: (item[0], parse_version(item[1])))


def _is_cache_file(path: Path) -> bool:
    partial = path.name.startswith(".") and path.name.endswith(PART_SUFFIX)
    return (partial or is_safe_name(path.name)) and path.is_file() and not path.is_symlink()


def list_cache(cache: Path) -> list[CachedFile]:
    """Every cached artefact (and leftover ``.part`` file), by name then version; then the
    files of the content store that ``sticoop download URL`` fills (listed as ``content``)."""
    from sticoop.release.store import OBJECTS, store_files

    files = []
    for name, version, folder in _release_folders(cache):
        for path in sorted(folder.iterdir()):
            if _is_cache_file(path):
                partial = path.name.endswith(PART_SUFFIX) and path.name.startswith(".")
                files.append(CachedFile(name, version, path, path.stat().st_size, partial))
    for path in store_files(cache):
        partial = path.name.endswith(PART_SUFFIX)
        files.append(CachedFile("content", OBJECTS, path, path.stat().st_size, partial))
    return files


def clear_cache(cache: Path) -> list[CachedFile]:
    """Delete every cached artefact, ``.part`` file and index copy; return what was deleted.

    Files and folders that are not of the cache's layout are left where they are."""
    from sticoop.release.store import clear_store

    removed = list_cache(cache)
    try:
        clear_store(cache)
        for item in removed:
            item.path.unlink(missing_ok=True)
        for _name, _version, folder in _release_folders(cache):
            remove_empty([folder])
        for name_dir in cache.iterdir() if cache.is_dir() else []:
            copy = name_dir / INDEX_COPY
            if is_safe_name(name_dir.name) and copy.is_file() and not copy.is_symlink():
                copy.unlink()
            if is_safe_name(name_dir.name) and name_dir.is_dir() and not name_dir.is_symlink():
                remove_empty([name_dir])
    except OSError as exc:
        raise DiskWriteFailure(f"cannot clear the cache {cache}: {exc.strerror}") from None
    return removed


def index_copies(cache: Path) -> list[Path]:
    """The cached index copies ``<cache>/<name>/releases.json``, newest first."""
    if not cache.is_dir():
        return []
    copies = [
        d / INDEX_COPY
        for d in cache.iterdir()
        if is_safe_name(d.name) and (d / INDEX_COPY).is_file() and not d.is_symlink()
    ]
    return sorted(copies, key=lambda p: (p.stat().st_mtime, p.parent.name), reverse=True)
