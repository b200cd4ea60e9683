"""One HTTP server on 127.0.0.1 for the tests: it serves what a test tells it to (at once,
dripped, cut short, redirected, or not at all), answers a bounded number of requests and
never waits long. Used by the download tests and by the hostile suite (tests/hostile/server.py).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HANDLER_TIMEOUT = 5  # seconds a connection may sit idle on the server's side


@dataclass
class Route:
    """How to answer one path: a body, sent at once, dripped or cut short; or a redirect."""

    body: bytes = b""
    status: int = 200
    location: str | None = None  # a redirect (status 302 unless STATUS says otherwise)
    drip_delay: float = 0.0  # seconds between dripped bytes after the first DRIP_AFTER bytes
    drip_after: int = 0
    length: int | None = None  # the Content-Length to announce (default: len(body))
    hang: bool = False  # accept the request, then say nothing until the server stops
    drop: bool = False  # close the connection without answering
    stop_after: int | None = None  # the first answer sends only this many bytes, then closes
    ranges: bool = True  # honour Range requests (when the site does)


@dataclass
class Site:
    """What the server serves and what it was asked for."""

    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)  # the paths asked for, in order
    asked: list[tuple[str, str]] = field(default_factory=list)  # (path, Range header)
    base: str = ""
    max_requests: int = 50  # a test that needs more is looping: 503 beyond this
    ranges: bool = False  # honour ``Range: bytes=N-`` (on the routes that do)
    stopping: threading.Event = field(default_factory=threading.Event)

    def serve_folder(self, folder: Path, prefix: str = "") -> str:
        """Serve every file under FOLDER at /PREFIX/<relative path>; returns that URL."""
        top = f"/{prefix}" if prefix else ""
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                rel = path.relative_to(folder).as_posix()
                self.routes[f"{top}/{rel}"] = Route(path.read_bytes())
        return self.base + top

    def serve_json(self, path: str, value: Any) -> str:
        """Serve VALUE as JSON at PATH; returns its URL."""
        self.routes[path] = Route(json.dumps(value).encode())
        return self.base + path


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        timeout = HANDLER_TIMEOUT
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            asked = self.headers.get("Range", "")
            with lock:
                site.hits.append(self.path)
                site.asked.append((self.path, asked))
                count = len(site.hits)
            route = site.routes.get(self.path)
            if count > site.max_requests:
                self.send_error(503, "too many requests for a test")
            elif route is None:
                self.send_error(404)
            elif route.hang:
                site.stopping.wait(HANDLER_TIMEOUT)
            elif route.drop:
                self.close_connection = True
            elif route.location is not None:
                self.send_response(302 if route.status == 200 else route.status)
                self.send_header("Location", route.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._send(route, asked)

        def _send(self, route: Route, asked: str) -> None:
            body, start = route.body, 0
            match = re.fullmatch(r"bytes=(\d+)-", asked)
            if match and site.ranges and route.ranges and route.status == 200:
                start = int(match.group(1))
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            else:
                self.send_response(route.status)
            length = len(body) - start if route.length is None else route.length
            self.send_header("Content-Length", str(length))
            self.end_headers()
            sent = body[start:]
            if route.stop_after is not None:
                sent, route.stop_after = sent[: route.stop_after], None
            with suppress(OSError):  # the client may hang up (a failed sibling cancels it)
                if not route.drip_delay:
                    self.wfile.write(sent)
                    self.wfile.flush()
                    return
                self.wfile.write(sent[: route.drip_after])
                self.wfile.flush()
                tail = sent[route.drip_after :]
                for i in range(len(tail)):
                    if site.stopping.wait(route.drip_delay):
                        return
                    self.wfile.write(tail[i : i + 1])
                    self.wfile.flush()

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serving(site: Site) -> Iterator[Site]:
    """Serve SITE from a threaded HTTP server on 127.0.0.1 (a free port) for the block."""
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
