"""A download into the content-addressed cache that resumes (HTTP Range) when the server stops
mid-file, built on the hardened transfer of ``fetch`` (http(s) only, redirects checked, per-read
timeout, overall deadline).

The bytes go to a ``.part`` file in the cache; when the connection ends early the transfer asks
for the rest (``Range: bytes=N-``) up to ``RETRIES`` times, and starts over when the server
ignores the range. The ``.part`` file is removed however the function is left.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sticoop.errors import DiskWriteFailure, ResourceRefused, TruncatedDownload
from sticoop.release.fetch import PART_SUFFIX, Deadline, _announced, _open, _read
from sticoop.release.store import add_object, objects_dir

RETRIES = 3  # resumptions of one file after the connection ended early
_CHUNK = 1 << 16
_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


@dataclass(frozen=True)
class Fetched:
    """A file now in the cache."""

    path: Path
    size: int
    sha256: str
    resumed: int  # how many times the transfer was resumed


class _Part:
    """The ``.part`` file being written, with the SHA-256 of what it holds."""

    def __init__(self, folder: Path, stem: str) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{stem}.", suffix=PART_SUFFIX, dir=folder)
        except OSError as exc:
            raise DiskWriteFailure(f"cannot write into {folder}: {exc.strerror}") from None
        self.path = Path(name)
        self.out = os.fdopen(fd, "wb")
        self.digest = hashlib.sha256()
        self.size = 0

    def restart(self) -> None:
        self.out.seek(0)
        self.out.truncate()
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, chunk: bytes) -> None:
        try:
            self.out.write(chunk)
        except OSError as exc:
            raise DiskWriteFailure(f"cannot write the download: {exc.strerror}") from None
        self.digest.update(chunk)
        self.size += len(chunk)


def _total(resp_status: int, headers: http.client.HTTPMessage, offset: int) -> int | None:
    """The size of the whole file as the answer announces it (None when unknown)."""
    if resp_status == 206:
        match = _RANGE.fullmatch(str(headers.get("Content-Range", "")).strip())
        if match and match.group(3) != "*":
            return int(match.group(3))
        return None
    length = headers.get("Content-Length", "")
    return int(length) if str(length).isdigit() and len(str(length)) < 20 else None


def _attempt(
    url: str,
    part: _Part,
    limit: int,
    deadline: Deadline,
    cancel: threading.Event,
    progress: Callable[[int], None],
) -> bool:
    """One request for the rest of URL; True when the file is complete."""
    offset = part.size
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    with _open(url, deadline, headers) as resp:
        if offset and resp.status != 206:
            progress(-offset)
            part.restart()  # the server ignored the range: start over
        elif offset:
            match = _RANGE.fullmatch(resp.headers.get("Content-Range", "").strip())
            if not match or int(match.group(1)) != offset:
                progress(-offset)
                part.restart()
                return False
        total = _total(resp.status, resp.headers, part.size)
        if total is not None and total > limit:
            raise ResourceRefused(f"{url}: announces {total:,} bytes, more than {limit:,}")
        expected = _announced(resp)
        start = part.size
        while True:
            if cancel.is_set():
                raise KeyboardInterrupt("download cancelled")
            chunk = _read(resp, min(_CHUNK, limit + 1 - part.size), deadline, url)
            if not chunk:
                break
            part.write(chunk)
            progress(len(chunk))
            if part.size > limit:
                raise ResourceRefused(f"{url}: more than {limit:,} bytes; stopped")
        got = part.size - start
        if expected is not None and got < expected:
            return False
        return total is None or part.size >= total


def fetch_resumable(
    url: str,
    cache: Path,
    *,
    limit: int,
    deadline: Deadline,
    cancel: threading.Event | None = None,
    progress: Callable[[int], None] = lambda n: None,
) -> Fetched:
    """Download URL (at most LIMIT bytes) into the cache's content store; resume up to
    ``RETRIES`` times when the transfer stops early. TruncatedDownload (exit 6) when it keeps
    stopping."""
    stop = cancel or threading.Event()
    part = _Part(objects_dir(cache), hashlib.sha256(url.encode()).hexdigest()[:16])
    resumed = 0
    try:
        while True:
            before = part.size
            try:
                if _attempt(url, part, limit, deadline, stop, progress):
                    break
                error = f"transfer of {url} ended after {part.size:,} bytes"
            except TruncatedDownload as exc:
                error = exc.message
            resumed += 1
            if resumed > RETRIES or (part.size == before and resumed > 1):
                raise TruncatedDownload(
                    f"{error} (resumed {resumed - 1} times)",
                    hint="the server keeps stopping mid-file; try again later",
                )
        part.out.close()
        sha = part.digest.hexdigest()
        path = add_object(cache, part.path, sha)
        return Fetched(path, part.size, sha, resumed)
    finally:
        part.out.close()
        part.path.unlink(missing_ok=True)
