"""``sticoop download URL`` (any data package) against a hostile server: what the hostile-input
rules require of our own downloads holds here too (deadlines, signals, archives, redirects,
limits), and nothing outside the cache and the destination is written."""

from __future__ import annotations

import json
import signal
import time

import pytest

from .conftest import temporaries, tree_hash
from .server import Route, make_zip
from .test_transfer import _interrupt, _sticoop

CSV = b"id,name\n1,alpha\n2,beta\n"


def _descriptor(path: str = "data/t.csv", **extra: object) -> bytes:
    resource = {
        "name": "t",
        "path": path,
        "format": "csv",
        "schema": {"fields": [{"name": "id", "type": "integer"}, {"name": "name"}]},
        **extra,
    }
    return json.dumps({"name": "hostile-package", "resources": [resource]}).encode()


def _serve(site, descriptor: bytes | None = None, body: bytes = CSV) -> str:
    site.routes["/pkg/datapackage.json"] = Route(descriptor or _descriptor())
    site.routes["/pkg/data/t.csv"] = Route(body)
    return f"{site.base}/pkg/datapackage.json"


def _unchanged(sandbox, run, *args: str):
    before = tree_hash(sandbox.root, skip=("cache",))
    result = run("download", *args, "--quiet")
    assert tree_hash(sandbox.root, skip=("cache",)) == before, result.stderr
    assert temporaries(sandbox.root) == []
    return result


def test_a_plain_package_downloads(site, sandbox, run) -> None:
    url = _serve(site)
    result = run("download", url, "--quiet")
    assert result.exit_code == 0, result.stderr
    assert (sandbox.work / "hostile-package" / "data" / "t.csv").read_bytes() == CSV
    assert temporaries(sandbox.root) == []


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/t.csv"])
def test_a_resource_redirected_to_another_scheme_is_refused(site, sandbox, run, target) -> None:
    url = _serve(site)
    site.routes["/pkg/data/t.csv"] = Route(status=302, location=target)
    result = _unchanged(sandbox, run, url)
    assert result.exit_code == 3 and "only http and https" in result.stderr


def test_a_slow_drip_is_stopped_at_the_deadline(site, sandbox, run) -> None:
    url = _serve(site)
    site.routes["/pkg/data/t.csv"] = Route(CSV * 50, drip_after=10, drip_delay=0.2)
    started = time.monotonic()
    result = _unchanged(sandbox, run, url, "--timeout", "1")
    assert result.exit_code == 3 and "not finished within 1 s" in result.stderr
    assert time.monotonic() - started < 15


def test_a_descriptor_that_never_comes_is_left_at_the_deadline(site, sandbox, run) -> None:
    site.routes["/pkg/datapackage.json"] = Route(hang=True)
    result = _unchanged(sandbox, run, f"{site.base}/pkg/datapackage.json", "--timeout", "1")
    assert result.exit_code == 3


def test_a_descriptor_announcing_too_many_bytes_is_refused(site, sandbox, run) -> None:
    site.routes["/pkg/datapackage.json"] = Route(b"{}", length=64 << 20)
    result = _unchanged(sandbox, run, f"{site.base}/pkg/datapackage.json")
    assert result.exit_code == 9 and "more than" in result.stderr


@pytest.mark.parametrize(
    "body",
    [b"[" * 10_000 + b"]" * 10_000, b'{"resources": [], "n": 1' + b"0" * 5000 + b"}", b"\xff"],
)
def test_a_hostile_descriptor_is_refused_by_the_model(site, sandbox, run, body) -> None:
    site.routes["/pkg/datapackage.json"] = Route(body)
    result = _unchanged(sandbox, run, f"{site.base}/pkg/datapackage.json")
    assert result.exit_code == 1, result.stderr


@pytest.mark.parametrize(
    "members",
    [
        {"../evil.txt": b"x"},
        {"pkg/datapackage.json": _descriptor(), "/abs.csv": b"x"},
    ],
)
def test_an_unsafe_zip_is_refused(site, sandbox, run, members) -> None:
    site.routes["/pkg.zip"] = Route(make_zip(members))
    result = _unchanged(sandbox, run, f"{site.base}/pkg.zip")
    assert result.exit_code == 8, result.stderr
    assert not (sandbox.root / "evil.txt").exists()


def test_a_zip_member_link_is_refused(site, sandbox, run) -> None:
    members = {"datapackage.json": _descriptor(), "data/t.csv": b"/etc/passwd"}
    site.routes["/pkg.zip"] = Route(make_zip(members, links=("data/t.csv",)))
    result = _unchanged(sandbox, run, f"{site.base}/pkg.zip")
    assert result.exit_code == 8 and "symbolic link" in result.stderr


def test_a_zip_without_a_descriptor_is_refused(site, sandbox, run) -> None:
    site.routes["/pkg.zip"] = Route(make_zip({"a/b/datapackage.json": b"{}"}))
    result = _unchanged(sandbox, run, f"{site.base}/pkg.zip")
    assert result.exit_code == 9 and "holds no datapackage.json" in result.stderr


def test_a_lock_pointing_elsewhere_is_not_followed(site, sandbox, run) -> None:
    url = _serve(site)
    assert run("download", url, "--quiet").exit_code == 0
    lock = sandbox.work / "hostile-package" / "datapackage.lock.json"
    data = json.loads(lock.read_text())
    data["files"][0]["path"] = "../../victim.txt"
    lock.write_text(json.dumps(data))
    result = _unchanged(sandbox, run, "--verify", "hostile-package")
    assert result.exit_code == 2 and "unsafe path" in result.stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_during_a_package_download_leaves_nothing(site, sandbox, signum) -> None:
    url = _serve(site, body=CSV * 2000)
    site.routes["/pkg/data/t.csv"] = Route(CSV * 2000, drip_after=1000, drip_delay=0.05)
    before = tree_hash(sandbox.root, skip=("cache",))
    proc = _sticoop("download", url, "--quiet", cwd=sandbox.work, cache=sandbox.cache)
    part, err = _interrupt(proc, sandbox.cache, signum)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err
    assert not part.exists()
    assert tree_hash(sandbox.root, skip=("cache",)) == before
    assert temporaries(sandbox.root) == []


def test_stale_part_files_of_the_store_are_cleaned(site, sandbox, run) -> None:
    import os

    store = sandbox.cache / "sha256"
    store.mkdir(parents=True)
    stale, fresh = store / ".0123456789abcdef.x.part", store / ".0123456789abcdef.y.part"
    stale.write_bytes(b"x" * 10)
    fresh.write_bytes(b"y" * 10)
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    result = run("download", _serve(site), "--quiet")
    assert result.exit_code == 0, result.stderr
    assert not stale.exists() and fresh.exists()
