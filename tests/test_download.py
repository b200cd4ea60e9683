"""``sticoop download`` against built releases served on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import hashlib
import io
import json
import socket
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from http_site import Route, Site, serving
from release_helpers import copy_bundled

from sticoop.release.build import build_release
from sticoop.release.cache import INDEX_COPY
from sticoop.validators.engine import validate

NAME = "vn-sti-cooperation"


@dataclass
class ReleaseSite(Site):
    """The test server serving a release and its index (``url``), with the paths asked for."""

    max_requests: int = 200

    @property
    def url(self) -> str:
        return f"{self.base}/releases.json"

    def index(self) -> dict:
        return json.loads(self.routes["/releases.json"].body)

    def set_index(self, index: dict) -> None:
        self.routes["/releases.json"] = Route(json.dumps(index).encode())

    def artefact_path(self, fmt: str, version: str = "0.1.0") -> str:
        entry = next(r for r in self.index()["releases"] if r["version"] == version)
        return "/" + entry["artefacts"][fmt]["url"]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The bundled package built as release 0.1.0 with its index (written by the build): the
    files to serve, by path."""
    root = tmp_path_factory.mktemp("published")
    dist = root / "dist"
    build_release(copy_bundled(root / "pkg"), dist, date="2025-11-23")
    files = [p for p in dist.rglob("*") if p.is_file()]
    return {"/" + p.relative_to(dist).as_posix(): p.read_bytes() for p in files}


@pytest.fixture
def site(published: dict[str, bytes], monkeypatch, tmp_path: Path) -> Iterator[ReleaseSite]:
    """A fresh HTTP server on 127.0.0.1 serving the published release; a private cache."""
    monkeypatch.setenv("STICOOP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("STICOOP_INDEX_URL", raising=False)
    routes = {path: Route(body) for path, body in published.items()}
    with serving(ReleaseSite(routes=routes)) as state:
        yield state


def cached_files(tmp_path: Path) -> list[Path]:
    """The cached artefacts (not the index copy kept for --offline)."""
    return [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and p.name != INDEX_COPY]


def test_download_verifies_unpacks_and_validates(site: ReleaseSite, tmp_path: Path, cli) -> None:
    dest = tmp_path / "data"
    result = cli("download", "--index-url", site.url, "--dest", str(dest), "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{NAME} 0.1.0 (csv): {dest}\n"
    assert (dest / "datapackage.json").is_file() and (dest / "resources").is_dir()
    assert validate(dest).ok
    assert cli("validate", str(dest)).exit_code == 0
    query = cli("sql", "--data", str(dest), "SELECT count(*) AS n FROM events")
    assert query.exit_code == 0, query.stderr
    events = len((dest / "resources" / "events.csv").read_text().splitlines()) - 1
    assert str(events) in query.stdout


def test_cache_hit_downloads_once(site: ReleaseSite, tmp_path: Path, cli, monkeypatch) -> None:
    monkeypatch.setenv("STICOOP_INDEX_URL", site.url)  # the environment variable works too
    first = cli("download", "0.1.0", "--dest", str(tmp_path / "a"))
    second = cli("download", "latest", "--dest", str(tmp_path / "b"))
    assert (first.exit_code, second.exit_code) == (0, 0), first.stderr + second.stderr
    assert "(from cache)" not in first.stdout and "(from cache)" in second.stdout
    assert site.hits.count(site.artefact_path("csv")) == 1
    assert (tmp_path / "a" / "datapackage.json").read_bytes() == (
        tmp_path / "b" / "datapackage.json"
    ).read_bytes()


def test_damaged_cache_entry_is_fetched_again(site: ReleaseSite, tmp_path: Path, cli) -> None:
    assert cli("download", "--index-url", site.url, "--dest", str(tmp_path / "a")).exit_code == 0
    (cached,) = cached_files(tmp_path)
    cached.write_bytes(b"garbage")
    again = cli("download", "--index-url", site.url, "--dest", str(tmp_path / "b"))
    assert again.exit_code == 0 and "(from cache)" not in again.stdout
    assert site.hits.count(site.artefact_path("csv")) == 2


@pytest.mark.parametrize("fmt", ["parquet", "duckdb"])
def test_other_formats(site: ReleaseSite, tmp_path: Path, cli, fmt: str) -> None:
    dest = tmp_path / "out"
    result = cli("download", "-f", fmt, "--index-url", site.url, "--dest", str(dest))
    assert result.exit_code == 0, result.stderr
    if fmt == "parquet":
        assert (dest / "events.parquet").is_file() and (dest / "datapackage.json").is_file()
    else:
        import duckdb

        con = duckdb.connect(str(dest / f"{NAME}-0.1.0.duckdb"), read_only=True)
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] > 0
        con.close()


def test_one_table_parquet_file(site: ReleaseSite, tmp_path: Path, cli) -> None:
    import pyarrow.parquet as pq

    dest = tmp_path / "out"
    args = ["--index-url", site.url, "--dest", str(dest)]
    result = cli("download", "-f", "parquet:events", *args)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in dest.iterdir()) == ["events.parquet"]
    assert pq.read_metadata(dest / "events.parquet").num_rows > 0
    missing = cli("download", "-f", "parquet:nothing", *args)
    assert missing.exit_code == 4 and "has no parquet:nothing artefact" in missing.stderr
    unsafe = cli("download", "-f", "parquet:../x", *args)
    assert unsafe.exit_code == 2 and "unknown format" in unsafe.stderr
    assert "Traceback" not in missing.stderr + unsafe.stderr


def test_corrupted_file_is_rejected_and_deleted(site: ReleaseSite, tmp_path: Path, cli) -> None:
    path = site.artefact_path("csv")
    body = bytearray(site.routes[path].body)
    body[len(body) // 2] ^= 0xFF
    site.routes[path] = Route(bytes(body))
    result = cli("download", "--index-url", site.url, "--dest", str(tmp_path / "d"))
    assert result.exit_code == 5
    assert "SHA-256" in result.stderr and "the file was deleted" in result.stderr
    assert cached_files(tmp_path) == [] and not (tmp_path / "d").exists()


@pytest.mark.parametrize("mode", ["truncate", "overlong"])
def test_truncated_transfer(site: ReleaseSite, tmp_path: Path, cli, mode: str) -> None:
    path = site.artefact_path("csv")
    body = site.routes[path].body  # Content-Length larger than the body sent:
    cut = Route(body[: len(body) // 2], length=len(body))
    site.routes[path] = cut if mode == "truncate" else Route(body, length=len(body) + 1000)
    result = cli("download", "--index-url", site.url, "--dest", str(tmp_path / "d"))
    assert result.exit_code == 6, result.stderr
    assert "transfer ended after" in result.stderr
    assert cached_files(tmp_path) == []


def test_missing_artefact_is_a_404(site: ReleaseSite, tmp_path: Path, cli) -> None:
    del site.routes[site.artefact_path("csv")]
    result = cli("download", "--index-url", site.url, "--dest", str(tmp_path / "d"))
    assert result.exit_code == 3
    assert "the server answered 404" in result.stderr


def test_dropped_connection(site: ReleaseSite, tmp_path: Path, cli) -> None:
    site.routes["/releases.json"] = Route(drop=True)
    result = cli("download", "--index-url", site.url, "--dest", str(tmp_path / "d"))
    assert result.exit_code == 3
    assert "cannot reach" in result.stderr


def test_no_network(tmp_path: Path, cli, monkeypatch) -> None:
    monkeypatch.setenv("STICOOP_CACHE_DIR", str(tmp_path / "cache"))
    with socket.socket() as sock:  # a port on 127.0.0.1 that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/releases.json"
    result = cli("download", "--index-url", url, "--dest", str(tmp_path / "d"))
    assert result.exit_code == 3
    assert "cannot reach" in result.stderr and "hint:" in result.stderr


def test_unknown_version(site: ReleaseSite, tmp_path: Path, cli) -> None:
    result = cli("download", "9.9.9", "--index-url", site.url, "--dest", str(tmp_path / "d"))
    assert result.exit_code == 4
    assert "no release 9.9.9" in result.stderr and "available: 0.1.0" in result.stderr


def test_invalid_index(site: ReleaseSite, tmp_path: Path, cli) -> None:
    site.routes["/releases.json"] = Route(b"<html>not json</html>")
    result = cli("download", "--index-url", site.url, "--dest", str(tmp_path / "d"))
    assert result.exit_code == 9


def test_disk_write_failure(site: ReleaseSite, tmp_path: Path, cli, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("STICOOP_CACHE_DIR", str(blocker / "cache"))
    result = cli("download", "--index-url", site.url, "--dest", str(tmp_path / "d"))
    assert result.exit_code == 7
    assert "cannot write" in result.stderr


def _evil_release(
    site: ReleaseSite, members: dict[str, bytes], unpacked: int | None = None
) -> None:
    """Publish release 6.6.6 whose csv artefact is a zip with MEMBERS (checksums correct)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            if name.startswith("link:"):
                info = zipfile.ZipInfo(name[5:])
                info.create_system = 3
                info.external_attr = 0o120777 << 16  # a symbolic link
                zf.writestr(info, data)
            else:
                zf.writestr(name, data)
    body = buf.getvalue()
    site.routes["/evil.zip"] = Route(body)
    size = sum(len(d) for d in members.values()) if unpacked is None else unpacked
    info = {"url": "evil.zip", "file": "evil.zip", "size": len(body), "unpacked_size": size}
    info["sha256"] = hashlib.sha256(body).hexdigest()
    index = site.index()
    index["releases"].insert(0, {"version": "6.6.6", "date": "2025-01-01", "artefacts": {}})
    index["releases"][0]["artefacts"]["csv"] = info
    site.set_index(index)


@pytest.mark.parametrize(
    ("members", "unpacked", "message"),
    [
        ({"datapackage.json": b"{}", "../evil.txt": b"x"}, None, "escapes the destination"),
        ({"/etc/evil.txt": b"x"}, None, "absolute"),
        ({"datapackage.json": b"{}", "link:resources": b"/etc"}, None, "symbolic link"),
        ({"datapackage.json": b"\0" * 5_000_000}, 1_000, "more than the"),
    ],
    ids=["dot-dot", "absolute", "symlink", "bomb"],
)
def test_unsafe_archives_are_rejected(
    site: ReleaseSite, tmp_path: Path, cli, members: dict, unpacked: int | None, message: str
) -> None:
    _evil_release(site, members, unpacked)
    dest = tmp_path / "inner" / "d"
    result = cli("download", "6.6.6", "--index-url", site.url, "--dest", str(dest))
    assert result.exit_code == 8, result.stderr
    assert message in result.stderr
    assert not dest.exists() and not (tmp_path / "inner" / "evil.txt").exists()
    assert not (tmp_path / "inner").exists()  # checked before anything is created


def test_offline_and_cache_commands_with_a_real_release(
    site: ReleaseSite, tmp_path: Path, cli
) -> None:
    for fmt in ("csv", "duckdb"):
        dest = tmp_path / f"online-{fmt}"
        assert (
            cli("download", "-f", fmt, "--index-url", site.url, "--dest", str(dest)).exit_code == 0
        )
    hits = len(site.hits)
    offline = cli("download", "--offline", "--dest", str(tmp_path / "offline"), "--quiet")
    assert offline.exit_code == 0, offline.stderr
    assert offline.stdout == f"{NAME} 0.1.0 (csv) (from cache): {tmp_path / 'offline'}\n"
    assert len(site.hits) == hits, "--offline used the network"
    assert validate(tmp_path / "offline").ok
    listed = cli("cache", "list")
    assert listed.exit_code == 0 and "2 file(s)" in listed.stdout
    assert f"{NAME} 0.1.0  {NAME}-0.1.0-csv.zip" in listed.stdout
    assert cli("cache", "clear").exit_code == 0
    assert cached_files(tmp_path) == [] and list((tmp_path / "cache").iterdir()) == []
    missing = cli("download", "--offline", "--dest", str(tmp_path / "again"))
    assert missing.exit_code == 4 and "in the cache" in missing.stderr
