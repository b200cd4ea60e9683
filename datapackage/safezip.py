"""Extract zip archives safely: every member is checked before anything is written.

Refused (UnsafeArchive, exit 8): absolute paths, drive letters, backslashes, ``..``, ``.`` or
empty components, control characters, paths deeper than ``MAX_DEPTH`` or longer than
``MAX_PATH``, links, devices and other non-regular files, encrypted members or unknown
compression methods, a name given twice (also when it differs only by case or Unicode
normalisation), a file that is also a folder of another member, more than ``MAX_MEMBERS``
members, a total beyond the caller's limit or ``MAX_TOTAL``, and a member that decompresses
to more than ``MAX_RATIO`` times its compressed size (a zip bomb).
"""

from __future__ import annotations

import re
import stat
import unicodedata
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from sticoop.errors import DiskWriteFailure, UnsafeArchive

MAX_DEPTH = 32  # folders a member may be nested in
MAX_PATH = 1024  # characters of a member's name
MAX_MEMBERS = 100_000
MAX_TOTAL = 8 << 30  # bytes an archive may unpack to, whatever the caller allows
MAX_RATIO = 200  # uncompressed / compressed size of one member (CSV packs 4-10x)
RATIO_FLOOR = 1 << 20  # members smaller than this are not held to MAX_RATIO
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1 << 20


def _parts(name: str, is_dir: bool) -> list[str]:
    return (name[:-1] if is_dir and name.endswith("/") else name).split("/")


def check_member_name(name: str, is_dir: bool = False) -> PurePosixPath:
    """The relative path of a zip member; UnsafeArchive for absolute, escaping or odd names."""
    if not name or "\\" in name or name.startswith("/") or _DRIVE.match(name):
        raise UnsafeArchive(f"archive member {name!r} has an absolute or malformed path")
    if any(unicodedata.category(c)[0] == "C" for c in name) or ":" in name:
        raise UnsafeArchive(f"archive member {name!r} has a control character or ':'")
    if len(name) > MAX_PATH:
        raise UnsafeArchive(f"archive member {name[:60]!r}… is longer than {MAX_PATH} characters")
    parts = _parts(name, is_dir)
    if len(parts) > MAX_DEPTH:
        raise UnsafeArchive(
            f"archive member {name[:60]!r}… is nested {len(parts) - 1} folders deep "
            f"(at most {MAX_DEPTH} allowed)"
        )
    if ".." in parts:
        raise UnsafeArchive(f"archive member {name!r} escapes the destination ('..')")
    if any(part in ("", ".") for part in parts):
        raise UnsafeArchive(f"archive member {name!r} has an empty or '.' path component")
    return PurePosixPath(*parts)


def _check_member_type(info: zipfile.ZipInfo) -> None:
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)  # 0 when the archiver recorded permissions only
    if info.create_system == 3 and kind and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        what = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
        raise UnsafeArchive(f"archive member {info.filename!r} is {what}")
    if info.flag_bits & 0x1:
        raise UnsafeArchive(f"archive member {info.filename!r} is encrypted")
    if info.compress_type not in _METHODS:
        raise UnsafeArchive(
            f"archive member {info.filename!r} uses compression method {info.compress_type}; "
            "only stored and deflated members are read"
        )


def _check_ratio(info: zipfile.ZipInfo) -> None:
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise UnsafeArchive(
            f"archive member {info.filename!r} unpacks to {info.file_size:,} bytes from "
            f"{info.compress_size:,} (more than {MAX_RATIO} times): a zip bomb"
        )


def _key(parts: tuple[str, ...]) -> tuple[str, ...]:
    """How a file system that ignores case or normalises Unicode may see PARTS."""
    return tuple(unicodedata.normalize("NFC", p).casefold() for p in parts)


def _check_layout(members: list[tuple[zipfile.ZipInfo, PurePosixPath]]) -> None:
    """No name twice, and no file that another member needs as a folder."""
    files: dict[tuple[str, ...], str] = {}
    dirs: dict[tuple[str, ...], str] = {}
    for info, path in members:
        key = _key(path.parts)
        if key in files:
            raise UnsafeArchive(f"archive member {info.filename!r} appears twice")
        if key in dirs and not info.is_dir():
            raise UnsafeArchive(
                f"archive member {info.filename!r} is a file, and also a folder of {dirs[key]!r}"
            )
        if info.is_dir():
            dirs.setdefault(key, info.filename)
        else:
            files[key] = info.filename
        for depth in range(1, len(key)):
            dirs.setdefault(key[:depth], info.filename)
    for key, name in files.items():
        if key in dirs:
            raise UnsafeArchive(
                f"archive member {name!r} is a file, and also a folder of {dirs[key]!r}"
            )


def check_archive(zf: zipfile.ZipFile, max_size: int | None) -> list[zipfile.ZipInfo]:
    """Check every member's name, type, size and ratio, and the archive's layout and total
    size (by the headers), before anything is extracted; return the members."""
    members = zf.infolist()
    if len(members) > MAX_MEMBERS:
        raise UnsafeArchive(f"the archive has more than {MAX_MEMBERS:,} members")
    limit = MAX_TOTAL if max_size is None else min(max_size, MAX_TOTAL)
    checked = []
    for info in members:
        path = check_member_name(info.filename, info.is_dir())
        _check_member_type(info)
        if info.file_size > limit:
            raise UnsafeArchive(
                f"archive member {info.filename!r} announces {info.file_size:,} bytes, more "
                f"than the {limit:,} allowed"
            )
        _check_ratio(info)
        checked.append((info, path))
    _check_layout(checked)
    total = sum(info.file_size for info in members)
    if total > limit:
        raise UnsafeArchive(f"archive unpacks to {total:,} bytes, more than the {limit:,} allowed")
    return members


def check_zip(archive: Path, max_size: int | None = None) -> list[zipfile.ZipInfo]:
    """Open and check ARCHIVE (see ``check_archive``) without writing anything."""
    try:
        with zipfile.ZipFile(archive) as zf:
            return check_archive(zf, max_size)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise UnsafeArchive(f"{archive.name}: not a valid zip archive ({exc})") from None
    except OSError as exc:  # damaged or unreadable: not an archive sticoop can unpack
        raise UnsafeArchive(f"{archive}: cannot read the archive: {exc.strerror}") from None


def extract_zip(archive: Path, dest: Path, max_size: int | None = None) -> list[Path]:
    """Extract ARCHIVE into the existing directory DEST after checking it; return the files
    written.

    MAX_SIZE bounds the total size the headers announce; each member is cut off as soon as it
    decompresses to more than its header says, so the bytes written stay within MAX_SIZE.
    """
    try:
        with zipfile.ZipFile(archive) as zf:
            members = check_archive(zf, max_size)
            written = [_extract_member(zf, info, dest) for info in members]
            return [path for path in written if path is not None]
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        EOFError,
        zlib.error,
        NotImplementedError,
    ) as exc:
        raise UnsafeArchive(f"{archive.name}: not a valid zip archive ({exc})") from None
    except OSError as exc:
        raise DiskWriteFailure(
            f"cannot unpack {archive.name} into {dest}: {exc.strerror}"
        ) from None


def _extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path) -> Path | None:
    target = dest.joinpath(*check_member_name(info.filename, info.is_dir()).parts)
    if not target.resolve().is_relative_to(dest.resolve()):
        raise UnsafeArchive(f"archive member {info.filename!r} escapes the destination")
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with zf.open(info) as src, target.open("xb") as out:
        for chunk in iter(lambda: src.read(_CHUNK), b""):
            written += len(chunk)
            if written > info.file_size:
                raise UnsafeArchive(f"archive member {info.filename!r} is larger than announced")
            out.write(chunk)
    return target
