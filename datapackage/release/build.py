"""``release build``: validate, check the version, and write every artefact of a release.

Everything is written into a temporary folder under DEST, then moved to
``DEST/<name>-<version>/`` in one step, so a failed build leaves no half-written release; the
index ``DEST/releases.json`` is then written for every release under DEST.

Tables are never held in memory whole: files are streamed into the zips, Parquet is written
row group by row group, the delta comes from DuckDB in batches. The DuckDB file
(``sticoop.database``) is built on a thread of its own from the moment the data is known to be
valid; the checksums, the diff, the Parquet files and the delta are computed beside it on a
thread of lower priority, the CSV zip (zlib) on another once the changelog section is known
(threads: ``sticoop.concurrency``). What goes into the zips is in ``release.entries``, what
``release.json`` and ``SHA256SUMS`` say in ``release.manifest``.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sticoop.atomic import write_atomic
from sticoop.concurrency import Background, run_at_lower_priority
from sticoop.descriptor import Package, load_package
from sticoop.diff import PackageDiff, summarize
from sticoop.diff.tables import DiffEngine
from sticoop.errors import EnvironmentProblem, ReleaseRefused
from sticoop.integrity import file_digest
from sticoop.package_source import opened_package
from sticoop.release.changelog import render_section
from sticoop.release.check import CheckResult, check_diff, refuse_if_failed, resolve_previous
from sticoop.release.checksums import Checksums, table_checksums
from sticoop.release.dates import release_date
from sticoop.release.delta import write_delta
from sticoop.release.entries import csv_zip_entries, write_parquet_release_files
from sticoop.release.files import FILE_MODE, replace_dir, write_zip
from sticoop.release.manifest import Digests, release_manifest, write_manifest, write_sums
from sticoop.release.timings import Timings, untimed
from sticoop.release_layout import (
    CHANGELOG_SECTION,
    RELEASE_JSON,
    artefact_names,
    release_dir_name,
    unsafe_name_reason,
    unsafe_relative_reason,
)
from sticoop.semver import is_version

NOTABLE_RECORDS = 10


@dataclass
class BuildResult:
    """Where the release went, and what was found on the way."""

    folder: Path
    release: dict[str, Any]
    diff: PackageDiff
    check: CheckResult
    index: Path | None = None


def validate_or_refuse(pkg: Package) -> None:
    """Run the validator on the loaded package; ReleaseRefused (exit 1) with the findings when
    there is an error."""
    from sticoop.validators.engine import validate
    from sticoop.validators.report import render

    report = validate(pkg)
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


def _timed(timings: Timings, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """FN, recorded as phase NAME of TIMINGS when it runs."""

    def run(*args: Any, **kwargs: Any) -> Any:
        with timings.phase(name):
            return fn(*args, **kwargs)

    return run


def _write_artefacts(
    pkg: Package,
    engine: DiffEngine,
    diff: PackageDiff,
    date: str,
    folder: Path,
    checksums: Checksums,
    background: Background,
    timings: Timings,
) -> dict[str, Any]:
    """Write every artefact but the database (already under way in BACKGROUND) into FOLDER:
    the CSV zip on a thread of its own, the Parquet zip and the delta here; then, once
    everything is written, the changelog section, release.json and SHA256SUMS."""
    names = artefact_names(pkg.name, pkg.version)
    descriptor_sha = file_digest(pkg.descriptor_path, "sha256")
    section = render_section(diff, date, checksums, descriptor_sha)
    files = {kind: folder / name for kind, name in names.items()}
    digests: Digests = {}
    background.start(
        _timed(timings, "csv zip", write_zip), files["csv"], csv_zip_entries(pkg, section)
    )
    with timings.phase("parquet"):
        files |= write_parquet_release_files(pkg, folder, files["parquet"])
    with timings.phase("delta"):
        digests[files["delta"]] = write_delta(engine, files["delta"]).sha256
    with timings.phase("wait"):
        background.wait()  # for the zip and the database
    with timings.phase("manifest, sums"):
        files["changelog"] = folder / CHANGELOG_SECTION
        write_atomic(files["changelog"], section.encode("utf-8"), mode=FILE_MODE, make_parents=True)
        manifest = release_manifest(pkg, date, diff, folder, files, checksums, digests)
        write_manifest(folder, manifest)
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


def build_release(
    path: str | Path | None,
    dest: Path,
    previous: Path | None = None,
    date: str | None = None,
    *,
    base_url: str = "",
    merge: Path | None = None,
    timings: Timings | None = None,
) -> BuildResult:
    """Validate the package at PATH, check its version against the previous release (PREVIOUS,
    else the newest older release under DEST), write ``DEST/<name>-<version>/``, then the index
    ``DEST/releases.json`` of every release under DEST (BASE_URL and MERGE as in
    ``release.index.write_index``).

    The DuckDB file, the longest artefact to build, is started as soon as the data is known to
    be valid, and cancelled if the release is then refused; everything else runs beside it at
    a lower priority (``run_at_lower_priority``). TIMINGS, when given, records each phase.
    """
    from sticoop.database import build_database
    from sticoop.release.index import INDEX_FILE, read_merge, write_index

    timings = timings or untimed()
    with timings.phase("load"):
        pkg = load_package(path)
        refuse_unsafe_names(pkg)
        merged = read_merge(merge)  # a bad --merge is refused before anything is built
    with timings.phase("validate"):
        validate_or_refuse(pkg)
    target = dest / release_dir_name(pkg.name, pkg.version)
    with _staging(dest, target) as tmp, Background() as background:
        database = tmp / artefact_names(pkg.name, pkg.version)["duckdb"]
        build = _timed(timings, "duckdb", build_database)
        background.start(build, pkg, database, cancel=background.cancel)
        manifest, diff, check = run_at_lower_priority(
            _check_and_write, pkg, tmp, target, previous, date, background, timings
        )
    with timings.phase("index"):
        index = dest / INDEX_FILE
        write_index(dest, index, base_url, merged=merged)
    return BuildResult(target, manifest, diff, check, index)


def _check_and_write(
    pkg: Package,
    tmp: Path,
    target: Path,
    previous: Path | None,
    date: str | None,
    background: Background,
    timings: Timings,
) -> tuple[dict[str, Any], PackageDiff, CheckResult]:
    """Everything of a build after the validation, but the database: checksums, refusals, the
    diff, the other artefacts; then publish the release."""
    dest = target.parent
    with timings.phase("checksums"):
        sums = table_checksums(pkg)
    refuse_overwrite(pkg, target, sums)
    prev = resolve_previous(previous, dest, pkg)
    rows = {name: int(counted["rows"]) for name, counted in sums.items()}
    with ExitStack() as stack:
        with timings.phase("diff"):
            old = stack.enter_context(opened_package(prev)) if prev else None
            engine = stack.enter_context(DiffEngine(old, pkg, rows))
            diff = summarize(engine, old, pkg, limit=NOTABLE_RECORDS)
        check = check_diff(diff)
        refuse_if_failed(check)
        day = release_date(pkg.root, pkg.version, date)
        try:
            manifest = _write_artefacts(pkg, engine, diff, day, tmp, sums, background, timings)
            _publish(tmp, target)
        except OSError as exc:
            raise EnvironmentProblem(f"cannot write the release into {dest}: {exc}") from None
    return manifest, diff, check
