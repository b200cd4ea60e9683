"""``sticoop release build``: artefacts, manifest, checksums, reproducibility, refusals."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from release_helpers import copy_bundled, edit_rows, read_rows, set_version

from sticoop.canonical import canonical_table_bytes
from sticoop.descriptor import load_package
from sticoop.errors import UsageError
from sticoop.release.build import build_release
from sticoop.release.dates import release_date

NAME = "vn-sti-cooperation"
DATE = "2025-11-23"
REPRODUCIBLE = ("-csv.zip", "-parquet.zip", "-delta.jsonl", "CHANGELOG-section.md")


def build(cli, pkg: Path, dest: Path, *extra: str) -> Path:
    result = cli("release", "build", str(pkg), "--dest", str(dest), *extra)
    assert result.exit_code == 0, result.stdout + result.stderr
    version = load_package(pkg).version
    return dest / f"{NAME}-{version}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The bundled package copied and built once for the read-only tests: (package, release)."""
    root = tmp_path_factory.mktemp("built")
    pkg = copy_bundled(root / "pkg")
    return pkg, build_release(pkg, root / "dist", date=DATE).folder


@pytest.fixture
def pkg(built: tuple[Path, Path]) -> Path:
    return built[0]


@pytest.fixture
def release(built: tuple[Path, Path]) -> Path:
    return built[1]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_two_builds_are_byte_identical(pkg: Path, release: Path, tmp_path: Path, cli) -> None:
    first = _files(release)
    second = _files(build(cli, pkg, tmp_path / "again", "--date", DATE))
    assert sorted(first) == sorted(second)
    reproducible = [n for n in first if n.endswith(REPRODUCIBLE)]
    assert len(reproducible) == 4
    for name in reproducible:
        assert first[name] == second[name], name
    # the DuckDB file is not byte-reproducible; its content checksums are
    tables = [json.loads(f["release.json"])["tables"] for f in (first, second)]
    assert tables[0] == tables[1]


def test_zip_entries_are_sorted_with_fixed_dates_and_modes(release: Path) -> None:
    for archive in release.glob("*.zip"):
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_csv_zip_holds_the_package(release: Path, pkg: Path) -> None:
    with zipfile.ZipFile(release / f"{NAME}-0.1.0-csv.zip") as zf:
        names = set(zf.namelist())
        assert zf.read("datapackage.json") == (pkg / "datapackage.json").read_bytes()
        assert zf.read("resources/events.csv") == (pkg / "resources/events.csv").read_bytes()
        assert "CC-BY-4.0" in zf.read("LICENSE-DATA.txt").decode()
        assert zf.read("CHANGELOG.md") == (release / "CHANGELOG-section.md").read_bytes()
    tables = {f"resources/{p.name}" for p in (pkg / "resources").glob("*.csv")}
    assert tables <= names


def test_manifest_counts_and_checksums(release: Path, pkg: Path) -> None:
    manifest = json.loads((release / "release.json").read_text(encoding="utf-8"))
    assert (manifest["version"], manifest["date"], manifest["previous_version"]) == (
        "0.1.0",
        DATE,
        None,
    )
    package = load_package(pkg)
    for table in package.resource_names:
        _, rows = read_rows(pkg, table)
        digest = hashlib.sha256(canonical_table_bytes(package, table)).hexdigest()
        assert manifest["tables"][table] == {"rows": len(rows), "sha256": digest}
    for kind in ("csv", "parquet", "duckdb", "delta", "changelog"):
        info = manifest["artefacts"][kind]
        data = (release / info["file"]).read_bytes()
        assert info["size"] == len(data)
        assert info["sha256"] == hashlib.sha256(data).hexdigest()


def test_each_table_is_a_plain_parquet_file_listed_with_size_and_sha256(release: Path) -> None:
    from sticoop.release.index import index_entry

    manifest = json.loads((release / "release.json").read_text(encoding="utf-8"))
    tables = list(manifest["tables"])
    _, entry = index_entry(release, "https://example.org/{version}")
    with zipfile.ZipFile(release / f"{NAME}-0.1.0-parquet.zip") as zf:
        for table in tables:
            info = manifest["artefacts"][f"parquet:{table}"]
            data = (release / f"{table}.parquet").read_bytes()
            assert info["file"] == f"{table}.parquet" and info["size"] == len(data)
            assert info["sha256"] == hashlib.sha256(data).hexdigest()
            assert zf.read(f"{table}.parquet") == data  # the zip holds the same file
            listed = entry["artefacts"][f"parquet:{table}"]
            assert listed["url"] == f"https://example.org/0.1.0/{table}.parquet"
            assert (listed["size"], listed["sha256"]) == (info["size"], info["sha256"])


def test_sha256sums_is_read_by_sha256sum(release: Path) -> None:
    lines = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {line.split("  ", 1)[1] for line in lines}
    assert listed == {p.name for p in release.iterdir()} - {"SHA256SUMS"}
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum is not installed")
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=release, capture_output=True)
    assert done.returncode == 0, done.stdout


def test_parquet_has_descriptor_types(release: Path, pkg: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    with zipfile.ZipFile(release / f"{NAME}-0.1.0-parquet.zip") as zf:
        table = pq.read_table(io.BytesIO(zf.read("agreements.parquet")))
    schema = table.schema
    assert schema.field("signed_date").type == pa.date32()
    assert schema.field("date_inferred").type == pa.bool_()
    assert schema.field("valid_from_year").type == pa.int64()
    assert schema.field("agreement_id").type == pa.string()
    _, rows = read_rows(pkg, "agreements")
    assert table.num_rows == len(rows)
    assert table.column("agreement_id").to_pylist() == [r["agreement_id"] for r in rows]


def test_duckdb_database_holds_every_table(release: Path, pkg: Path) -> None:
    import duckdb

    con = duckdb.connect(str(release / f"{NAME}-0.1.0.duckdb"), read_only=True)
    try:
        for table in load_package(pkg).resource_names:
            _, rows = read_rows(pkg, table)
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == len(rows)
    finally:
        con.close()


def test_duckdb_database_is_compact(release: Path) -> None:
    """Smallest blocks, checkpointed, no WAL, no key indexes: 0.6 MB for the bundled data
    (10.5 MB with DuckDB's default 256 KiB blocks, 1.6 MB with the 31 key indexes)."""
    import duckdb

    path = release / f"{NAME}-0.1.0.duckdb"
    con = duckdb.connect(str(path), read_only=True)
    try:
        (row,) = con.execute("CALL pragma_database_size()").fetchall()
        block_size, free_blocks = row[2], row[5]
    finally:
        con.close()
    assert block_size == 16384 and free_blocks == 0
    assert path.stat().st_size <= 1_000_000
    assert not path.with_name(path.name + ".wal").exists()


def test_first_release_delta_adds_every_record(release: Path, pkg: Path) -> None:
    lines = (release / f"{NAME}-0.1.0-delta.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    total = sum(len(read_rows(pkg, t)[1]) for t in load_package(pkg).resource_names)
    assert len(records) == total
    assert {r["change"] for r in records} == {"added"}


def test_delta_against_previous_release(release: Path, pkg: Path, tmp_path: Path, cli) -> None:
    new = copy_bundled(tmp_path / "new")
    set_version(new, "0.1.1")
    _, sectors = read_rows(new, "sectors")
    target = sectors[0]["sector_id"]
    extra = {"sector_id": "zz-new-sector", "parent_sector_id": "", "name_en": "New"}
    edit_rows(
        new,
        "sectors",
        lambda rows: (
            [r | {"name_en": "Renamed"} if r["sector_id"] == target else r for r in rows]
            + [extra | {"name_vi": "Mới"}]
        ),
    )
    folder = build(cli, new, tmp_path / "dist", "--previous", str(release), "--date", DATE)
    lines = (folder / f"{NAME}-0.1.1-delta.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["table"], r["change"], r["key"]) for r in records] == [  # in key order
        ("sectors", "changed", {"sector_id": target}),
        ("sectors", "added", {"sector_id": "zz-new-sector"}),
    ]
    changed = next(r for r in records if r["change"] == "changed")
    assert changed["fields"] == ["name_en"] and changed["new"]["name_en"] == "Renamed"
    manifest = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    assert manifest["previous_version"] == "0.1.0"
    section = (folder / "CHANGELOG-section.md").read_text(encoding="utf-8")
    assert section.startswith(f"## [0.1.1] - {DATE}\n\nChanges since 0.1.0 (change level: patch)")
    assert "| sectors | " in section and "- sectors: New (`zz-new-sector`)" in section


def test_invalid_data_is_refused(tmp_path: Path, cli) -> None:
    pkg = copy_bundled(tmp_path / "pkg")
    edit_rows(pkg, "events", lambda rows: [rows[0] | {"mode": "telepathy"}, *rows[1:]])
    result = cli("release", "build", str(pkg), "--dest", str(tmp_path / "dist"), "--date", DATE)
    assert result.exit_code == 1
    assert "refusing to build vn-sti-cooperation 0.1.0: the data is invalid" in result.stderr
    assert "enum-invalid" in result.stderr
    assert not (tmp_path / "dist").exists()


def test_too_small_bump_is_refused(release: Path, tmp_path: Path, cli) -> None:
    new = copy_bundled(tmp_path / "new")
    edit_rows(new, "sectors", lambda rows: [rows[0] | {"name_en": "Renamed"}, *rows[1:]])
    dest = tmp_path / "dist"
    result = cli("release", "build", str(new), "--dest", str(dest), "--previous", str(release))
    assert result.exit_code == 1
    assert "version unchanged, but the changes require a patch bump" in result.stderr
    assert not dest.exists()


def test_same_version_with_other_content_is_not_overwritten(
    release: Path, tmp_path: Path, cli
) -> None:
    new = copy_bundled(tmp_path / "new")
    edit_rows(new, "sectors", lambda rows: [rows[0] | {"name_en": "Renamed"}, *rows[1:]])
    before = _files(release)
    result = cli("release", "build", str(new), "--dest", str(release.parent), "--date", DATE)
    assert result.exit_code == 1
    assert "already holds a 0.1.0 release with other content" in result.stderr
    assert _files(release) == before


def test_release_date_sources(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert release_date(tmp_path, "0.1.0", "2024-02-29") == "2024-02-29"
    with pytest.raises(UsageError):
        release_date(tmp_path, "0.1.0")  # no changelog, not a git work tree
    (tmp_path / "CHANGELOG.md").write_text("# Changelog\n\n## [0.1.0] - 2024-06-30\n\nFirst.\n")
    assert release_date(tmp_path, "0.1.0") == "2024-06-30"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01T00:00:00Z
    assert release_date(tmp_path, "0.1.0") == "2025-01-01"
    assert release_date(tmp_path, "0.1.0", "2024-02-29") == "2024-02-29"
    with pytest.raises(UsageError):
        release_date(tmp_path, "0.1.0", "2024-02-30")
