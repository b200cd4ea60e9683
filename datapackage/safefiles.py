"""What a resource path is, found without opening it: a file, or something a reader must refuse.

Readers (``fmt``, ``diff``, ``sql``, the validator) call ``inspect_resource`` before reading a
CSV named by a descriptor. Only ``lstat``/``stat``/``realpath`` are used, so a FIFO is never
opened (opening one blocks until a writer appears) and a device is never read. A path that
resolves outside the package root (through ``..`` or a symbolic link) is reported as such,
whatever it points at.
"""

from __future__ import annotations

import os
import stat
from enum import Enum
from pathlib import Path

from sticoop.errors import DataError


class FileKind(Enum):
    """What a path is. ``value`` is the phrase used in messages (``"<name> is <value>"``)."""

    FILE = "a regular file"
    MISSING = "missing"
    DIRECTORY = "a directory"
    FIFO = "a FIFO (named pipe)"
    CHAR_DEVICE = "a character device"
    BLOCK_DEVICE = "a block device"
    SOCKET = "a socket"
    OUTSIDE = "a path outside the package"
    LINK_OUTSIDE = "a symbolic link pointing outside the package"
    BROKEN_LINK = "a broken symbolic link"
    OTHER = "not a regular file"


class UnreadableResource(DataError):
    """A resource path is not a regular file inside the package (exit 1)."""

    code = "file-not-regular"

    def __init__(self, shown: str, kind: FileKind, *, hint: str | None = None) -> None:
        if kind is FileKind.MISSING:
            message = f"{shown}: file not found"
        else:
            message = f"{shown} is {kind.value}, not a file"
        super().__init__(message, hint=hint or _HINTS.get(kind))
        self.code = "file-missing" if kind is FileKind.MISSING else "file-not-regular"
        self.kind = kind
        self.shown = shown


_HINTS = {
    FileKind.MISSING: "check the resource's path in datapackage.json",
    FileKind.LINK_OUTSIDE: "sticoop reads only files inside the package; copy the file in",
    FileKind.OUTSIDE: "resource paths must stay inside the package directory",
}


def _kind_of_mode(mode: int) -> FileKind:
    if stat.S_ISREG(mode):
        return FileKind.FILE
    if stat.S_ISDIR(mode):
        return FileKind.DIRECTORY
    if stat.S_ISFIFO(mode):
        return FileKind.FIFO
    if stat.S_ISCHR(mode):
        return FileKind.CHAR_DEVICE
    if stat.S_ISBLK(mode):
        return FileKind.BLOCK_DEVICE
    if stat.S_ISSOCK(mode):
        return FileKind.SOCKET
    return FileKind.OTHER


def _has_link(root: Path, relpath: str) -> bool:
    """Whether a component of RELPATH below ROOT is a symbolic link (lstat only)."""
    current = root
    for part in Path(relpath).parts:
        current = current / part
        try:
            if stat.S_ISLNK(os.lstat(current).st_mode):
                return True
        except OSError:
            return False
    return False


def inspect_path(path: Path, root: Path) -> FileKind:
    """What PATH is, for a package rooted at ROOT (see ``inspect_resource``)."""
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(real_root):
        try:
            relpath = str(Path(os.path.abspath(path)).relative_to(os.path.abspath(root)))
        except ValueError:
            return FileKind.OUTSIDE
        return FileKind.LINK_OUTSIDE if _has_link(root, relpath) else FileKind.OUTSIDE
    try:
        return _kind_of_mode(os.stat(real).st_mode)
    except FileNotFoundError:
        try:
            os.lstat(path)
        except OSError:
            return FileKind.MISSING
        return FileKind.BROKEN_LINK
    except NotADirectoryError:
        return FileKind.MISSING
    except OSError:
        return FileKind.OTHER


def inspect_resource(root: str | Path, relpath: str | Path) -> FileKind:
    """What the resource at RELPATH (relative to the package ROOT) is, without opening it.

    ``FileKind.FILE`` is the only kind a reader may open. Symbolic links inside the package
    are followed (a link to another file of the package is a file); a link, or a ``..``, that
    leads outside ROOT gives ``LINK_OUTSIDE`` / ``OUTSIDE`` whatever the target is.
    """
    root = Path(root)
    rel = Path(relpath)
    if rel.is_absolute():
        return FileKind.OUTSIDE
    return inspect_path(root / rel, root)


def require_file(root: str | Path, relpath: str | Path, shown: str | None = None) -> Path:
    """ROOT/RELPATH if it is a regular file inside the package; else ``UnreadableResource``
    naming SHOWN (default: the joined path) and what it is."""
    path = Path(root) / relpath
    kind = inspect_resource(root, relpath)
    if kind is not FileKind.FILE:
        raise UnreadableResource(shown or str(path), kind)
    return path


def require_regular(path: Path, shown: str | None = None) -> Path:
    """PATH if it is a regular file (links followed, no package bound); else
    ``UnreadableResource``. For paths given on the command line, such as a descriptor."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise UnreadableResource(shown or str(path), FileKind.MISSING) from None
    except OSError:
        raise UnreadableResource(shown or str(path), FileKind.OTHER) from None
    kind = _kind_of_mode(mode)
    if kind is not FileKind.FILE:
        raise UnreadableResource(shown or str(path), kind)
    return path


def open_regular(path: Path) -> int:
    """A read-only descriptor of PATH, opened without blocking and checked (with ``fstat``) to
    be a regular file, so a FIFO swapped in after ``inspect_resource`` is not waited on."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        kind = _kind_of_mode(os.fstat(fd).st_mode)
        if kind is not FileKind.FILE:
            raise UnreadableResource(str(path), kind)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def check_given_path(path: str | Path, descriptor_name: str = "datapackage.json") -> None:
    """Refuse a path given on the command line that is neither a regular file nor a directory
    (a FIFO, device or socket), and a directory whose descriptor is one, so that loading the
    descriptor never blocks. Missing paths are left to the caller to report."""
    path = Path(path)
    for candidate in (path, path / descriptor_name) if path.is_dir() else (path,):
        try:
            mode = os.stat(candidate).st_mode
        except OSError:
            continue
        kind = _kind_of_mode(mode)
        if kind not in (FileKind.FILE, FileKind.DIRECTORY) or (
            candidate is not path and kind is not FileKind.FILE
        ):
            raise UnreadableResource(str(candidate), kind)


def display_path(path: Path) -> str:
    """PATH relative to the current directory when it lies below it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
