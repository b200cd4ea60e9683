"""Names of a release's directory and artefacts, and where previous releases are found."""

from __future__ import annotations

from pathlib import Path

from sticoop.release.semver import Version, is_version, parse_version

RELEASE_JSON = "release.json"
SUMS_FILE = "SHA256SUMS"
CHANGELOG_SECTION = "CHANGELOG-section.md"
FORMATS = ("csv", "parquet", "duckdb")


def release_dir_name(name: str, version: str) -> str:
    """``<name>-<version>``: the folder under ``dist/`` holding one release."""
    return f"{name}-{version}"


def artefact_names(name: str, version: str) -> dict[str, str]:
    """File name of each artefact kind (csv, parquet, duckdb, delta) of a release."""
    stem = release_dir_name(name, version)
    return {
        "csv": f"{stem}-csv.zip",
        "parquet": f"{stem}-parquet.zip",
        "duckdb": f"{stem}.duckdb",
        "delta": f"{stem}-delta.jsonl",
    }


def _release_version(folder: Path, name: str) -> Version | None:
    prefix = f"{name}-"
    if not folder.name.startswith(prefix):
        return None
    text = folder.name[len(prefix) :]
    if not is_version(text):
        return None
    csv_zip = folder / artefact_names(name, text)["csv"]
    return parse_version(text) if csv_zip.is_file() else None


def find_previous(dist: Path, name: str, current: Version) -> Path | None:
    """The newest built release of package NAME under DIST older than CURRENT, or None."""
    if not dist.is_dir():
        return None
    found = [
        (version, folder)
        for folder in dist.iterdir()
        if folder.is_dir() and (version := _release_version(folder, name)) is not None
    ]
    older = [item for item in found if item[0] < current]
    return max(older)[1] if older else None


def csv_zip_in(folder: Path) -> Path | None:
    """The single ``*-csv.zip`` of a release folder, if it holds exactly one."""
    zips = sorted(folder.glob("*-csv.zip"))
    return zips[0] if len(zips) == 1 else None
