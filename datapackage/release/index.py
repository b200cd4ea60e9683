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
import reprlib
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from sticoop.errors import IndexInvalid, UnknownVersion, UsageError
from sticoop.integrity import file_digest
from sticoop.release.fetch import SCHEMES, check_scheme
from sticoop.release_layout import RELEASE_JSON, release_dir_name, unsafe_name_reason
from sticoop.semver import is_version, parse_version

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
        "sha256": file_digest(release_file, "sha256"),
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


MAX_RELEASES = 10_000
MAX_ARTEFACTS = 4096  # per release (a Parquet file per table among them)
MAX_URL = 4096  # characters
MAX_FILE_SIZE = 1 << 40  # bytes an index may announce for one artefact (packed or unpacked)
_HEX = frozenset("0123456789abcdefABCDEF")


def parse_index(data: bytes, origin: str) -> dict[str, Any]:
    """Check and return a release index read from ORIGIN; IndexInvalid when malformed.

    The index is untrusted: every value used later is checked here for its JSON type and its
    limits, and every name that becomes part of a path (the package name, versions, the
    artefacts' ``file``) must be a safe single name. Messages name the key path and value.
    """
    try:
        index = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
        raise IndexInvalid(f"{origin}: not a JSON release index ({reason})") from None
    if not isinstance(index, dict):
        raise IndexInvalid(f"{origin}: not a JSON object but {_type(index)}")
    check = _Checker(origin)
    version = index.get("index_version", INDEX_VERSION)
    check.integer("index_version", version, 1, 1 << 31)
    if version > INDEX_VERSION:
        raise IndexInvalid(
            f"{origin}: index_version {version} is newer than this sticoop reads ({INDEX_VERSION})",
            hint="upgrade sticoop",
        )
    if index.get("name", "") != "":
        check.safe_name("name", index["name"])
    releases = index.get("releases")
    if not isinstance(releases, list):
        raise IndexInvalid(f"{origin}: no 'releases' list (releases: {_show(releases)})")
    if len(releases) > MAX_RELEASES:
        raise IndexInvalid(f"{origin}: more than {MAX_RELEASES:,} releases")
    seen: set[str] = set()
    for position, entry in enumerate(releases):
        version = _check_entry(check, f"releases[{position}]", entry)
        if version in seen:
            raise IndexInvalid(f"{origin}: releases[{position}]: version {version} listed twice")
        seen.add(version)
    return index


def _type(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else "a number"
    )


def _show(value: object) -> str:
    """A short rendering of an untrusted VALUE for a message."""
    return reprlib.repr(value)


class _Checker:
    """Type and limit checks of index values; each failure names ORIGIN and the key path."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, path: str, value: object, expected: str) -> IndexInvalid:
        return IndexInvalid(f"{self.origin}: {path}: expected {expected}, got {_show(value)}")

    def obj(self, path: str, value: object) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, value, "an object")
        return value

    def string(self, path: str, value: object, limit: int = 256, null: bool = False) -> None:
        if value is None and null:
            return
        if not isinstance(value, str) or len(value) > limit:
            raise self.fail(path, value, f"a string of at most {limit} characters")
        if any(unicodedata.category(c)[0] == "C" for c in value):
            raise self.fail(path, value, "a string without control characters")

    def integer(self, path: str, value: object, low: int, high: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(path, value, f"an integer from {low:,} to {high:,}")

    def safe_name(self, path: str, value: object) -> None:
        reason = unsafe_name_reason(value)
        if reason is not None:
            raise IndexInvalid(
                f"{self.origin}: {path}: {_show(value)} is not a safe file name ({reason})"
            )

    def url(self, path: str, value: object) -> None:
        self.string(path, value, MAX_URL)
        assert isinstance(value, str)
        if not value or any(c.isspace() for c in value):
            raise self.fail(path, value, "a URL without spaces")
        try:
            scheme = urlsplit(value).scheme.lower()
        except ValueError:
            raise self.fail(path, value, "a valid URL") from None
        if scheme and scheme not in SCHEMES:
            raise IndexInvalid(
                f"{self.origin}: {path}: {_show(value)} is refused: only http and https URLs "
                "are fetched"
            )


def _check_entry(check: _Checker, path: str, entry: object) -> str:
    """Check one release of the index; return its version."""
    entry = check.obj(path, entry)
    version = entry.get("version")
    if not isinstance(version, str) or len(version) > 64 or not is_version(version):
        raise check.fail(f"{path}.version", version, "a version MAJOR.MINOR.PATCH")
    for key in ("date", "previous_version", "change_level"):
        check.string(f"{path}.{key}", entry.get(key), 64, null=True)
    artefacts = check.obj(f"{path}.artefacts", entry.get("artefacts"))
    if len(artefacts) > MAX_ARTEFACTS:
        raise IndexInvalid(f"{check.origin}: {path}.artefacts: more than {MAX_ARTEFACTS}")
    for kind, info in artefacts.items():
        check.string(f"{path}.artefacts key", kind, 128)
        where = f"{path}.artefacts.{kind}"
        info = check.obj(where, info)
        missing = [k for k in (*_REQUIRED, "url") if k not in info]
        if missing:
            raise IndexInvalid(f"{check.origin}: {where}: no {', '.join(missing)}")
        check.url(f"{where}.url", info["url"])
        check.safe_name(f"{where}.file", info["file"])
        check.integer(f"{where}.size", info["size"], 0, MAX_FILE_SIZE)
        sha = info["sha256"]
        if not isinstance(sha, str) or len(sha) != 64 or not _HEX.issuperset(sha):
            raise check.fail(f"{where}.sha256", sha, "64 hexadecimal digits")
        if info.get("unpacked_size") is not None:
            check.integer(f"{where}.unpacked_size", info["unpacked_size"], 0, MAX_FILE_SIZE)
    return version


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
    """The artefact of format FMT of a release, with its URL made absolute (http or https
    only: a relative URL in an index read from elsewhere is refused)."""
    info = entry["artefacts"].get(fmt)
    if info is None:
        kinds = ", ".join(sorted(entry["artefacts"]))
        raise UnknownVersion(
            f"release {entry['version']} has no {fmt} artefact", hint=f"available: {kinds}"
        )
    url = urljoin(index_url, info["url"])
    where = f"release {entry['version']}, artefacts.{fmt}.url"
    check_scheme(url, f"{index_url}: {where}:", IndexInvalid)
    return {**info, "url": url}


def dir_name(name: str, version: str) -> str:
    """Default folder a download unpacks into."""
    return release_dir_name(name or "sticoop-data", version)


def read_merge(merge: Path | None) -> dict[str, Any] | None:
    """The published index MERGE to add new releases to (checked as downloads check an index),
    or None without one."""
    if merge is None:
        return None
    try:
        data = merge.read_bytes()
    except OSError as exc:
        raise UsageError(f"{merge}: cannot read the index to merge: {exc.strerror}") from None
    return parse_index(data, str(merge))


def write_index(
    dist: Path,
    output: Path,
    base_url: str = "",
    merge: Path | None = None,
    *,
    merged: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write ``releases.json`` for the releases under DIST, merged into the index MERGE (or
    the index MERGED, already read by ``read_merge``)."""
    from sticoop.atomic import write_atomic
    from sticoop.release.files import FILE_MODE

    previous = merged if merged is not None else read_merge(merge)
    index = build_index(dist, base_url, previous)
    data = (json.dumps(index, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    parse_index(data, str(output))  # never publish an index that downloads would refuse
    write_atomic(output, data, mode=FILE_MODE, make_parents=True)
    return index
