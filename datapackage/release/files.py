"""File helpers for releases: SHA-256, atomic writes, byte-reproducible zip archives."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from sticoop.errors import EnvironmentProblem

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold
FILE_MODE = 0o644
_CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of DATA."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of the file at PATH, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """Open a temporary file beside PATH for writing; on success it replaces PATH."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes) -> None:
    """Write DATA to PATH atomically (temporary file in the same directory, then rename)."""
    try:
        with atomic_output(path) as fh:
            fh.write(data)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot write {path}: {exc.strerror}") from None


def zip_entry(name: str) -> zipfile.ZipInfo:
    """A ZipInfo with fixed date, permissions and creator system, so archives are reproducible."""
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.create_system = 3  # Unix, so the permission bits below are honoured
    info.external_attr = (0o100000 | FILE_MODE) << 16  # regular file, rw-r--r--
    return info


def write_zip(path: Path, entries: dict[str, bytes], *, compress: bool = True) -> None:
    """Write a reproducible zip at PATH: entries sorted by name, fixed dates and modes.

    ``compress=False`` stores entries as they are (for already-compressed Parquet files).
    """
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    try:
        with atomic_output(path) as fh, zipfile.ZipFile(fh, "w") as zf:
            for name in sorted(entries):
                info = zip_entry(name)
                info.compress_type = method
                zf.writestr(info, entries[name], compress_type=method, compresslevel=9)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot write {path}: {exc.strerror}") from None


def zip_unpacked_size(path: Path) -> int:
    """Total uncompressed size of the entries of the zip at PATH."""
    with zipfile.ZipFile(path) as zf:
        return sum(info.file_size for info in zf.infolist())


def replace_dir(tmp: Path, dest: Path) -> None:
    """Move the finished folder TMP to DEST, replacing what is there with two renames."""
    old = dest.with_name(f".{dest.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        dest.rename(old)
    tmp.rename(dest)
    shutil.rmtree(old, ignore_errors=True)
