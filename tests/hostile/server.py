"""A hostile release server on 127.0.0.1 for the tests (``tests/http_site.py``): it serves what
a test tells it to, slowly, wrongly or not at all, answers a bounded number of requests, and
never waits long; here, the release index and artefacts it publishes."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from http_site import Route, Site, serving

__all__ = ["NAME", "VERSION", "HostileSite", "Route", "hostile_server"]

MAX_REQUESTS = 50  # a test that needs more is looping: the server answers 503 beyond this

NAME = "hostile-data"
VERSION = "1.0.0"


@dataclass
class HostileSite(Site):
    """What the server serves and what it was asked for (Range requests are not honoured)."""

    max_requests: int = MAX_REQUESTS

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


@contextmanager
def hostile_server() -> Iterator[HostileSite]:
    """A threaded HTTP server on 127.0.0.1 (a free port) for the duration of the block."""
    with serving(HostileSite()) as site:
        yield site
