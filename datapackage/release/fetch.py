"""HTTP(S) downloads with urllib: size and SHA-256 checked, written atomically, with a
progress bar on a terminal. Each failure maps to its own error (see ``sticoop.errors``)."""

from __future__ import annotations

import hashlib
import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from sticoop.errors import (
    ChecksumMismatch,
    DiskWriteFailure,
    NetworkFailure,
    TruncatedDownload,
    UsageError,
)

TIMEOUT = 30  # seconds without data before giving up
INDEX_LIMIT = 16 << 20  # a release index larger than this is refused
_CHUNK = 1 << 16
_SCHEMES = ("http://", "https://", "file://")
Progress = Callable[[int], None]


def _open(url: str) -> http.client.HTTPResponse:
    if not url.startswith(_SCHEMES):
        raise UsageError(f"{url}: only http, https and file URLs are supported")
    request = urllib.request.Request(url, headers={"User-Agent": "sticoop"})
    try:
        return urllib.request.urlopen(request, timeout=TIMEOUT)  # noqa: S310 (scheme checked)
    except urllib.error.HTTPError as exc:
        raise NetworkFailure(f"{url}: the server answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise NetworkFailure(f"cannot reach {url}: {exc.reason}", hint=_OFFLINE) from None
    except (http.client.HTTPException, OSError) as exc:
        raise NetworkFailure(f"cannot reach {url}: {exc or type(exc).__name__}") from None


_OFFLINE = "check the network connection, or pass --index-url / set STICOOP_INDEX_URL"


def fetch_small(url: str, limit: int = INDEX_LIMIT) -> bytes:
    """The body of URL (a release index); refused beyond LIMIT bytes."""
    with _open(url) as resp:
        try:
            data = resp.read(limit + 1)
        except (http.client.HTTPException, OSError) as exc:
            raise TruncatedDownload(f"{url}: transfer interrupted ({exc})") from None
        expected = resp.headers.get("Content-Length")
    if len(data) > limit:
        raise NetworkFailure(f"{url}: more than {limit:,} bytes; not a release index")
    if expected and expected.isdigit() and len(data) < int(expected):
        raise TruncatedDownload(f"{url}: got {len(data):,} of {int(expected):,} bytes")
    return data


def _announced(resp: http.client.HTTPResponse) -> int | None:
    value = resp.headers.get("Content-Length", "")
    return int(value) if value.isdigit() else None


def _copy(resp: http.client.HTTPResponse, out: BinaryIO, size: int, progress: Progress) -> str:
    """Copy at most SIZE + 1 bytes of RESP into OUT; return the SHA-256 of what was copied.

    Fewer bytes than SIZE or than the Content-Length header is a truncated transfer."""
    digest = hashlib.sha256()
    received = 0
    while received <= size:
        try:
            chunk = resp.read(min(_CHUNK, size + 1 - received))
        except (http.client.HTTPException, OSError) as exc:
            raise TruncatedDownload(
                f"transfer interrupted after {received:,} of {size:,} bytes ({exc})"
            ) from None
        if not chunk:
            break
        try:
            out.write(chunk)
        except OSError as exc:
            raise DiskWriteFailure(f"cannot write the download: {exc.strerror}") from None
        digest.update(chunk)
        received += len(chunk)
        progress(len(chunk))
    if received > size:
        raise ChecksumMismatch(f"the file is larger than the {size:,} bytes the index announces")
    expected = max(size, _announced(resp) or 0)
    if received < expected:
        raise TruncatedDownload(f"transfer ended after {received:,} of {expected:,} bytes")
    return digest.hexdigest()


def download(url: str, target: Path, size: int, sha256: str, *, show_progress: bool) -> None:
    """Download URL to TARGET: a temporary file beside it, checked for SIZE and SHA256, then
    renamed. A file that fails a check is deleted; TARGET is never left half-written."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
    except OSError as exc:
        raise DiskWriteFailure(f"cannot write into {target.parent}: {exc.strerror}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, _open(url) as resp, _progress(show_progress, size) as bar:
            digest = _copy(resp, out, size, bar)
        if digest != sha256.lower():
            raise ChecksumMismatch(
                f"{target.name}: SHA-256 {digest} differs from the index's {sha256}; "
                "the file was deleted"
            )
        os.replace(tmp, target)
    except OSError as exc:
        raise DiskWriteFailure(f"cannot write {target}: {exc.strerror}") from None
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def _progress(show: bool, total: int) -> Iterator[Progress]:
    """A rich progress bar on stderr when SHOW is set and stderr is a terminal; else a no-op."""
    if not (show and sys.stderr.isatty()):
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import DownloadColumn, TransferSpeedColumn
    from rich.progress import Progress as Bar

    columns = (*Bar.get_default_columns(), DownloadColumn(), TransferSpeedColumn())
    with Bar(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("downloading", total=total)
        yield lambda n: bar.advance(task, n)
