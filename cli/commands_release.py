"""``sticoop release``: check the version bump, build a release, draft the changelog, index."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sticoop.cli.options import PathArg

if TYPE_CHECKING:
    from sticoop.diff import PackageDiff
    from sticoop.release.check import CheckResult


PreviousOpt = Annotated[
    Path | None,
    typer.Option(
        "--previous",
        help="The previous release: a package directory, datapackage.json, release zip or "
        "dist/<name>-<version>/ folder [default: the newest older release under --dist; "
        "none found: a first release].",
        show_default=False,
    ),
]
DistOpt = Annotated[
    Path, typer.Option("--dist", help="Where built releases are (searched for --previous).")
]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="Release date YYYY-MM-DD [default: SOURCE_DATE_EPOCH, else the CHANGELOG.md "
        "heading of this version, else the date of the git commit].",
        show_default=False,
    ),
]


def _summary_lines(diff: PackageDiff) -> list[str]:
    added, removed, changed = (
        sum(t.counts[c] for t in diff.tables) for c in ("added", "removed", "changed")
    )
    lines = [f"records: {added} added, {removed} removed, {changed} changed"]
    lines += [f"  [{c.level}] {c}" for c in diff.schema_changes]
    return lines


def _report(check: CheckResult, diff: PackageDiff, previous: Path | None) -> None:
    if check.previous_version is None:
        typer.echo(f"{check.name} {check.version}: first release (no previous release found)")
    else:
        origin = f" ({previous})" if previous else ""
        typer.echo(
            f"{check.name} {check.version}: previous release {check.previous_version}{origin}"
        )
        step = check.actual or "a lower version"
        need = "no bump" if check.required == "none" else f"a {check.required} bump"
        typer.echo(f"changes require {need}; version step: {step}")
    for line in _summary_lines(diff):
        typer.echo(line)
    for note in check.notes:
        typer.echo(f"note: {note}")


def check(path: PathArg = None, previous: PreviousOpt = None, dist: DistOpt = Path("dist")) -> None:
    """Fail (exit 1) when the version bump is smaller than the changes since the previous
    release require, naming each breaking change (rules: docs/versioning.md)."""
    from sticoop.descriptor import load_package
    from sticoop.release.check import check_package, refuse_if_failed

    result, diff, prev = check_package(load_package(path), previous, dist)
    _report(result, diff, prev)
    refuse_if_failed(result)  # ReleaseRefused, as 'release build' raises for the same result
    typer.echo("ok")


BaseUrlOpt = Annotated[
    str,
    typer.Option(
        "--base-url",
        help="Where the files are published; {version} is replaced by the version "
        "[default: URLs relative to the index, <name>-<version>/<file>].",
    ),
]
MergeOpt = Annotated[
    Path | None,
    typer.Option("--merge", help="A published releases.json to add the new releases to."),
]


def build(
    path: PathArg = None,
    dest: Annotated[Path, typer.Option("--dest", help="Where to write the release.")] = Path(
        "dist"
    ),
    previous: PreviousOpt = None,
    date: DateOpt = None,
    base_url: BaseUrlOpt = "",
    merge: MergeOpt = None,
    timings: Annotated[
        bool, typer.Option("--timings", help="Print each phase's seconds to stderr.")
    ] = False,
) -> None:
    """Validate, check the version, and write DEST/<name>-<version>/: CSV zip, Parquet zip,
    DuckDB file, delta.jsonl, proposed changelog section, release.json and SHA256SUMS; then
    the index DEST/releases.json of every release under DEST (as 'release index' does)."""
    from sticoop.release.build import build_release
    from sticoop.release.timings import Timings

    clock = Timings(lambda line: typer.echo(f"timing: {line}", err=True)) if timings else None
    result = build_release(
        path, dest, previous, date, base_url=base_url, merge=merge, timings=clock
    )
    _report(result.check, result.diff, None)
    typer.echo(f"built {result.folder}")
    for kind, info in result.release["artefacts"].items():
        typer.echo(f"  {info['file']:<48} {info['size']:>12,}  {kind}")
    typer.echo(f"wrote {result.index}")
    if clock is not None:
        typer.echo(f"timing: {'total':<20} {clock.total():8.2f} s", err=True)


def changelog(
    path: PathArg = None,
    previous: PreviousOpt = None,
    dist: DistOpt = Path("dist"),
    date: DateOpt = None,
    write: Annotated[
        bool, typer.Option("--write", help="Insert the section into CHANGELOG.md.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="With --write: replace this version's section.")
    ] = False,
) -> None:
    """Print the proposed CHANGELOG.md section of this version (counts, schema changes,
    retired ids, added records, content checksums), or insert it with --write."""
    from sticoop.descriptor import load_package
    from sticoop.release.changelog import insert_section, proposed_section

    pkg = load_package(path, writable=write)
    section = proposed_section(pkg, previous, dist, date)
    if not write:
        typer.echo(section, nl=False)
        return
    target = pkg.root / "CHANGELOG.md"
    insert_section(target, section, pkg.version, replace=force)
    typer.echo(f"wrote the {pkg.version} section into {target}")


def index(
    dist: DistOpt = Path("dist"),
    base_url: BaseUrlOpt = "",
    merge: MergeOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Where to write [default: DIST/releases.json]."),
    ] = None,
) -> None:
    """Write the release index releases.json (versions, dates, artefact URLs, SHA-256)."""
    from sticoop.release.index import INDEX_FILE, write_index

    target = output or dist / INDEX_FILE
    result = write_index(dist, target, base_url, merge)
    versions = ", ".join(r["version"] for r in result["releases"])
    typer.echo(f"wrote {target}: {versions}")
