"""Files written atomically: a temporary file beside the target, renamed over it when complete.

The one writer of the library's outputs outside ``release/``: fmt's CSVs, ``sticoop add``'s
tables (all or none), the generated docs, query results. The temporary file is named
``.<name>.<pid>.<random>.tmp`` (``canonical.remove_stale_temporaries`` recognises those of a
killed run) and removed when the write fails or is interrupted.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sticoop.errors import EnvironmentProblem
from sticoop.safefiles import display_path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside PATH to write; when the block ends without an error it takes
    PATH's place, with PATH's permissions (a new file: 0o666 less the umask). A symbolic
    link is followed: its target is replaced, the link stays. An OSError becomes
    EnvironmentProblem naming PATH."""
    path = Path(path).resolve()
    try:
        fd, name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp"
        )
        os.close(fd)
    except OSError as exc:
        raise EnvironmentProblem(f"{display_path(path)}: cannot write: {exc.strerror}") from None
    tmp = Path(name)
    try:
        yield tmp
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        raise EnvironmentProblem(f"{display_path(path)}: cannot write: {exc.strerror}") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace PATH with DATA atomically (``atomic_path``)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_all_atomic(files: dict[Path, bytes]) -> None:
    """Write every file of FILES (path -> bytes) to a temporary file first, then rename them
    all: either every file is replaced or, when a write fails, none."""
    with ExitStack() as stack:
        for path, data in files.items():
            stack.enter_context(atomic_path(path)).write_bytes(data)
