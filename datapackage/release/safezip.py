"""Extract zip archives safely: no absolute paths, no '..', no links, no zip bombs."""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path, PurePosixPath

from sticoop.errors import DiskWriteFailure, UnsafeArchive

_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1 << 20


def check_member_name(name: str) -> PurePosixPath:
    """The relative path of a zip member; UnsafeArchive for absolute or escaping names."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or _DRIVE.match(name):
        raise UnsafeArchive(f"archive member {name!r} has an absolute or malformed path")
    path = PurePosixPath(name)
    if any(part in ("..", "") for part in path.parts):
        raise UnsafeArchive(f"archive member {name!r} escapes the destination ('..')")
    return path


def _check_member_type(info: zipfile.ZipInfo) -> None:
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)  # 0 when the archiver recorded permissions only
    if info.create_system == 3 and kind and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
        raise UnsafeArchive(f"archive member {info.filename!r} is {kind}")


def check_archive(zf: zipfile.ZipFile, max_size: int | None) -> list[zipfile.ZipInfo]:
    """Check every member's name, type and the announced total size; return the members."""
    members = zf.infolist()
    seen: set[str] = set()
    for info in members:
        check_member_name(info.filename.rstrip("/") if info.is_dir() else info.filename)
        _check_member_type(info)
        if info.filename in seen:
            raise UnsafeArchive(f"archive member {info.filename!r} appears twice")
        seen.add(info.filename)
    total = sum(info.file_size for info in members)
    if max_size is not None and total > max_size:
        raise UnsafeArchive(
            f"archive unpacks to {total:,} bytes, more than the {max_size:,} allowed"
        )
    return members


def extract_zip(archive: Path, dest: Path, max_size: int | None = None) -> list[Path]:
    """Extract ARCHIVE into the directory DEST after checking it; return the files written.

    MAX_SIZE bounds the total size the headers announce; each member is cut off as soon as it
    decompresses to more than its header says, so the bytes written stay within MAX_SIZE.
    """
    try:
        with zipfile.ZipFile(archive) as zf:
            members = check_archive(zf, max_size)
            written = [_extract_member(zf, info, dest) for info in members]
            return [path for path in written if path is not None]
    except zipfile.BadZipFile as exc:
        raise UnsafeArchive(f"{archive.name}: not a valid zip archive ({exc})") from None
    except OSError as exc:
        raise DiskWriteFailure(
            f"cannot unpack {archive.name} into {dest}: {exc.strerror}"
        ) from None


def _extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path) -> Path | None:
    target = dest.joinpath(*PurePosixPath(info.filename.rstrip("/")).parts)
    if not target.resolve().is_relative_to(dest.resolve()):
        raise UnsafeArchive(f"archive member {info.filename!r} escapes the destination")
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with zf.open(info) as src, target.open("wb") as out:
        for chunk in iter(lambda: src.read(_CHUNK), b""):
            written += len(chunk)
            if written > info.file_size:
                raise UnsafeArchive(f"archive member {info.filename!r} is larger than announced")
            out.write(chunk)
    return target
