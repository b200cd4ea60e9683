"""Packages from frictionless-py's own test data: sticoop (spec profile) and
``frictionless validate`` give the same verdict and flag the same lines, except where
sticoop follows the spec or refuses a feature by name (``DIVERGENT``, see docs/validation.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sticoop.validators.engine import validate

FIXTURES = Path(__file__).parent / "frictionless_fixtures"
DESCRIPTORS = sorted(
    str(p.relative_to(FIXTURES))
    for p in FIXTURES.rglob("*")
    if p.suffix in (".json", ".yaml") and ("package" in p.name)
)
# Fixture -> (sticoop's verdict, why it differs from frictionless).
DIVERGENT = {
    "multipart.package.json": (False, "multipart paths are refused by name (not read yet)"),
    "compression/datapackage.json": (False, "compressed files are refused by name"),
    "package-with-missingvalues-993.json": (
        True,
        "missingValues on a resource (not its schema) is an unknown property, which the spec "
        "ignores; frictionless refuses the descriptor",
    ),
}
# Lines frictionless reports that sticoop does not, or the reverse, and why.
LINE_DIVERGENCES = {
    # A row with the wrong number of cells is reported once (row-width); frictionless also
    # type-checks the cells it has.
    "capital.package.yaml": {12},
    "package-1067.json": {12},
}


def _sticoop(descriptor: Path) -> tuple[bool, set[int]]:
    report = validate(descriptor, profile="spec")
    return report.ok, {f.line for f in report.findings if f.line and f.severity == "error"}


def _frictionless(descriptor: Path) -> tuple[bool, set[int]]:
    from frictionless import Package

    report = Package(str(descriptor)).validate()
    lines = {
        e.row_number
        for task in report.tasks
        for e in task.errors
        if getattr(e, "row_number", None) is not None
    }
    lines |= {1 for task in report.tasks for e in task.errors if e.type.endswith("label")}
    return report.valid, lines


def test_the_fixtures_are_there() -> None:
    assert len(DESCRIPTORS) >= 15, DESCRIPTORS


@pytest.mark.parametrize("name", DESCRIPTORS)
def test_same_verdict_and_lines_as_frictionless(name: str) -> None:
    descriptor = FIXTURES / name
    ours, our_lines = _sticoop(descriptor)
    if name in DIVERGENT:
        assert ours == DIVERGENT[name][0]
        return
    theirs, their_lines = _frictionless(descriptor)
    assert ours == theirs
    skip = LINE_DIVERGENCES.get(name, set())
    assert our_lines - skip == their_lines - skip
