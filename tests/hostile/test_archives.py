"""Malicious archives behind a correct index and correct checksums: every member is checked
before anything is unpacked; a refusal is exit 8 (unsafe-archive), with nothing written
outside the cache, no destination and no temporary left."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile

import pytest

from .conftest import temporaries, tree_hash
from .server import NAME, VERSION, make_zip, valid_zip

DP = {"datapackage.json": b"{}"}


def _refused(site, sandbox, run, archive: bytes, *args: str, **extra):
    site.publish(archive, **extra)
    before = tree_hash(sandbox.root, skip=("cache",))
    result = run("download", "--index-url", site.index_url, "--quiet", *args)
    assert result.exit_code == 8, result.stderr
    assert tree_hash(sandbox.root, skip=("cache",)) == before, "files changed outside the cache"
    assert not (sandbox.work / f"{NAME}-{VERSION}").exists()
    assert temporaries(sandbox.root) == []
    return result


def _patch_central(archive: bytes, offset: int, fmt: str, value: int) -> bytes:
    """ARCHIVE with a field of every central directory header (and local header) replaced."""
    data = bytearray(archive)
    local_offsets = {"flag": (6, 8), "method": (8, 10), "size": (22, 24)}
    local, central = local_offsets[{8: "flag", 10: "method", 24: "size"}[offset]]
    start = 0
    while (pos := data.find(b"PK\x03\x04", start)) >= 0:
        struct.pack_into(fmt, data, pos + local, value)
        start = pos + 4
    start = 0
    while (pos := data.find(b"PK\x01\x02", start)) >= 0:
        struct.pack_into(fmt, data, pos + central, value)
        start = pos + 4
    return bytes(data)


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({**DP, "../evil.txt": b"x"}, "escapes the destination"),
        ({**DP, "../../outside/victim.txt": b"overwritten"}, "escapes the destination"),
        ({**DP, "resources/../../victim.txt": b"x"}, "escapes the destination"),
        ({"/tmp/evil.txt": b"x"}, "absolute"),
        ({"C:/evil.txt": b"x"}, "absolute"),
        ({"..\\evil.txt": b"x"}, "absolute or malformed"),
        ({**DP, "a/" * 2000 + "deep.txt": b"x"}, "longer than 1024 characters"),
        ({**DP, "d/" * 40 + "deep.txt": b"x"}, "nested 40 folders deep"),
        ({**DP, ".": b"x"}, "'.' path component"),
        ({**DP, "./": b""}, "'.' path component"),
        ({**DP, "a/./b.txt": b"x"}, "'.' path component"),
        ({**DP, "a//b.txt": b"x"}, "empty or '.' path component"),
        ({**DP, "resources": b"a file", "resources/a.csv": b"x"}, "also a folder of"),
        ({**DP, "resources/": b"", "resources": b"x"}, "also a folder of"),
        ({**DP, "README.md": b"a", "readme.MD": b"b"}, "appears twice"),
        ({**DP, "caf\u00e9.txt": b"a", "cafe\u0301.txt": b"b"}, "appears twice"),
        ({**DP, "bell\x07.txt": b"x"}, "control character"),
        ({**DP, "stream:evil": b"x"}, "control character or ':'"),
    ],
    ids=[
        "dot-dot",
        "overwrite-outside",
        "dot-dot-inside",
        "absolute",
        "drive",
        "backslash",
        "2000-deep",
        "40-deep",
        "dot-member",
        "dot-folder",
        "dot-component",
        "empty-component",
        "file-folder-clash",
        "folder-then-file",
        "case-duplicate",
        "unicode-duplicate",
        "control-char",
        "colon",
    ],
)
def test_unsafe_member_names(site, sandbox, run, members: dict, message: str) -> None:
    result = _refused(site, sandbox, run, make_zip(members))
    assert message in result.stderr
    assert not (sandbox.root / "evil.txt").exists() and not (sandbox.work / "evil.txt").exists()
    assert (sandbox.outside / "victim.txt").read_text() == "keep me\n"


def test_duplicate_names(site, sandbox, run) -> None:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w") as zf:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it is told to write
        zf.writestr("datapackage.json", b"{}")
        zf.writestr("x.csv", b"first")
        zf.writestr("x.csv", b"second")
    assert "appears twice" in _refused(site, sandbox, run, buf.getvalue()).stderr


def test_symbolic_link(site, sandbox, run) -> None:
    archive = make_zip({**DP, "resources": b"/etc"}, links=("resources",))
    assert "symbolic link" in _refused(site, sandbox, run, archive).stderr


def test_bomb_by_ratio(site, sandbox, run) -> None:
    archive = make_zip({**DP, "resources/zeros.csv": b"\0" * 5_000_000})
    result = _refused(site, sandbox, run, archive, unpacked_size=5_000_002)  # index agrees
    assert "a zip bomb" in result.stderr


def test_bomb_beyond_the_announced_size(site, sandbox, run) -> None:
    archive = make_zip({**DP, "resources/a.csv": b"a,b\n" * 300_000})
    result = _refused(site, sandbox, run, archive, unpacked_size=100)
    assert "more than the" in result.stderr


def test_the_parquet_zip_is_checked_too(site, sandbox, run) -> None:
    site.publish(make_zip({**DP, "../x.parquet": b"PAR1"}), fmt="parquet")
    before = tree_hash(sandbox.root, skip=("cache",))
    result = run("download", "-f", "parquet", "--index-url", site.index_url, "--quiet")
    assert result.exit_code == 8, result.stderr
    assert tree_hash(sandbox.root, skip=("cache",)) == before


def test_member_larger_than_its_header_says(site, sandbox, run) -> None:
    archive = _patch_central(make_zip({**DP, "a.csv": b"x" * 5000}), 24, "<I", 10)
    result = _refused(site, sandbox, run, archive)
    assert "not a valid zip archive" in result.stderr or "larger than" in result.stderr


def test_encrypted_member(site, sandbox, run) -> None:
    archive = _patch_central(make_zip({**DP, "a.csv": b"x"}), 8, "<H", 1)
    assert "encrypted" in _refused(site, sandbox, run, archive).stderr


def test_unknown_compression_method(site, sandbox, run) -> None:
    archive = _patch_central(make_zip({**DP, "a.csv": b"x"}), 10, "<H", 99)
    assert "compression method 99" in _refused(site, sandbox, run, archive).stderr


def test_damaged_deflate_stream(site, sandbox, run) -> None:
    archive = bytearray(make_zip({"datapackage.json": b"{}" * 1000, "a.csv": b"abc" * 3000}))
    start = archive.find(b"PK\x03\x04") + 30 + len("datapackage.json")
    for i in range(start + 2, start + 12):
        archive[i] ^= 0x5A
    result = _refused(site, sandbox, run, bytes(archive))
    assert "not a valid zip archive" in result.stderr


def test_not_a_zip(site, sandbox, run) -> None:
    assert "not a valid zip" in _refused(site, sandbox, run, b"PK\x03\x04garbage" * 10).stderr


def test_force_replaces_the_destination_and_keeps_its_neighbours(site, sandbox, run) -> None:
    site.publish(valid_zip())
    dest = sandbox.work / "d"
    dest.mkdir()
    (dest / "old.txt").write_text("old")
    neighbour = sandbox.work / ".d.old"  # a name the replacement once used for itself
    neighbour.mkdir()
    (neighbour / "mine.txt").write_text("mine")
    result = run("download", "--index-url", site.index_url, "--dest", str(dest), "--force")
    assert result.exit_code == 0, result.stderr
    assert (dest / "datapackage.json").is_file() and not (dest / "old.txt").exists()
    assert (neighbour / "mine.txt").read_text() == "mine"
    assert sorted(p.name for p in sandbox.work.iterdir()) == [".d.old", "d"]
