"""``sticoop download``: fetch a published release, verify it, and unpack it ready to use.

The index comes from --index-url, else STICOOP_INDEX_URL, else ``DEFAULT_INDEX_URL`` (a
placeholder for the project's GitHub releases). Artefacts are cached per version in the user
cache directory (STICOOP_CACHE_DIR overrides it) and checked against the index's SHA-256
before every use. With ``offline`` the network is not used: the newest cached release (or the
cached VERSION) is unpacked, checked against the index copy kept beside it.

Nothing downloaded is trusted (see SECURITY.md): the index is checked for types, limits and
safe names before any value of it is used, only http(s) is fetched, the whole transfer has a
deadline, archives are checked member by member before anything is unpacked, and nothing
outside the cache and the destination is written or deleted.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sticoop.atomic import copy_atomic, write_atomic
from sticoop.errors import (
    DiskWriteFailure,
    IndexInvalid,
    SticoopError,
    UnknownVersion,
    UsageError,
)
from sticoop.integrity import file_digest
from sticoop.release.cache import (
    INDEX_COPY,
    cached_path,
    index_copies,
    make_dirs,
    remove_empty,
    remove_stale_parts,
    user_cache_dir,
)
from sticoop.release.fetch import (
    DEADLINE,
    MAX_DEADLINE,
    PART_MODE,
    PART_SUFFIX,
    Deadline,
    check_scheme,
    download,
    fetch_small,
)
from sticoop.release.files import FILE_MODE, replace_dir
from sticoop.release.index import (
    DEFAULT_INDEX_URL,
    dir_name,
    parse_index,
    select_artefact,
    select_release,
)
from sticoop.release_layout import FORMATS_HELP, is_format, single_file
from sticoop.safezip import MAX_RATIO, check_zip, extract_zip
from sticoop.semver import parse_version

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


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises KeyboardInterrupt (as Ctrl-C does), so that every
    ``finally`` runs and no temporary file is left. Only in the main thread; restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _is_verified(target: Path, info: dict[str, Any]) -> bool:
    return (
        target.is_file()
        and not target.is_symlink()
        and target.stat().st_size == info["size"]
        and file_digest(target, "sha256") == info["sha256"].lower()
    )


def _from_store(info: dict[str, Any], target: Path) -> bool:
    """Copy the artefact from the content store (filled by 'sticoop download URL') when a file
    of its size and SHA-256 is there; True when it was."""
    from sticoop.release.store import cached_object

    found = cached_object(target.parents[2], info["sha256"], info["size"])
    if found is None:
        return False
    try:
        copy_atomic(found, target, mode=PART_MODE, suffix=PART_SUFFIX, error=DiskWriteFailure)
    except DiskWriteFailure:
        return False  # then it is downloaded
    return _is_verified(target, info)


def _cached_artefact(
    info: dict[str, Any], target: Path, deadline: Deadline, progress: bool
) -> bool:
    """Make TARGET a verified copy of the artefact; True when the cache already had it.

    A failed download leaves no folder it created in the cache."""
    remove_stale_parts(target.parent)
    if _is_verified(target, info):
        return True
    created = make_dirs(target.parent)
    try:
        if target.is_symlink() or target.is_file():
            target.unlink()  # stale or damaged, and inside the cache: fetch again
        if _from_store(info, target):
            return True
        download(
            info["url"],
            target,
            info["size"],
            info["sha256"],
            deadline=deadline,
            show_progress=progress,
        )
    except BaseException:
        remove_empty(created)
        raise
    return False


def _max_unpacked(info: dict[str, Any]) -> int:
    announced = info.get("unpacked_size")
    if isinstance(announced, int):
        return announced + announced // 20 + ZIP_SLACK
    return info["size"] * MAX_RATIO // 2  # no announcement: a zip-bomb ratio bound


def prepare_dest(dest: Path, force: bool) -> None:
    """UsageError when DEST is a link, a file, or (without FORCE) a non-empty folder."""
    if dest.is_symlink() and not force:
        raise UsageError(f"{dest} is a symbolic link", hint="choose another --dest")
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"{dest} exists and is not a directory")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise UsageError(f"{dest} is not empty", hint="choose another --dest or pass --force")


def _install_zip(archive: Path, info: dict[str, Any], dest: Path, force: bool) -> Path:
    """Check ARCHIVE, unpack it into a temporary folder beside DEST, then move it to DEST.

    Nothing is created before the whole archive has been checked; on failure the temporary
    folder and the parents of DEST this created are removed."""
    prepare_dest(dest, force)
    limit = _max_unpacked(info)
    check_zip(archive, limit)
    created = make_dirs(dest.parent)
    tmp: Path | None = None
    done = False
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
        extract_zip(archive, tmp, limit)
        tmp.chmod(0o755)
        replace_dir(tmp, dest)
        done = True
    except OSError as exc:
        raise DiskWriteFailure(f"cannot write {dest}: {exc.strerror}") from None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if not done:
            remove_empty(created)
    return dest


def _install_file(source: Path, dest: Path, force: bool) -> Path:
    """Copy SOURCE into the folder DEST (atomically)."""
    target = dest / source.name
    if (target.exists() or target.is_symlink()) and not force:
        raise UsageError(f"{target} already exists", hint="pass --force to replace it")
    if target.is_dir():
        raise UsageError(f"{target} is a directory")
    created = make_dirs(dest)
    done = False
    try:
        copy_atomic(source, target, mode=FILE_MODE, error=DiskWriteFailure)
        done = True
    finally:
        if not done:
            remove_empty(created)
    return target


def _online(
    version: str, fmt: str, source: str, cache: Path, deadline: Deadline, progress: bool
) -> tuple[str, str, dict[str, Any], Path, bool]:
    """Fetch and check the index, then the artefact (unless cached); keep a copy of the index
    beside the cached releases for ``--offline``."""
    check_scheme(source, "--index-url")
    data = fetch_small(source, deadline)
    index = parse_index(data, source)
    entry = select_release(index, version)
    info = select_artefact(entry, fmt, source)
    name, ver = index.get("name") or "", entry["version"]
    target = cached_path(cache, name, ver, info["file"])
    hit = _cached_artefact(info, target, deadline, progress)
    with suppress(SticoopError, OSError):  # the copy only serves --offline
        write_atomic(target.parent.parent / INDEX_COPY, data, mode=FILE_MODE, make_parents=True)
    return name, ver, info, target, hit


def _offline(version: str, fmt: str, cache: Path) -> tuple[str, str, dict[str, Any], Path, bool]:
    """The newest release (or VERSION) whose FMT artefact is in the cache and matches the
    index copy kept there; UnknownVersion (exit 4) when there is none."""
    found = []
    for copy in index_copies(cache):
        try:
            index = parse_index(copy.read_bytes(), str(copy))
        except (IndexInvalid, OSError):
            continue
        name = index.get("name") or ""
        for entry in index["releases"]:
            info = entry["artefacts"].get(fmt)
            if info is None or version not in ("latest", entry["version"]):
                continue
            target = cached_path(cache, name, entry["version"], info["file"])
            if _is_verified(target, info):
                found.append((parse_version(entry["version"]), name, info, target))
    if not found:
        what = "release" if version == "latest" else f"release {version}"
        raise UnknownVersion(
            f"no {what} in the {fmt} format is in the cache {cache}",
            hint="download it once without --offline ('sticoop cache list' shows the cache)",
        )
    ver, name, info, target = max(found, key=lambda item: item[0])
    return name, str(ver), info, target, True


def download_release(
    version: str = "latest",
    fmt: str = "csv",
    dest: Path | None = None,
    *,
    url: str | None = None,
    cache: Path | None = None,
    progress: bool = True,
    force: bool = False,
    timeout: float = DEADLINE,
    offline: bool = False,
) -> DownloadResult:
    """Fetch release VERSION ('latest' or X.Y.Z) in format FMT and unpack it into DEST.

    DEST defaults to ``./<name>-<version>`` (csv), ``./<name>-<version>-parquet`` (parquet) or
    the current directory (duckdb or ``parquet:<table>``, a single file). TIMEOUT bounds the
    whole transfer (index and artefact) in seconds. OFFLINE uses only the cache.
    """
    if not is_format(fmt):
        raise UsageError(f"unknown format {fmt!r}; choose one of {FORMATS_HELP}")
    if version != "latest":
        parse_version(version)  # UsageError for anything but X.Y.Z
    if not 0 < timeout <= MAX_DEADLINE:
        raise UsageError(f"the timeout must be from 0 to {MAX_DEADLINE:,} seconds, not {timeout}")
    root = cache or user_cache_dir()
    if offline:
        name, ver, info, target, hit = _offline(version, fmt, root)
    else:
        with Deadline(timeout) as deadline:
            name, ver, info, target, hit = _online(
                version, fmt, index_url(url), root, deadline, progress
            )
    if single_file(fmt):
        path = _install_file(target, dest or Path.cwd(), force)
    else:
        default = dir_name(name, ver) + ("-parquet" if fmt == "parquet" else "")
        path = _install_zip(target, info, dest or Path.cwd() / default, force)
    return DownloadResult(name, ver, fmt, path, hit)
