"""``sticoop download``: fetch a published release, verify it, and unpack it ready to use.

The index comes from --index-url, else STICOOP_INDEX_URL, else ``DEFAULT_INDEX_URL`` (a
placeholder for the project's GitHub releases). Artefacts are cached per version in the user
cache directory (STICOOP_CACHE_DIR overrides it) and checked against the index's SHA-256
before every use.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sticoop.errors import DiskWriteFailure, UsageError
from sticoop.release.cache import cached_path, user_cache_dir
from sticoop.release.fetch import download, fetch_small
from sticoop.release.files import replace_dir, sha256_file
from sticoop.release.index import (
    DEFAULT_INDEX_URL,
    dir_name,
    parse_index,
    select_artefact,
    select_release,
)
from sticoop.release.layout import FORMATS
from sticoop.release.safezip import extract_zip

ZIP_SLACK = 1 << 20  # bytes an archive may unpack to beyond the index's unpacked_size


@dataclass(frozen=True)
class DownloadResult:
    """What was fetched and where it now is."""

    name: str
    version: str
    fmt: str
    path: Path  # the unpacked folder (csv, parquet) or the .duckdb file
    from_cache: bool


def index_url(option: str | None = None) -> str:
    """The release index URL: OPTION, else STICOOP_INDEX_URL, else the default."""
    return option or os.environ.get("STICOOP_INDEX_URL") or DEFAULT_INDEX_URL


def _cached_artefact(info: dict[str, Any], target: Path, progress: bool) -> bool:
    """Make TARGET a verified copy of the artefact; True when the cache already had it."""
    if target.is_file():
        if target.stat().st_size == info["size"] and sha256_file(target) == info["sha256"]:
            return True
        target.unlink()  # stale or damaged: fetch again
    download(info["url"], target, info["size"], info["sha256"], show_progress=progress)
    return False


def _max_unpacked(info: dict[str, Any]) -> int:
    announced = info.get("unpacked_size")
    if isinstance(announced, int):
        return announced + announced // 20 + ZIP_SLACK
    return info["size"] * 100  # no announcement: a zip-bomb ratio bound


def _prepare_dest(dest: Path, force: bool) -> None:
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"{dest} exists and is not a directory")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise UsageError(f"{dest} is not empty", hint="choose another --dest or pass --force")


def _install_zip(archive: Path, info: dict[str, Any], dest: Path, force: bool) -> Path:
    """Unpack ARCHIVE into a temporary folder beside DEST, then move it to DEST."""
    _prepare_dest(dest, force)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    except OSError as exc:
        raise DiskWriteFailure(f"cannot write into {dest.parent}: {exc.strerror}") from None
    try:
        extract_zip(archive, tmp, _max_unpacked(info))
        tmp.chmod(0o755)
        replace_dir(tmp, dest)
    except OSError as exc:
        raise DiskWriteFailure(f"cannot write {dest}: {exc.strerror}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def _install_file(source: Path, dest: Path, force: bool) -> Path:
    """Copy SOURCE into the folder DEST (atomically)."""
    target = dest / source.name
    if target.exists() and not force:
        raise UsageError(f"{target} already exists", hint="pass --force to replace it")
    tmp: Path | None = None
    try:
        dest.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=dest)
        tmp = Path(name)
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out)
        tmp.chmod(0o644)
        os.replace(tmp, target)
    except OSError as exc:
        raise DiskWriteFailure(f"cannot write {target}: {exc.strerror}") from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return target


def download_release(
    version: str = "latest",
    fmt: str = "csv",
    dest: Path | None = None,
    *,
    url: str | None = None,
    cache: Path | None = None,
    progress: bool = True,
    force: bool = False,
) -> DownloadResult:
    """Fetch release VERSION ('latest' or X.Y.Z) in format FMT and unpack it into DEST.

    DEST defaults to ``./<name>-<version>`` (csv), ``./<name>-<version>-parquet`` (parquet) or
    the current directory (duckdb, a single file).
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    source = index_url(url)
    index = parse_index(fetch_small(source), source)
    entry = select_release(index, version)
    info = select_artefact(entry, fmt, source)
    name, ver = index.get("name", ""), entry["version"]
    target = cached_path(cache or user_cache_dir(), name, ver, info["file"])
    hit = _cached_artefact(info, target, progress)
    if fmt == "duckdb":
        path = _install_file(target, dest or Path.cwd(), force)
    else:
        default = dir_name(name, ver) + ("-parquet" if fmt == "parquet" else "")
        path = _install_zip(target, info, dest or Path.cwd() / default, force)
    return DownloadResult(name, ver, fmt, path, hit)
