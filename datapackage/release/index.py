"""The release index ``releases.json``: every published version with its artefacts.

Shape::

    {"index_version": 1, "name": "...", "releases": [
        {"version": "0.2.0", "date": "...", "previous_version": "0.1.0", "change_level": "...",
         "artefacts": {"csv": {"url", "file", "size", "sha256", "unpacked_size"},
                       "parquet": {...}, "duckdb": {...}, "delta": {...}, "release": {...}}}]}

Releases are sorted newest first. A relative ``url`` is resolved against the index's own URL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from sticoop.errors import IndexInvalid, UnknownVersion, UsageError
from sticoop.release.files import sha256_file
from sticoop.release.layout import RELEASE_JSON, release_dir_name
from sticoop.release.semver import is_version, parse_version

INDEX_VERSION = 1
INDEX_FILE = "releases.json"
DEFAULT_INDEX_URL = (
    # Placeholder: the project's GitHub releases. Override with --index-url or STICOOP_INDEX_URL.
    "https://github.com/sticoop/vn-sti-cooperation/releases/latest/download/releases.json"
)
_REQUIRED = ("file", "size", "sha256")


def _url(base_url: str, version: str, folder: str, file: str) -> str:
    if not base_url:
        return f"{folder}/{file}"  # relative to the index: dist/ served as it is
    return base_url.replace("{version}", version).rstrip("/") + "/" + file


def index_entry(folder: Path, base_url: str = "") -> tuple[str, dict[str, Any]]:
    """The package name and index entry of the release built in FOLDER (its release.json).

    BASE_URL is where the files are published; ``{version}`` in it is replaced by the version.
    Without it the URLs are relative: ``<name>-<version>/<file>``.
    """
    manifest = json.loads((folder / RELEASE_JSON).read_text(encoding="utf-8"))
    version = manifest["version"]
    artefacts = {}
    for kind, info in manifest["artefacts"].items():
        artefacts[kind] = {"url": _url(base_url, version, folder.name, info["file"]), **info}
    release_file = folder / RELEASE_JSON
    artefacts["release"] = {
        "url": _url(base_url, version, folder.name, RELEASE_JSON),
        "file": RELEASE_JSON,
        "size": release_file.stat().st_size,
        "sha256": sha256_file(release_file),
    }
    entry = {
        "version": version,
        "date": manifest["date"],
        "previous_version": manifest.get("previous_version"),
        "change_level": manifest.get("change_level"),
        "artefacts": artefacts,
    }
    return manifest["name"], entry


def build_index(
    dist: Path, base_url: str = "", previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An index of the releases built under DIST, merged into PREVIOUS (a published index).

    A version built under DIST replaces the same version in PREVIOUS.
    """
    releases = {r["version"]: r for r in (previous or {}).get("releases", [])}
    name = (previous or {}).get("name", "")
    for folder in sorted(dist.iterdir()) if dist.is_dir() else []:
        if not folder.name.startswith(".") and (folder / RELEASE_JSON).is_file():
            name, entry = index_entry(folder, base_url)
            releases[entry["version"]] = entry
    if not releases:
        raise UsageError(f"{dist}: no built release found (run 'sticoop release build')")
    ordered = sorted(releases.values(), key=lambda r: parse_version(r["version"]), reverse=True)
    return {"index_version": INDEX_VERSION, "name": name, "releases": ordered}


def parse_index(data: bytes, origin: str) -> dict[str, Any]:
    """Check and return a release index read from ORIGIN; IndexInvalid when malformed."""
    try:
        index = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexInvalid(f"{origin}: not a JSON release index ({exc})") from None
    releases = index.get("releases") if isinstance(index, dict) else None
    if not isinstance(releases, list):
        raise IndexInvalid(f"{origin}: no 'releases' list")
    for entry in releases:
        _check_entry(entry, origin)
    return index


def _check_entry(entry: Any, origin: str) -> None:
    if not isinstance(entry, dict) or not is_version(str(entry.get("version", ""))):
        raise IndexInvalid(f"{origin}: a release has no valid 'version'")
    artefacts = entry.get("artefacts")
    if not isinstance(artefacts, dict):
        raise IndexInvalid(f"{origin}: release {entry['version']} has no 'artefacts'")
    for kind, info in artefacts.items():
        if not isinstance(info, dict) or any(k not in info for k in (*_REQUIRED, "url")):
            raise IndexInvalid(f"{origin}: release {entry['version']}, {kind}: incomplete entry")
        if not isinstance(info["size"], int) or len(str(info["sha256"])) != 64:
            raise IndexInvalid(f"{origin}: release {entry['version']}, {kind}: bad size or sha256")


def select_release(index: dict[str, Any], version: str) -> dict[str, Any]:
    """The entry of VERSION ('latest': the highest version); UnknownVersion if absent."""
    releases = index["releases"]
    if not releases:
        raise UnknownVersion("the release index lists no release")
    if version == "latest":
        return max(releases, key=lambda r: parse_version(r["version"]))
    for entry in releases:
        if entry["version"] == version:
            return entry
    known = ", ".join(r["version"] for r in releases)
    raise UnknownVersion(f"no release {version} in the index", hint=f"available: {known}")


def select_artefact(entry: dict[str, Any], fmt: str, index_url: str) -> dict[str, Any]:
    """The artefact of format FMT of a release, with its URL made absolute."""
    info = entry["artefacts"].get(fmt)
    if info is None:
        kinds = ", ".join(sorted(entry["artefacts"]))
        raise UnknownVersion(
            f"release {entry['version']} has no {fmt} artefact", hint=f"available: {kinds}"
        )
    return {**info, "url": urljoin(index_url, info["url"])}


def dir_name(name: str, version: str) -> str:
    """Default folder a download unpacks into."""
    return release_dir_name(name or "sticoop-data", version)


def write_index(
    dist: Path, output: Path, base_url: str = "", merge: Path | None = None
) -> dict[str, Any]:
    """Write ``releases.json`` for the releases under DIST (merged into the index MERGE)."""
    from sticoop.release.files import write_atomic

    previous = parse_index(merge.read_bytes(), str(merge)) if merge else None
    index = build_index(dist, base_url, previous)
    text = json.dumps(index, ensure_ascii=False, indent=2) + "\n"
    write_atomic(output, text.encode("utf-8"))
    return index
