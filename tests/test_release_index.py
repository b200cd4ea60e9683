"""``sticoop release index``: releases.json from built releases, merged with a published one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from release_helpers import copy_bundled

from sticoop.errors import IndexInvalid, UnknownVersion
from sticoop.release.build import build_release
from sticoop.release.index import parse_index, select_artefact, select_release


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("index")
    build_release(copy_bundled(root / "pkg"), root / "dist", date="2025-11-23")
    return root / "dist"


def _published(version: str) -> dict:
    info = {"url": f"https://example.org/{version}.zip", "file": "x.zip", "size": 1}
    info["sha256"] = "0" * 64
    return {"version": version, "date": "2024-01-01", "artefacts": {"csv": info}}


def test_index_with_base_url_matches_release_json(dist: Path, tmp_path: Path, cli) -> None:
    out = tmp_path / "releases.json"
    base = "https://github.com/o/r/releases/download/v{version}"
    result = cli("release", "index", "--dist", str(dist), "--base-url", base, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    index = parse_index(out.read_bytes(), str(out))
    (entry,) = index["releases"]
    manifest = json.loads((dist / "vn-sti-cooperation-0.1.0" / "release.json").read_text())
    assert (index["name"], entry["version"], entry["date"]) == (
        manifest["name"],
        "0.1.0",
        manifest["date"],
    )
    csv = entry["artefacts"]["csv"]
    assert csv["url"] == "https://github.com/o/r/releases/download/v0.1.0/" + csv["file"]
    assert {k: csv[k] for k in ("size", "sha256", "unpacked_size")} == {
        k: manifest["artefacts"]["csv"][k] for k in ("size", "sha256", "unpacked_size")
    }
    assert entry["artefacts"]["release"]["file"] == "release.json"


def test_merge_keeps_published_releases_newest_first(dist: Path, tmp_path: Path, cli) -> None:
    published = tmp_path / "published.json"
    old = {"index_version": 1, "name": "vn-sti-cooperation", "releases": []}
    old["releases"] = [_published("0.0.10"), _published("0.1.0"), _published("0.0.9")]
    published.write_text(json.dumps(old))
    out = tmp_path / "releases.json"
    args = ["release", "index", "--dist", str(dist), "--merge", str(published), "-o", str(out)]
    assert cli(*args).exit_code == 0
    index = json.loads(out.read_text())
    assert [r["version"] for r in index["releases"]] == ["0.1.0", "0.0.10", "0.0.9"]
    rebuilt = index["releases"][0]["artefacts"]["csv"]  # the local build replaced 0.1.0
    assert rebuilt["url"] == "vn-sti-cooperation-0.1.0/vn-sti-cooperation-0.1.0-csv.zip"


def test_selection_and_relative_urls() -> None:
    index = {"releases": [_published("0.2.0"), _published("0.10.0"), _published("0.9.1")]}
    index["releases"][1]["artefacts"]["csv"]["url"] = "v0.10.0/x.zip"
    assert select_release(index, "latest")["version"] == "0.10.0"
    latest = select_release(index, "latest")
    url = select_artefact(latest, "csv", "http://127.0.0.1:8000/data/releases.json")["url"]
    assert url == "http://127.0.0.1:8000/data/v0.10.0/x.zip"
    with pytest.raises(UnknownVersion):
        select_release(index, "1.0.0")
    with pytest.raises(UnknownVersion):
        select_artefact(latest, "parquet", "http://127.0.0.1/")


@pytest.mark.parametrize(
    "data",
    [b"[]", b'{"releases": [{"version": "x"}]}', b"\xff", b'{"releases": 3}'],
)
def test_malformed_indexes_are_refused(data: bytes) -> None:
    with pytest.raises(IndexInvalid):
        parse_index(data, "test")


def test_build_writes_the_index_in_the_same_step(dist: Path) -> None:
    index = parse_index((dist / "releases.json").read_bytes(), "releases.json")
    (entry,) = index["releases"]
    assert entry["version"] == "0.1.0"
    csv = entry["artefacts"]["csv"]
    assert csv["url"] == "vn-sti-cooperation-0.1.0/vn-sti-cooperation-0.1.0-csv.zip"
    assert entry["artefacts"]["parquet:events"]["file"] == "events.parquet"


def test_build_merges_a_published_index_with_base_url(tmp_path: Path, cli) -> None:
    published = tmp_path / "published.json"
    old = {"index_version": 1, "name": "vn-sti-cooperation", "releases": [_published("0.0.9")]}
    published.write_text(json.dumps(old))
    pkg = copy_bundled(tmp_path / "pkg")
    base = "https://example.org/releases/download/v{version}"
    dest = tmp_path / "dist"
    args = ["--dest", str(dest), "--date", "2025-11-23", "--merge", str(published)]
    result = cli("release", "build", str(pkg), *args, "--base-url", base, "--timings")
    assert result.exit_code == 0, result.stderr
    assert f"wrote {dest / 'releases.json'}" in result.stdout
    phases = [line.split()[1] for line in result.stderr.splitlines() if line.startswith("timing:")]
    assert {"validate", "checksums", "duckdb", "parquet", "index", "total"} <= set(phases)
    index = json.loads((dest / "releases.json").read_text())
    assert [r["version"] for r in index["releases"]] == ["0.1.0", "0.0.9"]
    csv = index["releases"][0]["artefacts"]["csv"]
    assert csv["url"] == "https://example.org/releases/download/v0.1.0/" + csv["file"]


def test_build_refuses_a_bad_merge_before_building(tmp_path: Path, cli) -> None:
    bad = tmp_path / "published.json"
    bad.write_text('{"releases": [{"version": "x"}]}')
    pkg = copy_bundled(tmp_path / "pkg")
    dest = tmp_path / "dist"
    result = cli("release", "build", str(pkg), "--dest", str(dest), "--merge", str(bad))
    assert result.exit_code == 9, result.stderr
    assert "Traceback" not in result.stderr and not dest.exists()
