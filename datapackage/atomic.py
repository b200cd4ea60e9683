"""Files written atomically: a temporary file beside the target, renamed over it when complete.

The one atomic writer of the library: fmt's CSVs, ``sticoop add``'s tables (all or none), the
generated docs, query results, the release's files and archives, the ``.duckdb`` file and
downloads. The temporary file is named ``.<name>.<pid>.<random>.tmp`` (``.part`` for a
download; ``canonical.remove_stale_temporaries`` recognises those of a killed run) and is
removed however the write ends. An OSError becomes ERROR (``EnvironmentProblem`` unless the
caller names another class: downloads report ``DiskWriteFailure``, exit 7) naming the target.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO

from sticoop.errors import EnvironmentProblem, SticoopError
from sticoop.safefiles import display_path

_CHUNK = 1 << 20


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_failure(path: Path, exc: OSError, error: type[SticoopError]) -> SticoopError:
    """ERROR saying PATH cannot be written, with the system's reason."""
    return error(f"{display_path(path)}: cannot write: {exc.strerror or exc}")


@contextmanager
def atomic_path(
    path: Path,
    *,
    mode: int | None = None,
    create: bool = True,
    make_parents: bool = False,
    companions: tuple[str, ...] = (),
    suffix: str = ".tmp",
    error: type[SticoopError] = EnvironmentProblem,
) -> Iterator[Path]:
    """A temporary path beside PATH to write; when the block ends without an error it takes
    PATH's place.

    MODE None keeps PATH's permissions (a new file: 0o666 less the umask) and follows a
    symbolic link (its target is replaced, the link stays); a MODE sets those permissions and
    replaces PATH itself. ``create=False`` leaves the temporary path absent, for a writer that
    must create the file itself (DuckDB); its COMPANIONS (suffixes such as ``.wal``) are
    removed with it. ``make_parents`` creates PATH's folder first. An OSError becomes ERROR."""
    path = Path(path)
    if mode is None:
        path = path.resolve()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{suffix}")
    try:
        if make_parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        if create:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise write_failure(path, exc, error) from None
    try:
        yield tmp
        if mode is None:
            mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        raise write_failure(path, exc, error) from None
    finally:
        tmp.unlink(missing_ok=True)
        for companion in companions:
            Path(f"{tmp}{companion}").unlink(missing_ok=True)


@contextmanager
def atomic_output(
    path: Path,
    *,
    mode: int | None = None,
    make_parents: bool = False,
    suffix: str = ".tmp",
    error: type[SticoopError] = EnvironmentProblem,
) -> Iterator[BinaryIO]:
    """``atomic_path`` opened for writing: the file is flushed to disk before it replaces
    PATH."""
    with (
        atomic_path(path, mode=mode, make_parents=make_parents, suffix=suffix, error=error) as tmp,
        tmp.open("wb") as fh,
    ):
        yield fh
        fh.flush()
        os.fsync(fh.fileno())


def write_atomic(
    path: Path,
    data: bytes,
    *,
    mode: int | None = None,
    make_parents: bool = False,
    error: type[SticoopError] = EnvironmentProblem,
) -> None:
    """Replace PATH with DATA atomically (``atomic_output``)."""
    with atomic_output(path, mode=mode, make_parents=make_parents, error=error) as fh:
        fh.write(data)


def copy_atomic(
    source: Path,
    path: Path,
    *,
    mode: int | None = None,
    suffix: str = ".tmp",
    error: type[SticoopError] = EnvironmentProblem,
) -> None:
    """Replace PATH with a copy of the file SOURCE atomically, in chunks (``atomic_output``)."""
    with (
        atomic_output(path, mode=mode, suffix=suffix, error=error) as out,
        source.open("rb") as src,
    ):
        shutil.copyfileobj(src, out, _CHUNK)


def write_all_atomic(files: dict[Path, bytes]) -> None:
    """Write every file of FILES (path -> bytes) to a temporary file first, then rename them
    all: either every file is replaced or, when a write fails, none."""
    with ExitStack() as stack:
        for path, data in files.items():
            stack.enter_context(atomic_path(path)).write_bytes(data)
