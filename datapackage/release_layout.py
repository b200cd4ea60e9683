"""Names of a release's directory and artefacts, and where previous releases are found."""

from __future__ import annotations

import re
from pathlib import Path

from sticoop import names
from sticoop.semver import Version, is_version, parse_version

RELEASE_JSON = "release.json"
SUMS_FILE = "SHA256SUMS"
CHANGELOG_SECTION = "CHANGELOG-section.md"
FORMATS = ("csv", "parquet", "duckdb")
TABLE_PREFIX = "parquet:"  # ``parquet:<table>``: one table's plain Parquet file
FORMATS_HELP = ", ".join(FORMATS) + f", {TABLE_PREFIX}TABLE"
_WINDOWS_DEVICES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{d}{i}" for d in ("com", "lpt") for i in range(1, 10)]
)


def unsafe_name_reason(value: object) -> str | None:
    """Why VALUE cannot be used as a single file or folder name, or None when it can.

    ``sticoop.names`` (the descriptor's rule: 1-128 ASCII letters, digits, '.', '_', '-', not
    starting with '.' or '-'), and, because these names come from untrusted indexes and
    archives too: no '..' anywhere, no trailing '.' or '-', no Windows device name.
    """
    if not isinstance(value, str):
        return f"not a string but {type(value).__name__}"
    reason = names.unsafe_name_reason(value)
    if reason is not None:
        return reason
    if ".." in value:
        return "it contains '..'"
    if value[-1] in ".-":
        return "it ends with '.' or '-'"
    if value.split(".")[0].lower() in _WINDOWS_DEVICES:
        return "it is a reserved device name"
    return None


def is_safe_name(value: object) -> bool:
    """True when VALUE is a safe single file or folder name (see ``unsafe_name_reason``)."""
    return unsafe_name_reason(value) is None


def unsafe_relative_reason(path: str, max_depth: int = 8) -> str | None:
    """Why PATH (a '/'-separated relative path) cannot be written under a folder, or None."""
    if not isinstance(path, str) or not path:
        return "empty"
    if path.startswith("/") or re.match(r"[A-Za-z]:", path):
        return "absolute"
    parts = path.split("/")
    if len(parts) > max_depth:
        return f"more than {max_depth} levels deep"
    for part in parts:
        reason = unsafe_name_reason(part)
        if reason is not None:
            return f"component {part!r}: {reason}"
    return None


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


def is_format(fmt: str) -> bool:
    """Whether FMT names an artefact kind a download may ask for: csv, parquet, duckdb, or
    ``parquet:<table>`` with a safe table name."""
    if fmt in FORMATS:
        return True
    table = fmt.removeprefix(TABLE_PREFIX)
    return table != fmt and unsafe_name_reason(table) is None


def single_file(fmt: str) -> bool:
    """Whether the artefact of format FMT is one file installed as it is (not a zip)."""
    return fmt == "duckdb" or fmt.startswith(TABLE_PREFIX)
