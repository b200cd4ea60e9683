"""``release check``: is the version bump at least as large as the changes require?"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sticoop.descriptor import Package
from sticoop.diff import PackageDiff
from sticoop.errors import ReleaseRefused
from sticoop.release_layout import find_previous
from sticoop.semver import NONE, bump_level, level_rank, parse_version


@dataclass
class CheckResult:
    """The verdict of a release check: problems make it fail, notes are informative."""

    name: str
    version: str
    previous_version: str | None
    required: str
    actual: str | None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def refuse_if_failed(check: CheckResult) -> None:
    """ReleaseRefused naming every problem of a failed release check."""
    if not check.ok:
        raise ReleaseRefused(
            f"{check.name} {check.version}: " + "\n".join(check.problems),
            hint="raise the version in datapackage.json (see docs/versioning.md)",
        )


def resolve_previous(previous: Path | None, dist: Path, pkg: Package) -> Path | None:
    """The explicit PREVIOUS, else the newest release of PKG built under DIST that is older
    than PKG's version, else None (a first release)."""
    if previous is not None:
        return previous
    return find_previous(dist, pkg.name, parse_version(pkg.version))


def check_diff(diff: PackageDiff) -> CheckResult:
    """Compare the version step of DIFF with the level its changes require."""
    new = parse_version(diff.new_version)
    result = CheckResult(diff.name, diff.new_version, diff.old_version, diff.required_level, None)
    if diff.old_version is None:
        return result  # a first release: any version will do
    old = parse_version(diff.old_version)
    result.actual = bump_level(old, new)
    if result.actual is None:
        result.problems.append(f"version {new} is lower than the previous release {old}")
    elif level_rank(result.actual) < level_rank(result.required):
        result.problems.append(_too_small(diff, str(old), str(new), result.actual))
    _note_retirements(diff, result)
    return result


def _too_small(diff: PackageDiff, old: str, new: str, actual: str) -> str:
    step = "version unchanged" if actual == NONE else f"{old} -> {new} is a {actual} bump"
    lines = [f"{step}, but the changes require a {diff.required_level} bump:"]
    above = [c for c in diff.schema_changes if level_rank(c.level) > level_rank(actual)]
    lines += [f"  [{c.level}] {c}" for c in above]
    if not above and diff.records_changed:
        lines.append("  records were added, removed or changed")
    return "\n".join(lines)


def _note_retirements(diff: PackageDiff, result: CheckResult) -> None:
    for r in diff.retired:
        if r.version != diff.new_version:
            result.notes.append(
                f"retired id {r.table} {r.retired_id} says retired_in_version {r.version}, "
                f"but this release is {diff.new_version}"
            )


def check_package(
    pkg: Package, previous: Path | None, dist: Path
) -> tuple[CheckResult, PackageDiff, Path | None]:
    """Check PKG against PREVIOUS (else the newest older release under DIST): the verdict,
    the diff (counts only) and the previous release's path (None for a first release)."""
    from contextlib import nullcontext

    from sticoop.diff import diff_packages
    from sticoop.package_source import opened_package

    prev = resolve_previous(previous, dist, pkg)
    with opened_package(prev) if prev else nullcontext(None) as old:
        diff = diff_packages(old, pkg, limit=0)
    return check_diff(diff), diff, prev
