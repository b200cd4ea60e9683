"""``release build``: validate, check the version, and write every artefact of a release.

Everything is written into a temporary folder under DEST, then moved to
``DEST/<name>-<version>/`` in one step, so a failed build leaves no half-written release.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sticoop.descriptor import DESCRIPTOR_NAME, Package, load_package
from sticoop.diff import PackageDiff, summarize
from sticoop.errors import EnvironmentProblem, ReleaseRefused
from sticoop.release.changelog import render_section
from sticoop.release.check import CheckResult, check_diff, resolve_previous
from sticoop.release.checksums import table_checksums
from sticoop.release.dates import release_date
from sticoop.release.delta import write_delta
from sticoop.release.files import (
    replace_dir,
    sha256_file,
    write_atomic,
    write_zip,
    zip_unpacked_size,
)
from sticoop.release.layout import (
    CHANGELOG_SECTION,
    RELEASE_JSON,
    SUMS_FILE,
    artefact_names,
    release_dir_name,
)
from sticoop.release.parquet import parquet_bytes
from sticoop.release.sources import opened_package
from sticoop.release.table_diff import DiffEngine

# Files beside datapackage.json that go into the CSV zip when they exist.
EXTRA_FILES = ("README.md", "CHANGELOG.md", "docs/codebook.md")
DATA_LICENCE_GLOBS = ("LICENSE-DATA*", "LICENCE-DATA*", "DATA-LICENSE*", "DATA-LICENCE*")
GENERATED_LICENCE = "LICENSE-DATA.txt"
NOTABLE_RECORDS = 10


@dataclass
class BuildResult:
    """Where the release went, and what was found on the way."""

    folder: Path
    release: dict[str, Any]
    diff: PackageDiff
    check: CheckResult


def validate_or_refuse(pkg: Package) -> None:
    """Run the validator; ReleaseRefused (exit 1) with the findings when there is an error."""
    from sticoop.validators.engine import validate
    from sticoop.validators.report import render

    report = validate(pkg.descriptor_path)
    if not report.ok:
        summary = render(report, "text", max_errors=20)
        raise ReleaseRefused(
            f"refusing to build {pkg.name} {pkg.version}: the data is invalid\n{summary}",
            hint="run 'sticoop validate' and fix the errors",
        )


def refuse_if_failed(check: CheckResult) -> None:
    """ReleaseRefused naming every problem of a failed release check."""
    if not check.ok:
        raise ReleaseRefused(
            f"{check.name} {check.version}: " + "\n".join(check.problems),
            hint="raise the version in datapackage.json (see docs/versioning.md)",
        )


def csv_zip_entries(pkg: Package, changelog: str) -> dict[str, bytes]:
    """The CSV package: descriptor, tables, README, codebook, data licence and changelog.

    Files are taken as committed; CHANGELOG.md is the proposed section when there is none, and
    the licence notice is generated from the descriptor unless a LICENSE-DATA file exists (the
    repository's LICENSE covers the code, which is not in the zip).
    """
    root = pkg.root
    entries = {DESCRIPTOR_NAME: pkg.descriptor_path.read_bytes()}
    for res in pkg.resources:
        entries[Path(res.path).as_posix()] = pkg.csv_path(res.name).read_bytes()
    for name in EXTRA_FILES:
        if (root / name).is_file():
            entries[name] = (root / name).read_bytes()
    licences = [p for g in DATA_LICENCE_GLOBS for p in sorted(root.glob(g)) if p.is_file()]
    for path in licences:
        entries[path.name] = path.read_bytes()
    if not licences:
        entries[GENERATED_LICENCE] = licence_text(pkg).encode("utf-8")
    entries.setdefault("CHANGELOG.md", changelog.encode("utf-8"))
    return entries


def licence_text(pkg: Package) -> str:
    """A licence notice for the data, from the descriptor's ``licenses`` and ``contributors``."""
    lines = [f"{pkg.title or pkg.name}, version {pkg.version}", ""]
    lines.append("The data in this package (datapackage.json and the CSV files) is licensed under:")
    for lic in pkg.raw.get("licenses", []):
        lines.append(f"  {lic.get('title') or lic.get('name')} ({lic.get('name', '')})")
        if lic.get("path"):
            lines.append(f"  {lic['path']}")
    authors = [c.get("title", "") for c in pkg.raw.get("contributors", []) if c.get("title")]
    if authors:
        lines += ["", f"Attribute to: {', '.join(authors)}."]
    return "\n".join(lines) + "\n"


def parquet_zip_entries(pkg: Package) -> dict[str, bytes]:
    """One Parquet file per table, plus the descriptor (types, descriptions, keys)."""
    entries = {f"{res.name}.parquet": parquet_bytes(pkg, res) for res in pkg.resources}
    entries[DESCRIPTOR_NAME] = pkg.descriptor_path.read_bytes()
    return entries


def _artefact(path: Path, kind: str) -> dict[str, Any]:
    info: dict[str, Any] = {"file": path.name, "size": path.stat().st_size}
    info["sha256"] = sha256_file(path)
    if path.suffix == ".zip":
        info["unpacked_size"] = zip_unpacked_size(path)
    return {kind: info}


def release_manifest(
    pkg: Package, date: str, diff: PackageDiff, folder: Path, files: dict[str, Path]
) -> dict[str, Any]:
    """The content of release.json."""
    from sticoop import __version__

    artefacts: dict[str, Any] = {}
    for kind, path in files.items():
        artefacts |= _artefact(folder / path.name, kind)
    return {
        "name": pkg.name,
        "title": pkg.title,
        "version": pkg.version,
        "date": date,
        "previous_version": diff.old_version,
        "change_level": diff.required_level if diff.old_version else "initial",
        "licenses": pkg.raw.get("licenses", []),
        "descriptor_sha256": sha256_file(pkg.descriptor_path),
        "tables": table_checksums(pkg),
        "artefacts": artefacts,
        "generator": f"sticoop {__version__}",
    }


def write_sums(folder: Path) -> None:
    """SHA256SUMS for every file of the release folder, in the format ``sha256sum -c`` reads."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name != SUMS_FILE)
    lines = "".join(f"{sha256_file(p)}  {p.name}\n" for p in files)
    write_atomic(folder / SUMS_FILE, lines.encode("utf-8"))


def _write_artefacts(
    pkg: Package, engine: DiffEngine, diff: PackageDiff, date: str, folder: Path
) -> dict[str, Any]:
    from sticoop.ddl import build_database

    names = artefact_names(pkg.name, pkg.version)
    descriptor_sha = sha256_file(pkg.descriptor_path)
    section = render_section(diff, date, table_checksums(pkg), descriptor_sha)
    files = {kind: folder / name for kind, name in names.items()}
    write_zip(files["csv"], csv_zip_entries(pkg, section))
    write_zip(files["parquet"], parquet_zip_entries(pkg), compress=False)
    build_database(pkg, files["duckdb"])
    write_delta(engine, files["delta"])
    files["changelog"] = folder / CHANGELOG_SECTION
    write_atomic(files["changelog"], section.encode("utf-8"))
    manifest = release_manifest(pkg, date, diff, folder, files)
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    write_atomic(folder / RELEASE_JSON, text.encode("utf-8"))
    write_sums(folder)
    return manifest


def _publish(tmp: Path, target: Path) -> None:
    """Move the finished folder TMP to TARGET, replacing an older build of the same version."""
    tmp.chmod(0o755)
    replace_dir(tmp, target)


def refuse_overwrite(pkg: Package, target: Path) -> None:
    """ReleaseRefused when TARGET holds a build of this version with other content: a version
    is published once (rebuilding the same content is fine)."""
    manifest_path = target / RELEASE_JSON
    if not manifest_path.is_file():
        return
    built = json.loads(manifest_path.read_text(encoding="utf-8")).get("tables")
    if built != table_checksums(pkg):
        raise ReleaseRefused(
            f"{target} already holds a {pkg.version} release with other content",
            hint="bump the version in datapackage.json, or delete that folder to rebuild",
        )


def _write_release(
    pkg: Package, engine: DiffEngine, diff: PackageDiff, day: str, dest: Path
) -> tuple[Path, dict[str, Any]]:
    target = dest / release_dir_name(pkg.name, pkg.version)
    try:
        dest.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=dest))
        try:
            manifest = _write_artefacts(pkg, engine, diff, day, tmp)
            _publish(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot write the release into {dest}: {exc}") from None
    return target, manifest


def build_release(
    path: str | Path | None,
    dest: Path,
    previous: Path | None = None,
    date: str | None = None,
) -> BuildResult:
    """Validate the package at PATH, check its version against the previous release (PREVIOUS,
    else the newest older release under DEST) and write ``DEST/<name>-<version>/``."""
    pkg = load_package(path)
    validate_or_refuse(pkg)
    refuse_overwrite(pkg, dest / release_dir_name(pkg.name, pkg.version))
    prev = resolve_previous(previous, dest, pkg)
    with opened_package(prev) if prev else nullcontext(None) as old, DiffEngine(old, pkg) as engine:
        diff = summarize(engine, old, pkg, limit=NOTABLE_RECORDS)
        check = check_diff(diff)
        refuse_if_failed(check)
        day = release_date(pkg.root, pkg.version, date)
        target, manifest = _write_release(pkg, engine, diff, day, dest)
    return BuildResult(target, manifest, diff, check)
