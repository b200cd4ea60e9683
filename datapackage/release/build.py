"""``release build``: validate, check the version, and write every artefact of a release.

Everything is written into a temporary folder under DEST, then moved to
``DEST/<name>-<version>/`` in one step, so a failed build leaves no half-written release.

Tables are never held in memory whole: files are streamed into the zips, Parquet is written
row group by row group, the delta comes from DuckDB in batches. The DuckDB file (its
foreign-key checks and index builds run on one thread) is built on a thread of its own from
the moment the data is known to be valid; the checksums, the diff, the Parquet files and the
delta are computed beside it on a thread of lower priority, the CSV zip (zlib) on another once
the changelog section is known.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sticoop.descriptor import DESCRIPTOR_NAME, Package, load_package
from sticoop.diff import PackageDiff, summarize
from sticoop.diff.tables import DiffEngine
from sticoop.errors import EnvironmentProblem, ReleaseRefused
from sticoop.package_source import opened_package
from sticoop.release.changelog import render_section
from sticoop.release.check import CheckResult, check_diff, resolve_previous
from sticoop.release.checksums import Checksums, table_checksums
from sticoop.release.dates import release_date
from sticoop.release.delta import write_delta
from sticoop.release.files import (
    replace_dir,
    sha256_file,
    write_atomic,
    write_zip,
    zip_unpacked_size,
)
from sticoop.release.parquet import parquet_descriptor, write_parquet
from sticoop.release_layout import (
    CHANGELOG_SECTION,
    RELEASE_JSON,
    SUMS_FILE,
    artefact_names,
    release_dir_name,
    unsafe_name_reason,
    unsafe_relative_reason,
)
from sticoop.semver import is_version

# Files beside datapackage.json that go into the CSV zip when they exist.
EXTRA_FILES = ("README.md", "CHANGELOG.md", "docs/codebook.md")
DATA_LICENCE_GLOBS = ("LICENSE-DATA*", "LICENCE-DATA*", "DATA-LICENSE*", "DATA-LICENCE*")
GENERATED_LICENCE = "LICENSE-DATA.txt"
NOTABLE_RECORDS = 10
_LOWER_PRIORITY = 5  # nice increment of the threads working beside the database build


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


def refuse_unsafe_names(pkg: Package) -> None:
    """ReleaseRefused (exit 1) unless the package name and every resource name and path are
    safe names: they become folder, file and zip member names of the release."""
    problems = []
    reason = unsafe_name_reason(pkg.name)
    if reason is not None:
        problems.append(f"package name {pkg.name!r}: {reason}")
    if not is_version(pkg.version):
        problems.append(f"version {pkg.version!r} is not MAJOR.MINOR.PATCH")
    seen: dict[str, str] = {}
    for res in pkg.resources:
        reason = unsafe_name_reason(res.name)
        if reason is not None:
            problems.append(f"resource name {res.name!r}: {reason}")
        elif res.name.casefold() in seen:
            problems.append(f"resource names {seen[res.name.casefold()]!r} and {res.name!r} clash")
        seen.setdefault(res.name.casefold(), res.name)
        reason = unsafe_relative_reason(Path(res.path).as_posix())
        if reason is not None:
            problems.append(f"resource {res.name!r}: path {res.path!r}: {reason}")
    if problems:
        raise ReleaseRefused(
            "refusing to build: names that would become file names are unsafe\n  "
            + "\n  ".join(problems),
            hint="use names of letters, digits, '.', '_' and '-' (e.g. 'agreement_parties')",
        )


def refuse_if_failed(check: CheckResult) -> None:
    """ReleaseRefused naming every problem of a failed release check."""
    if not check.ok:
        raise ReleaseRefused(
            f"{check.name} {check.version}: " + "\n".join(check.problems),
            hint="raise the version in datapackage.json (see docs/versioning.md)",
        )


def csv_zip_entries(pkg: Package, changelog: str) -> dict[str, bytes | Path]:
    """The CSV package: descriptor, tables, README, codebook, data licence and changelog.

    Files are taken as committed (given by path, streamed into the zip); CHANGELOG.md is the
    proposed section when there is none, and the licence notice is generated from the
    descriptor unless a LICENSE-DATA file exists (the repository's LICENSE covers the code,
    which is not in the zip).
    """
    root = pkg.root
    entries: dict[str, bytes | Path] = {DESCRIPTOR_NAME: pkg.descriptor_path.read_bytes()}
    for res in pkg.resources:
        entries[Path(res.path).as_posix()] = pkg.csv_path(res.name)
    for name in EXTRA_FILES:
        if (root / name).is_file():
            entries[name] = root / name
    licences = [p for g in DATA_LICENCE_GLOBS for p in sorted(root.glob(g)) if p.is_file()]
    for path in licences:
        entries[path.name] = path
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


def parquet_zip_entries(pkg: Package, workdir: Path) -> dict[str, bytes | Path]:
    """One Parquet file per table (written into WORKDIR), plus a descriptor whose resources
    are these files (``format: parquet``; types, descriptions, keys as in the CSV package),
    so the unpacked folder is a data package sticoop reads."""
    entries: dict[str, bytes | Path] = {}
    written: dict[str, Path] = {}
    for res in pkg.resources:
        entries[f"{res.name}.parquet"] = target = workdir / f"{res.name}.parquet"
        write_parquet(pkg, res, str(target))
        written[res.name] = target
    entries[DESCRIPTOR_NAME] = parquet_descriptor(pkg, written)
    return entries


def table_artefact_kind(table: str) -> str:
    """The artefact kind of TABLE's plain Parquet file in release.json and the index."""
    return f"parquet:{table}"


def write_parquet_release_files(pkg: Package, folder: Path, zip_path: Path) -> dict[str, Path]:
    """Each table as a plain ``<table>.parquet`` file of the release FOLDER (read over HTTP
    without the rest), and the Parquet zip at ZIP_PATH holding the same files; returns the
    files by artefact kind."""
    entries = parquet_zip_entries(pkg, folder)
    write_zip(zip_path, entries, compress=False)
    return {table_artefact_kind(res.name): folder / f"{res.name}.parquet" for res in pkg.resources}


def _artefact(path: Path, kind: str, digests: dict[Path, str]) -> dict[str, Any]:
    info: dict[str, Any] = {"file": path.name, "size": path.stat().st_size}
    info["sha256"] = _digest(path, digests)
    if path.suffix == ".zip":
        info["unpacked_size"] = zip_unpacked_size(path)
    return {kind: info}


def _digest(path: Path, digests: dict[Path, str]) -> str:
    """SHA-256 of PATH, computed once per build (the delta's while it was written)."""
    if path not in digests:
        digests[path] = sha256_file(path)
    return digests[path]


def release_manifest(
    pkg: Package,
    date: str,
    diff: PackageDiff,
    folder: Path,
    files: dict[str, Path],
    checksums: Checksums | None = None,
    digests: dict[Path, str] | None = None,
) -> dict[str, Any]:
    """The content of release.json."""
    from sticoop import __version__

    digests = {} if digests is None else digests
    artefacts: dict[str, Any] = {}
    for kind, path in files.items():
        artefacts |= _artefact(folder / path.name, kind, digests)
    return {
        "name": pkg.name,
        "title": pkg.title,
        "version": pkg.version,
        "date": date,
        "previous_version": diff.old_version,
        "change_level": diff.required_level if diff.old_version else "initial",
        "licenses": pkg.raw.get("licenses", []),
        "descriptor_sha256": sha256_file(pkg.descriptor_path),
        "tables": table_checksums(pkg) if checksums is None else checksums,
        "artefacts": artefacts,
        "generator": f"sticoop {__version__}",
    }


def write_sums(folder: Path, digests: dict[Path, str] | None = None) -> None:
    """SHA256SUMS for every file of the release folder, in the format ``sha256sum -c`` reads."""
    digests = {} if digests is None else digests
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name != SUMS_FILE)
    lines = "".join(f"{_digest(p, digests)}  {p.name}\n" for p in files)
    write_atomic(folder / SUMS_FILE, lines.encode("utf-8"))


class _Background:
    """Artefacts written on threads of their own while the main thread goes on.

    Leaving the block waits for them; when it is left by an exception (a refusal, a failure),
    they are cancelled first and their own errors are dropped. Otherwise the first of their
    errors is raised.
    """

    def __init__(self) -> None:
        self.cancel = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sticoop-release")
        self._jobs: list[Future[Any]] = []

    def start(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._jobs.append(self._pool.submit(fn, *args, **kwargs))

    def wait(self) -> None:
        """Wait for every job; raise the first error."""
        self._pool.shutdown(wait=True)
        errors = [exc for job in self._jobs if (exc := job.exception()) is not None]
        if errors:
            raise errors[0]

    def __enter__(self) -> _Background:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if exc_type is None:
            self.wait()
            return
        self.cancel.set()
        self._pool.shutdown(wait=True)


def _write_artefacts(
    pkg: Package,
    engine: DiffEngine,
    diff: PackageDiff,
    date: str,
    folder: Path,
    checksums: Checksums,
    background: _Background,
) -> dict[str, Any]:
    """Write every artefact but the database (already under way in BACKGROUND) into FOLDER:
    the CSV zip on a thread of its own, the Parquet zip and the delta here; then, once
    everything is written, the changelog section, release.json and SHA256SUMS."""
    names = artefact_names(pkg.name, pkg.version)
    descriptor_sha = sha256_file(pkg.descriptor_path)
    section = render_section(diff, date, checksums, descriptor_sha)
    files = {kind: folder / name for kind, name in names.items()}
    digests: dict[Path, str] = {}
    background.start(write_zip, files["csv"], csv_zip_entries(pkg, section))
    files |= write_parquet_release_files(pkg, folder, files["parquet"])
    digests[files["delta"]] = write_delta(engine, files["delta"]).sha256
    background.wait()  # for the zip and the database
    files["changelog"] = folder / CHANGELOG_SECTION
    write_atomic(files["changelog"], section.encode("utf-8"))
    manifest = release_manifest(pkg, date, diff, folder, files, checksums, digests)
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    write_atomic(folder / RELEASE_JSON, text.encode("utf-8"))
    write_sums(folder, digests)
    return manifest


def _publish(tmp: Path, target: Path) -> None:
    """Move the finished folder TMP to TARGET, replacing an older build of the same version."""
    tmp.chmod(0o755)
    replace_dir(tmp, target)


def refuse_overwrite(pkg: Package, target: Path, checksums: Checksums | None = None) -> None:
    """ReleaseRefused when TARGET holds a build of this version with other content: a version
    is published once (rebuilding the same content is fine)."""
    manifest_path = target / RELEASE_JSON
    if not manifest_path.is_file():
        return
    built = json.loads(manifest_path.read_text(encoding="utf-8")).get("tables")
    if built != (table_checksums(pkg) if checksums is None else checksums):
        raise ReleaseRefused(
            f"{target} already holds a {pkg.version} release with other content",
            hint="bump the version in datapackage.json, or delete that folder to rebuild",
        )


@contextmanager
def _staging(dest: Path, target: Path) -> Iterator[Path]:
    """A temporary folder under DEST for the release being built; removed on exit, with DEST
    itself when this created it and the build failed."""
    created = not dest.exists()
    try:
        dest.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=dest))
    except OSError as exc:
        raise EnvironmentProblem(f"cannot write the release into {dest}: {exc}") from None
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if created:
            with suppress(OSError):
                dest.rmdir()
        raise
    shutil.rmtree(tmp, ignore_errors=True)


def _behind(fn: Callable[..., Any], *args: Any) -> Any:
    """Run FN(*ARGS) on a thread of lower priority (nice +5 where the platform allows), wait
    for it and return its result or raise its error.

    The DuckDB file, built meanwhile on a thread of normal priority, is the longest artefact
    (much of it on one core: DuckDB checks foreign keys on one thread per statement): it keeps
    its pace, and the rest of the build (with the threads DuckDB and the zip writer start from
    that thread) takes the CPU it leaves.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        with suppress(AttributeError, OSError):  # not on every platform
            me = threading.get_native_id()
            nice = os.getpriority(os.PRIO_PROCESS, me)
            os.setpriority(os.PRIO_PROCESS, me, min(19, nice + _LOWER_PRIORITY))
        try:
            outcome["result"] = fn(*args)
        except BaseException as exc:  # handed to the waiting thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="sticoop-release-main", daemon=True)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def build_release(
    path: str | Path | None,
    dest: Path,
    previous: Path | None = None,
    date: str | None = None,
) -> BuildResult:
    """Validate the package at PATH, check its version against the previous release (PREVIOUS,
    else the newest older release under DEST) and write ``DEST/<name>-<version>/``.

    The DuckDB file, the longest artefact to build, is started as soon as the data is known to
    be valid, and cancelled if the release is then refused; everything else runs beside it at
    a lower priority (``_behind``).
    """
    from sticoop.ddl import build_database

    pkg = load_package(path)
    refuse_unsafe_names(pkg)
    validate_or_refuse(pkg)
    target = dest / release_dir_name(pkg.name, pkg.version)
    with _staging(dest, target) as tmp, _Background() as background:
        database = tmp / artefact_names(pkg.name, pkg.version)["duckdb"]
        background.start(build_database, pkg, database, cancel=background.cancel)
        manifest, diff, check = _behind(
            _check_and_write, pkg, tmp, target, previous, date, background
        )
    return BuildResult(target, manifest, diff, check)


def _check_and_write(
    pkg: Package,
    tmp: Path,
    target: Path,
    previous: Path | None,
    date: str | None,
    background: _Background,
) -> tuple[dict[str, Any], PackageDiff, CheckResult]:
    """Everything of a build after the validation, but the database: checksums, refusals, the
    diff, the other artefacts; then publish the release."""
    dest = target.parent
    sums = table_checksums(pkg)
    refuse_overwrite(pkg, target, sums)
    prev = resolve_previous(previous, dest, pkg)
    with (
        opened_package(prev) if prev else nullcontext(None) as old,
        DiffEngine(old, pkg) as engine,
    ):
        diff = summarize(engine, old, pkg, limit=NOTABLE_RECORDS)
        check = check_diff(diff)
        refuse_if_failed(check)
        day = release_date(pkg.root, pkg.version, date)
        try:
            manifest = _write_artefacts(pkg, engine, diff, day, tmp, sums, background)
            _publish(tmp, target)
        except OSError as exc:
            raise EnvironmentProblem(f"cannot write the release into {dest}: {exc}") from None
    return manifest, diff, check
