"""What a release says about itself: ``release.json`` and ``SHA256SUMS``.

Pure functions of the built files (each file's SHA-256 is computed once per build and shared
through a ``Digests`` dict) and of what the build already knows (package, diff, checksums).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sticoop.atomic import write_atomic
from sticoop.descriptor import Package
from sticoop.diff import PackageDiff
from sticoop.integrity import file_digest
from sticoop.release.checksums import Checksums, table_checksums
from sticoop.release.files import FILE_MODE, zip_unpacked_size
from sticoop.release_layout import RELEASE_JSON, SUMS_FILE

Digests = dict[Path, str]


def digest(path: Path, digests: Digests) -> str:
    """SHA-256 of PATH, computed once per build (the delta's while it was written)."""
    if path not in digests:
        digests[path] = file_digest(path, "sha256")
    return digests[path]


def artefact_info(path: Path, digests: Digests) -> dict[str, Any]:
    """File name, size, SHA-256 (and ``unpacked_size`` for a zip) of one artefact."""
    info: dict[str, Any] = {"file": path.name, "size": path.stat().st_size}
    info["sha256"] = digest(path, digests)
    if path.suffix == ".zip":
        info["unpacked_size"] = zip_unpacked_size(path)
    return info


def release_manifest(
    pkg: Package,
    date: str,
    diff: PackageDiff,
    folder: Path,
    files: dict[str, Path],
    checksums: Checksums | None = None,
    digests: Digests | None = None,
) -> dict[str, Any]:
    """The content of release.json."""
    from sticoop import __version__

    digests = {} if digests is None else digests
    artefacts = {kind: artefact_info(folder / path.name, digests) for kind, path in files.items()}
    return {
        "name": pkg.name,
        "title": pkg.title,
        "version": pkg.version,
        "date": date,
        "previous_version": diff.old_version,
        "change_level": diff.required_level if diff.old_version else "initial",
        "licenses": pkg.raw.get("licenses", []),
        "descriptor_sha256": file_digest(pkg.descriptor_path, "sha256"),
        "tables": table_checksums(pkg) if checksums is None else checksums,
        "artefacts": artefacts,
        "generator": f"sticoop {__version__}",
    }


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Write release.json into FOLDER (atomically)."""
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    write_atomic(folder / RELEASE_JSON, text.encode("utf-8"), mode=FILE_MODE, make_parents=True)


def write_sums(folder: Path, digests: Digests | None = None) -> None:
    """SHA256SUMS for every file of the release folder, in the format ``sha256sum -c`` reads."""
    digests = {} if digests is None else digests
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name != SUMS_FILE)
    lines = "".join(f"{digest(p, digests)}  {p.name}\n" for p in files)
    write_atomic(folder / SUMS_FILE, lines.encode("utf-8"), mode=FILE_MODE, make_parents=True)
