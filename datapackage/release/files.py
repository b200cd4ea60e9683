"""File helpers for releases: byte-reproducible zip archives, string buffers, folder swaps."""

from __future__ import annotations

import secrets
import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sticoop.atomic import atomic_output
from sticoop.errors import ReleaseRefused
from sticoop.release_layout import unsafe_relative_reason

if TYPE_CHECKING:
    import pyarrow as pa

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold
FILE_MODE = 0o644
# zlib's default level: a few per cent larger than level 9 on CSV, and two to three times faster
ZIP_LEVEL = 6
_CHUNK = 1 << 20


def zip_entry(name: str) -> zipfile.ZipInfo:
    """A ZipInfo with fixed date, permissions and creator system, so archives are reproducible."""
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.create_system = 3  # Unix, so the permission bits below are honoured
    info.external_attr = (0o100000 | FILE_MODE) << 16  # regular file, rw-r--r--
    return info


def write_zip(path: Path, entries: Mapping[str, bytes | Path], *, compress: bool = True) -> None:
    """Write a reproducible zip at PATH: entries sorted by name, fixed dates and modes.

    An entry is given as bytes or as the path of a file, which is streamed in chunks (the
    archive is the same either way). ``compress=False`` stores entries as they are (for
    already-compressed Parquet files). Every entry name must be a safe relative path
    (ReleaseRefused otherwise, before anything is written).
    """
    for name in entries:
        reason = unsafe_relative_reason(name)
        if reason is not None:
            raise ReleaseRefused(f"{path.name}: refusing the zip member name {name!r} ({reason})")
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with (
        atomic_output(path, mode=FILE_MODE, make_parents=True) as fh,
        zipfile.ZipFile(fh, "w") as zf,
    ):
        for name in sorted(entries):
            info = zip_entry(name)
            info.compress_type = method
            content = entries[name]
            if isinstance(content, bytes):
                zf.writestr(info, content, compress_type=method, compresslevel=ZIP_LEVEL)
                continue
            _set_level(info, ZIP_LEVEL)
            info.file_size = content.stat().st_size  # as writestr sets it: same header
            with content.open("rb") as src, zf.open(info, "w") as dest:
                shutil.copyfileobj(src, dest, _CHUNK)


def _set_level(info: zipfile.ZipInfo, level: int) -> None:
    """The compression level of a ZipInfo opened for writing (``compress_level`` from 3.13)."""
    if hasattr(info, "compress_level"):
        info.compress_level = level
    else:
        # typeshed does not declare the private attribute that 3.11 and 3.12 read
        info._compresslevel = level  # type: ignore[attr-defined]  # noqa: SLF001


def arrow_bytes(array: pa.Array) -> pa.Buffer:
    """The values of a string array without nulls, concatenated, as one buffer (no copy)."""
    import numpy as np
    import pyarrow as pa

    if array.null_count:
        raise ValueError("a string array with nulls has no contiguous bytes")
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = array.cast(pa.large_string())  # string views, dictionaries: one buffer
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    offsets = np.frombuffer(array.buffers()[1], dtype=width)
    start, end = int(offsets[array.offset]), int(offsets[array.offset + len(array)])
    return array.buffers()[2].slice(start, end - start)


def zip_unpacked_size(path: Path) -> int:
    """Total uncompressed size of the entries of the zip at PATH."""
    with zipfile.ZipFile(path) as zf:
        return sum(info.file_size for info in zf.infolist())


def replace_dir(tmp: Path, dest: Path) -> None:
    """Move the finished folder TMP to DEST, replacing what is there with two renames.

    The old DEST goes through a fresh name of its own (never a name that may already exist
    beside it), then is deleted."""
    old = None
    if dest.exists() or dest.is_symlink():
        old = dest.with_name(f".{dest.name}.{secrets.token_hex(8)}.old")
        dest.rename(old)
    try:
        tmp.rename(dest)
    except OSError:
        if old is not None:
            old.rename(dest)  # put it back
        raise
    if old is not None:
        if old.is_symlink() or not old.is_dir():
            old.unlink()
        else:
            shutil.rmtree(old, ignore_errors=True)
