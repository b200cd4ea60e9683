"""A hostile server: redirects to other schemes or in circles, bytes dripped one at a time,
no answer at all, and signals sent to a download in progress. Exit 3 for what the network
does, 130 for an interrupt; never a traceback, a .part file or an empty cache folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import temporaries, tree_hash
from .server import NAME, VERSION, Route, valid_zip

DEADLINE = "1.5"  # seconds: small, so that a slow server costs the suite little


def _unchanged(site, sandbox, run, *args: str):
    """Run a download that must fail; check the sandbox (cache included) did not change."""
    before = tree_hash(sandbox.root)
    result = run("download", "--index-url", site.index_url, "--quiet", *args)
    assert tree_hash(sandbox.root) == before, "the sandbox changed"
    assert temporaries(sandbox.root) == []
    assert not sandbox.cache.exists(), "a failed download left a cache folder"
    return result


@pytest.mark.parametrize(
    "target",
    ["file:///etc/passwd", "FILE:///etc/passwd", "ftp://127.0.0.1/data.zip", "data:,hello"],
)
@pytest.mark.parametrize("status", [301, 302, 307])
def test_redirect_to_another_scheme_is_refused(site, sandbox, run, target, status) -> None:
    site.publish(valid_zip())
    site.routes["/data.zip"] = Route(status=status, location=target)
    result = _unchanged(site, sandbox, run)
    assert result.exit_code == 3, result.stderr
    assert "redirects to" in result.stderr and "only http and https" in result.stderr


def test_redirect_of_the_index_to_a_file_is_refused(site, sandbox, run) -> None:
    site.routes["/releases.json"] = Route(status=302, location="file:///etc/passwd")
    result = _unchanged(site, sandbox, run)
    assert result.exit_code == 3, result.stderr
    assert "only http and https" in result.stderr


def test_redirect_loops_and_chains_end(site, sandbox, run) -> None:
    site.publish(valid_zip())
    site.routes["/data.zip"] = Route(status=302, location="/loop")
    site.routes["/loop"] = Route(status=302, location="/data.zip")
    result = _unchanged(site, sandbox, run)
    assert result.exit_code == 3, result.stderr
    assert len(site.hits) < 20


def test_long_redirect_chain_is_cut(site, sandbox, run) -> None:
    site.publish(valid_zip())
    site.routes["/data.zip"] = Route(status=302, location="/r1")
    for i in range(1, 12):
        site.routes[f"/r{i}"] = Route(status=302, location=f"/r{i + 1}")
    result = _unchanged(site, sandbox, run)
    assert result.exit_code == 3, result.stderr
    assert "/r7" not in site.hits  # at most 5 redirects are followed


def test_redirect_to_http_is_followed(site, sandbox, run) -> None:
    site.publish(valid_zip())
    site.routes["/moved.zip"] = site.routes["/data.zip"]
    site.routes["/data.zip"] = Route(status=301, location=f"{site.base}/moved.zip")
    result = run("download", "--index-url", site.index_url, "--quiet")
    assert result.exit_code == 0, result.stderr
    assert (sandbox.work / f"{NAME}-{VERSION}" / "datapackage.json").is_file()


@pytest.mark.parametrize("what", ["index", "artefact"])
def test_slow_drip_is_stopped_at_the_deadline(site, sandbox, run, what: str) -> None:
    site.publish(valid_zip() + b"\0" * 20_000)  # would take 1,000 s at 50 ms a byte
    path = "/releases.json" if what == "index" else "/data.zip"
    route = site.routes[path]
    site.routes[path] = Route(route.body, drip_after=10, drip_delay=0.05)
    started = time.monotonic()
    result = _unchanged(site, sandbox, run, "--timeout", DEADLINE)
    assert time.monotonic() - started < 10
    assert result.exit_code == 3, result.stderr
    assert f"not finished within {DEADLINE} s" in result.stderr


def test_a_server_that_never_answers_is_left_at_the_deadline(site, sandbox, run) -> None:
    site.publish(valid_zip())
    site.routes["/data.zip"] = Route(hang=True)
    started = time.monotonic()
    result = _unchanged(site, sandbox, run, "--timeout", DEADLINE)
    assert time.monotonic() - started < 10
    assert result.exit_code == 3, result.stderr
    assert "not finished within" in result.stderr


def test_failed_download_leaves_no_empty_cache_folder(site, sandbox, run) -> None:
    site.publish(valid_zip())
    del site.routes["/data.zip"]
    sandbox.cache.mkdir()  # the cache exists, empty: it stays, with nothing added
    before = tree_hash(sandbox.root)
    result = run("download", "--index-url", site.index_url, "--quiet")
    assert result.exit_code == 3 and "404" in result.stderr
    assert tree_hash(sandbox.root) == before
    assert list(sandbox.cache.iterdir()) == []


def test_stale_part_files_are_cleaned_at_the_next_run(site, sandbox, run) -> None:
    site.publish(valid_zip())
    folder = sandbox.cache / NAME / VERSION
    folder.mkdir(parents=True)
    stale, fresh = folder / ".data.zip.killed.part", folder / ".data.zip.running.part"
    stale.write_bytes(b"x" * 100)
    fresh.write_bytes(b"y" * 100)
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    keep = folder / "notes.txt"  # not a .part file: never touched
    keep.write_text("mine")
    os.utime(keep, (two_hours_ago, two_hours_ago))
    result = run("download", "--index-url", site.index_url, "--quiet")
    assert result.exit_code == 0, result.stderr
    assert not stale.exists()
    assert fresh.exists(), "a recent .part may belong to a download still running"
    assert keep.read_text() == "mine"


def _sticoop(*args: str, cwd: Path, cache: Path) -> subprocess.Popen[str]:
    exe = Path(sys.executable).parent / "sticoop"
    env = {**os.environ, "STICOOP_CACHE_DIR": str(cache)}
    env.pop("STICOOP_INDEX_URL", None)
    return subprocess.Popen(
        [str(exe), *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_part(cache: Path, proc: subprocess.Popen[str], seconds: float = 30) -> Path:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        parts = list(cache.rglob("*.part")) if cache.exists() else []
        if parts:
            return parts[0]
        if proc.poll() is not None:
            pytest.fail(f"sticoop ended early: {proc.communicate()}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail("no .part file appeared")


def _interrupt(proc: subprocess.Popen[str], cache: Path, signum: int) -> tuple[Path, str]:
    """Send SIGNUM to PROC once its download is well under way: the .part file it had and
    its stderr (the process is killed if it does not end)."""
    try:
        part = _wait_for_part(cache, proc)
        time.sleep(0.2)  # well into the transfer
        proc.send_signal(signum)
        _out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return part, err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_during_download_leaves_no_part_file(site, sandbox, signum) -> None:
    site.publish(valid_zip() + b"\0" * 20_000)
    route = site.routes["/data.zip"]
    site.routes["/data.zip"] = Route(route.body, drip_after=1000, drip_delay=0.05)
    before = tree_hash(sandbox.root, skip=("cache",))
    proc = _sticoop(
        "download", "--index-url", site.index_url, "--quiet", cwd=sandbox.work, cache=sandbox.cache
    )
    part, err = _interrupt(proc, sandbox.cache, signum)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err
    assert not part.exists()
    assert not sandbox.cache.exists(), "the interrupted download left cache folders"
    assert tree_hash(sandbox.root, skip=("cache",)) == before
    assert temporaries(sandbox.root) == []


@pytest.mark.parametrize("value", ["inf", "nan", "1e300", "0", "-1", "abc"])
def test_absurd_timeouts_are_usage_errors(site, sandbox, run, value: str) -> None:
    site.publish(valid_zip())
    result = _unchanged(site, sandbox, run, "--timeout", value)
    assert result.exit_code == 2, result.stderr
    assert "--timeout" in result.stderr and "Exception" not in result.stderr
    assert site.hits == []
