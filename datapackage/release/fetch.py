"""HTTP(S) downloads with urllib: size and SHA-256 checked, written atomically, with a
progress bar on a terminal. Each failure maps to its own error (see ``sticoop.errors``).

Everything fetched is untrusted: only http and https URLs are opened (a redirect elsewhere is
refused, at most ``MAX_REDIRECTS`` are followed), every read waits at most ``TIMEOUT`` seconds,
and a whole transfer ends at its ``Deadline`` however slowly the server drips its bytes.
"""

from __future__ import annotations

import hashlib
import http.client
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, BinaryIO
from urllib.parse import urljoin, urlsplit

from sticoop.atomic import atomic_output
from sticoop.errors import (
    ChecksumMismatch,
    DiskWriteFailure,
    DownloadTimeout,
    NetworkFailure,
    TruncatedDownload,
    UsageError,
)

TIMEOUT = 30  # seconds without data before giving up
DEADLINE = 600  # seconds a whole download (index and artefact) may take by default
MAX_DEADLINE = 7 * 24 * 3600  # the largest --timeout accepted
INDEX_LIMIT = 16 << 20  # a release index larger than this is refused
MAX_REDIRECTS = 5
SCHEMES = ("http", "https")
PART_SUFFIX = ".part"
# downloaded files are the user's own, as the temporary files they were written to
PART_MODE = 0o600
_CHUNK = 1 << 16
Progress = Callable[[int], None]


class Deadline:
    """An overall time limit: when it passes, every socket opened under it is shut down, so a
    read blocked on a slow server returns at once. Use as a context manager."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._expired = False
        self._timer = threading.Timer(min(max(seconds, 0), threading.TIMEOUT_MAX), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    @property
    def expired(self) -> bool:
        return self._expired or time.monotonic() >= self.end

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def read_timeout(self) -> float:
        """The timeout of one read: ``TIMEOUT``, or less when the deadline is nearer."""
        return max(0.05, min(TIMEOUT, self.remaining()))

    def track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self._expired:
                _shut(sock)

    def stop(self) -> None:
        """End every transfer under this deadline now (Ctrl-C in another thread)."""
        self._expire()

    def _expire(self) -> None:
        with self._lock:
            self._expired = True
            for sock in self._sockets:
                _shut(sock)

    def check(self, url: str) -> None:
        """DownloadTimeout when the deadline has passed."""
        if self.expired:
            raise DownloadTimeout(
                f"{url}: not finished within {self.seconds:g} s; stopped",
                hint="the server is too slow; try again later or raise --timeout",
            )


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _tracked(base: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
    """BASE whose sockets (the plain one, then the TLS one) are handed to a Deadline."""

    # mypy cannot take a class held in a variable as a base: the one place it is told so
    class Tracked(base):  # type: ignore[valid-type,misc]
        _create_connection: Callable[..., socket.socket]

        def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._deadline = deadline

        def connect(self) -> None:
            create = self._create_connection

            def tracked_create(*args: Any, **kwargs: Any) -> socket.socket:
                sock = create(*args, **kwargs)
                self._deadline.track(sock)
                return sock

            self._create_connection = tracked_create
            super().connect()
            self._deadline.track(self.sock)

    return Tracked


_HTTPConnection = _tracked(http.client.HTTPConnection)
_HTTPSConnection = _tracked(http.client.HTTPSConnection)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPConnection, req, deadline=self._deadline)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPSConnection, req, deadline=self._deadline)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows at most ``MAX_REDIRECTS`` redirects, and only to http or https URLs."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        check_scheme(urljoin(req.full_url, newurl), f"{req.full_url} redirects to", NetworkFailure)
        return super().redirect_request(req, fp, code, msg, headers, newurl)

    def http_error_302(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
    ) -> http.client.HTTPResponse | None:
        target = headers.get("location") or headers.get("uri")
        if target:  # checked before urllib's own test, which lets ftp: through
            try:
                check_scheme(
                    urljoin(req.full_url, target), f"{req.full_url} redirects to", NetworkFailure
                )
            except NetworkFailure:
                fp.close()
                raise
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def check_scheme(url: str, what: str, error: type[Exception] = UsageError) -> str:
    """URL when its scheme is http or https; else ERROR naming WHAT."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in SCHEMES:
        raise error(f"{what} {url!r}: only http and https URLs are fetched")
    return url


def _opener(deadline: Deadline) -> urllib.request.OpenerDirector:
    """An opener for http and https only (no file:, ftp: or data: handler)."""
    opener = urllib.request.OpenerDirector()
    handlers = (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        _HTTPHandler(deadline),
        _HTTPSHandler(deadline),
        urllib.request.HTTPDefaultErrorHandler(),
        _Redirects(),
        urllib.request.HTTPErrorProcessor(),
    )
    for handler in handlers:
        opener.add_handler(handler)
    return opener


_OFFLINE = (
    "check the network connection, pass --index-url / set STICOOP_INDEX_URL, "
    "or pass --offline to use the newest cached release"
)


def _open(
    url: str, deadline: Deadline, headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    check_scheme(url, "cannot fetch")
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "sticoop", **(headers or {})})
        return _opener(deadline).open(request, timeout=deadline.read_timeout())
    except urllib.error.HTTPError as exc:
        exc.close()
        deadline.check(url)
        raise NetworkFailure(f"{url}: the server answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        deadline.check(url)
        raise NetworkFailure(f"cannot reach {url}: {exc.reason}", hint=_OFFLINE) from None
    except (http.client.HTTPException, OSError, ValueError) as exc:
        deadline.check(url)
        raise NetworkFailure(f"cannot reach {url}: {exc or type(exc).__name__}") from None


def _read(resp: http.client.HTTPResponse, size: int, deadline: Deadline, url: str) -> bytes:
    """At most SIZE bytes of RESP, returned as soon as some arrive (one read of the socket)."""
    deadline.check(url)
    sock = getattr(getattr(resp.fp, "raw", None), "_sock", None)
    if isinstance(sock, socket.socket):
        with suppress(OSError):
            sock.settimeout(deadline.read_timeout())
    try:
        chunk = resp.read1(size)
    except (http.client.HTTPException, OSError, ValueError) as exc:
        deadline.check(url)
        raise TruncatedDownload(
            f"{url}: transfer interrupted ({exc or type(exc).__name__})"
        ) from None
    if not chunk:
        deadline.check(url)  # a socket shut down by the deadline reads as the end of data
    return chunk


def fetch_small(url: str, deadline: Deadline, limit: int = INDEX_LIMIT) -> bytes:
    """The body of URL (a release index); refused beyond LIMIT bytes."""
    with _open(url, deadline) as resp:
        data = bytearray()
        while len(data) <= limit:
            chunk = _read(resp, min(_CHUNK, limit + 1 - len(data)), deadline, url)
            if not chunk:
                break
            data += chunk
        expected = _announced(resp)
    if len(data) > limit:
        raise NetworkFailure(f"{url}: more than {limit:,} bytes; not a release index")
    if expected is not None and len(data) < expected:
        raise TruncatedDownload(f"{url}: got {len(data):,} of {expected:,} bytes")
    return bytes(data)


def _announced(resp: http.client.HTTPResponse) -> int | None:
    value = resp.headers.get("Content-Length", "")
    return int(value) if value.isdigit() and len(value) < 20 else None


def _copy(
    resp: http.client.HTTPResponse,
    out: BinaryIO,
    size: int,
    progress: Progress,
    deadline: Deadline,
    url: str,
) -> str:
    """Copy at most SIZE + 1 bytes of RESP into OUT; return the SHA-256 of what was copied.

    Fewer bytes than SIZE or than the Content-Length header is a truncated transfer."""
    digest = hashlib.sha256()
    received = 0
    while received <= size:
        try:
            chunk = _read(resp, min(_CHUNK, size + 1 - received), deadline, url)
        except TruncatedDownload as exc:
            raise TruncatedDownload(
                f"transfer interrupted after {received:,} of {size:,} bytes ({exc.message})"
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


def download(
    url: str,
    target: Path,
    size: int,
    sha256: str,
    *,
    deadline: Deadline,
    show_progress: bool,
) -> None:
    """Download URL to TARGET: a temporary ``.part`` file beside it, checked for SIZE and
    SHA256, then renamed. A file that fails a check is deleted; TARGET is never left
    half-written, and the ``.part`` file is removed however the function is left (an error,
    Ctrl-C, or SIGTERM turned into an exception by the caller)."""
    with (
        atomic_output(target, mode=PART_MODE, suffix=PART_SUFFIX, error=DiskWriteFailure) as out,
        _open(url, deadline) as resp,
        _progress(show_progress, size) as bar,
    ):
        digest = _copy(resp, out, size, bar, deadline, url)
        if digest != sha256.lower():
            raise ChecksumMismatch(
                f"{target.name}: SHA-256 {digest} differs from the index's {sha256}; "
                "the file was deleted"
            )


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
