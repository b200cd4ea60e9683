"""``--offline`` and ``sticoop cache list|clear``: the cache is used without the network only
when it checks out against the index copy kept there, and clearing it deletes the cache's own
files and nothing else."""

from __future__ import annotations

import os

from .conftest import temporaries, tree_hash
from .server import NAME, hostile_server, make_zip, valid_zip


def _zip(version: str) -> bytes:
    return make_zip({"datapackage.json": f'{{"version": "{version}"}}'.encode()})


def _download(run, url: str, *args: str):
    result = run("download", "--index-url", url, "--quiet", *args)
    assert result.exit_code == 0, result.stderr
    return result


def test_offline_uses_the_newest_cached_release(sandbox, run) -> None:
    with hostile_server() as site:
        first = site.publish(_zip("1.0.0"), file="a-1.0.0.zip", version="1.0.0")
        _download(run, site.index_url, "--dest", "first")
        index = site.publish(_zip("1.1.0"), file="a-1.1.0.zip", version="1.1.0")
        site.serve_index({**index, "releases": index["releases"] + first["releases"]})
        _download(run, site.index_url, "--dest", "second")
        url = site.index_url
    # the server is gone: without --offline the download fails and says what to do
    failed = run("download", "--index-url", url, "--quiet", "--dest", "third")
    assert failed.exit_code == 3 and "--offline" in failed.stderr
    latest = run("download", "--offline", "--quiet", "--dest", "third")
    assert latest.exit_code == 0, latest.stderr
    assert latest.stdout == f"{NAME} 1.1.0 (csv) (from cache): third\n"
    assert b"1.1.0" in (sandbox.work / "third" / "datapackage.json").read_bytes()
    older = run("download", "1.0.0", "--offline", "--quiet", "--dest", "fourth")
    assert older.exit_code == 0, older.stderr
    assert b"1.0.0" in (sandbox.work / "fourth" / "datapackage.json").read_bytes()
    assert temporaries(sandbox.root) == []


def test_offline_without_a_cache_is_exit_4(sandbox, run) -> None:
    before = tree_hash(sandbox.root)
    result = run("download", "--offline", "--quiet")
    assert result.exit_code == 4, result.stderr
    assert "is in the cache" in result.stderr and "without --offline" in result.stderr
    assert tree_hash(sandbox.root) == before


def test_offline_refuses_a_tampered_cache(site, sandbox, run) -> None:
    site.publish(valid_zip())
    _download(run, site.index_url, "--dest", "first")
    (cached,) = [p for p in sandbox.cache.rglob("*.zip")]
    cached.write_bytes(make_zip({"../evil.txt": b"x"}))  # no longer the index's SHA-256
    result = run("download", "--offline", "--quiet", "--dest", "second")
    assert result.exit_code == 4, result.stderr
    assert not (sandbox.work / "second").exists() and not (sandbox.root / "evil.txt").exists()


def test_offline_ignores_a_hostile_index_copy(site, sandbox, run) -> None:
    site.publish(valid_zip())
    _download(run, site.index_url, "--dest", "first")
    copy = sandbox.cache / NAME / "releases.json"
    copy.write_text('{"name": "../..", "releases": [{"version": 5}]}')
    result = run("download", "--offline", "--quiet", "--dest", "second")
    assert result.exit_code == 4, result.stderr


def test_cache_list_and_clear(site, sandbox, run) -> None:
    archive = valid_zip()
    site.publish(archive)
    _download(run, site.index_url, "--dest", "first")
    listed = run("cache", "list")
    assert listed.exit_code == 0, listed.stderr
    assert f"cache: {sandbox.cache}" in listed.stdout
    assert f"{NAME} 1.0.0  data.zip  {len(archive)} B" in listed.stdout
    assert "1 file(s)" in listed.stdout
    cleared = run("cache", "clear")
    assert cleared.exit_code == 0, cleared.stderr
    assert f"removed 1 file(s), {len(archive)} B" in cleared.stdout
    assert list(sandbox.cache.iterdir()) == []
    assert "0 file(s), 0 B" in run("cache", "list").stdout


def test_cache_clear_deletes_only_the_cache_layout(site, sandbox, run) -> None:
    site.publish(valid_zip())
    _download(run, site.index_url, "--dest", "first")
    # files of other origins in the cache folder (say STICOOP_CACHE_DIR was set to a folder
    # in use), and a link to a file outside it
    (sandbox.cache / "notes.txt").write_text("mine")
    (sandbox.cache / "project").mkdir()
    (sandbox.cache / "project" / "1.0.0").mkdir()
    (sandbox.cache / "project" / "1.0.0" / "sub").mkdir()
    (sandbox.cache / "project" / "1.0.0" / "sub" / "data.csv").write_text("a\n")
    os.symlink(sandbox.outside / "victim.txt", sandbox.cache / NAME / "1.0.0" / "link.zip")
    outside = tree_hash(sandbox.root, skip=("cache",))
    result = run("cache", "clear")
    assert result.exit_code == 0, result.stderr
    assert tree_hash(sandbox.root, skip=("cache",)) == outside
    assert (sandbox.outside / "victim.txt").read_text() == "keep me\n"
    assert (sandbox.cache / "notes.txt").read_text() == "mine"
    assert (sandbox.cache / "project" / "1.0.0" / "sub" / "data.csv").is_file()
    assert [p.name for p in sandbox.cache.rglob("*.zip")] == ["link.zip"]  # links stay
    assert not (sandbox.cache / NAME / "releases.json").exists()
