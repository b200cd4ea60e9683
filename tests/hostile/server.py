"""A hostile release server on 127.0.0.1 for the tests: it serves what a test tells it to,
slowly, wrongly or not at all, answers a bounded number of requests, and never waits long."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_REQUESTS = 50  # a test that needs more is looping: the server answers 503 beyond this
HANDLER_TIMEOUT = 5  # seconds a connection may sit idle on the server's side

NAME = "hostile-data"
VERSION = "1.0.0"


@dataclass
class Route:
    """How to answer one path: a body, sent at once or dripped; or a redirect."""

    body: bytes = b""
    status: int = 200
    location: str | None = None
    drip_delay: float = 0.0  # seconds between dripped bytes after the first DRIP_AFTER bytes
    drip_after: int = 0
    length: int | None = None  # the Content-Length to announce (default: len(body))
    hang: bool = False  # accept the request, then say nothing until the server stops


@dataclass
class HostileSite:
    """What the server serves and what it was asked for."""

    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    base: str = ""
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def index_url(self) -> str:
        return f"{self.base}/releases.json"

    def serve_index(self, index: Any) -> None:
        """Serve INDEX (any JSON value, or bytes as they are) as /releases.json."""
        body = index if isinstance(index, bytes) else json.dumps(index).encode()
        self.routes["/releases.json"] = Route(body)

    def publish(
        self,
        artefact: bytes,
        *,
        file: str = "data.zip",
        fmt: str = "csv",
        version: str = VERSION,
        **extra: Any,
    ) -> dict[str, Any]:
        """Serve ARTEFACT at /FILE and an index whose release VERSION lists it (true
        checksums); EXTRA overrides or adds keys of the artefact's entry. Returns the index."""
        self.routes[f"/{file}"] = Route(artefact)
        info = {
            "url": file,
            "file": file,
            "size": len(artefact),
            "sha256": hashlib.sha256(artefact).hexdigest(),
            **extra,
        }
        index = {
            "index_version": 1,
            "name": NAME,
            "releases": [{"version": version, "date": "2025-01-01", "artefacts": {fmt: info}}],
        }
        self.serve_index(index)
        return index


def make_zip(members: dict[str, bytes], *, links: tuple[str, ...] = ()) -> bytes:
    """A zip holding MEMBERS (deflated); the names in LINKS are stored as symbolic links."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in links:
                info.create_system = 3
                info.external_attr = 0o120777 << 16
            zf.writestr(info, data)
    return buf.getvalue()


def valid_zip() -> bytes:
    return make_zip({"datapackage.json": b'{"name": "hostile-data"}', "resources/a.csv": b"a\n1\n"})


def _handler(site: HostileSite) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        timeout = HANDLER_TIMEOUT
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            with lock:
                site.hits.append(self.path)
                count = len(site.hits)
            route = site.routes.get(self.path)
            if count > MAX_REQUESTS:
                self.send_error(503, "too many requests for a test")
            elif route is None:
                self.send_error(404)
            elif route.hang:
                site.stopping.wait(HANDLER_TIMEOUT)
            elif route.location is not None:
                self.send_response(route.status)
                self.send_header("Location", route.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._send(route)

        def _send(self, route: Route) -> None:
            self.send_response(route.status)
            length = len(route.body) if route.length is None else route.length
            self.send_header("Content-Length", str(length))
            self.end_headers()
            with suppress(OSError):
                head, tail = route.body[: route.drip_after], route.body[route.drip_after :]
                self.wfile.write(head if route.drip_delay else route.body)
                self.wfile.flush()
                if not route.drip_delay:
                    return
                for i in range(len(tail)):
                    if site.stopping.wait(route.drip_delay):
                        return
                    self.wfile.write(tail[i : i + 1])
                    self.wfile.flush()

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def hostile_server() -> Iterator[HostileSite]:
    """A threaded HTTP server on 127.0.0.1 (a free port) for the duration of the block."""
    site = HostileSite()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site
    finally:
        site.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
