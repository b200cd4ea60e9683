"""A hostile release index: wrong types, unsafe names, other URL schemes, absurd values.

Each is refused with exit 9 (index-invalid) naming the key and the value, before anything is
written: the whole sandbox (cache included) is unchanged and no temporary is left."""

from __future__ import annotations

import copy

import pytest

from .conftest import temporaries, tree_hash
from .server import NAME, valid_zip


def _refused(site, sandbox, run, *args: str):
    before = tree_hash(sandbox.root)
    result = run("download", "--index-url", site.index_url, "--quiet", *args)
    assert tree_hash(sandbox.root) == before, "the sandbox changed"
    assert temporaries(sandbox.root) == []
    return result


def _set(index: dict, path: str, value: object) -> dict:
    """A copy of INDEX with the value at PATH ('releases.0.artefacts.csv.url') replaced."""
    index = copy.deepcopy(index)
    *parents, last = path.split(".")
    node = index
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    node[last] = value
    return index


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("releases.0.artefacts.csv.url", 5, "releases[0].artefacts.csv.url: expected a string"),
        ("name", ["a"], "name: ['a'] is not a safe file name"),
        ("releases.0.artefacts.csv.size", "12", "releases[0].artefacts.csv.size: expected an"),
        ("releases.0.artefacts.csv.size", True, "releases[0].artefacts.csv.size: expected an"),
        ("releases.0.artefacts.csv.size", -1, "releases[0].artefacts.csv.size: expected an"),
        ("releases.0.artefacts.csv.sha256", "abc", "sha256: expected 64 hexadecimal digits"),
        ("releases.0.artefacts.csv.unpacked_size", 1.5, "unpacked_size: expected an integer"),
        ("releases.0.artefacts.csv", [], "releases[0].artefacts.csv: expected an object"),
        ("releases.0.artefacts", "csv", "releases[0].artefacts: expected an object"),
        ("releases.0.version", 1, "releases[0].version: expected a version"),
        ("releases.0.version", "1.0.0/../..", "releases[0].version: expected a version"),
        ("releases.0.date", {"a": 1}, "releases[0].date: expected a string"),
        ("releases", {"0": 1}, "no 'releases' list"),
        ("index_version", 99, "index_version 99 is newer"),
        ("index_version", "1", "index_version: expected an integer"),
    ],
)
def test_wrong_types_are_refused(site, sandbox, run, path, value, message) -> None:
    index = site.publish(valid_zip())
    site.serve_index(_set(index, path, value))
    result = _refused(site, sandbox, run)
    assert result.exit_code == 9, result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    "file",
    [
        "/tmp/evil.zip",
        "../victim.txt",
        "../../victim.txt",
        "../../../victim.txt",  # <cache>/<name>/<version>/../../../victim.txt: an existing file
        "..",
        ".",
        ".hidden.zip",
        "a/b.zip",
        "a\\b.zip",
        "evil\x00.zip",
        "evil\n.zip",
        "x" * 300,
        "",
        "CON",
        "C:evil.zip",
    ],
)
def test_unsafe_artefact_file_names_are_refused(site, sandbox, run, file: str) -> None:
    index = site.publish(valid_zip())
    site.serve_index(_set(index, "releases.0.artefacts.csv.file", file))
    result = _refused(site, sandbox, run)
    assert result.exit_code == 9, result.stderr
    assert "releases[0].artefacts.csv.file:" in result.stderr
    assert "is not a safe file name" in result.stderr


@pytest.mark.parametrize(
    "name", ["../../x", "/abs", "..", ".cache", "a/b", "x\x1b[31m", "n" * 200, "ä"]
)
def test_unsafe_package_names_are_refused(site, sandbox, run, name: str) -> None:
    index = site.publish(valid_zip())
    site.serve_index(_set(index, "name", name))
    result = _refused(site, sandbox, run)  # no --dest: the name would choose the folder
    assert result.exit_code == 9, result.stderr
    assert "name:" in result.stderr and "is not a safe file name" in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/hostname",
        "ftp://127.0.0.1/data.zip",
        "data:application/zip;base64,UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==",
        "gopher://127.0.0.1/",
    ],
)
def test_other_url_schemes_are_refused(site, sandbox, run, url: str) -> None:
    index = site.publish(valid_zip())
    site.serve_index(_set(index, "releases.0.artefacts.csv.url", url))
    result = _refused(site, sandbox, run)
    assert result.exit_code == 9, result.stderr
    assert "only http and https URLs are fetched" in result.stderr
    assert "/data.zip" not in site.hits


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,  # nesting deeper than the JSON parser goes
        b'{"releases": [], "index_version": 1' + b"0" * 5000 + b"}",  # a 5000-digit number
        b"\xff\xfe{}",
        b'{"releases": [' + b'{"version": "1.0.0", "artefacts": {}},' * 2 + b"1]}",
    ],
    ids=["deep-nesting", "huge-number", "not-utf8", "duplicate-and-junk"],
)
def test_malformed_json_is_refused(site, sandbox, run, body: bytes) -> None:
    site.serve_index(body)
    result = _refused(site, sandbox, run)
    assert result.exit_code == 9, result.stderr
    assert "error[index-invalid]:" in result.stderr


def test_an_index_url_other_than_http_is_a_usage_error(sandbox, run, tmp_path) -> None:
    local = tmp_path / "outside" / "releases.json"
    local.write_text('{"releases": []}')
    before = tree_hash(sandbox.root)
    result = run("download", "--index-url", local.as_uri(), "--quiet")
    assert result.exit_code == 2, result.stderr
    assert "only http and https URLs are fetched" in result.stderr
    assert tree_hash(sandbox.root) == before


def test_a_valid_index_still_downloads(site, sandbox, run) -> None:
    site.publish(valid_zip())
    result = run("download", "--index-url", site.index_url, "--quiet")
    assert result.exit_code == 0, result.stderr
    assert (sandbox.work / f"{NAME}-1.0.0" / "datapackage.json").is_file()
    assert temporaries(sandbox.root) == []
