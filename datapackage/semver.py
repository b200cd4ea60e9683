"""Semantic versions of the dataset (MAJOR.MINOR.PATCH) and the size of a version bump."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sticoop.errors import UsageError

_SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")

# Levels of change, smallest first; a bump must be at least the level its changes require.
NONE, PATCH, MINOR, MAJOR = "none", "patch", "minor", "major"
LEVELS = (NONE, PATCH, MINOR, MAJOR)


def level_rank(level: str) -> int:
    """Position of LEVEL in ``LEVELS`` (none < patch < minor < major)."""
    return LEVELS.index(level)


def max_level(levels: list[str]) -> str:
    """The largest of LEVELS (``none`` for an empty list)."""
    return max(levels, key=level_rank, default=NONE)


@dataclass(frozen=True, order=True)
class Version:
    """A release version; compares numerically."""

    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


def is_version(text: str) -> bool:
    """True when TEXT is a plain MAJOR.MINOR.PATCH version."""
    return _SEMVER.fullmatch(text) is not None


def parse_version(text: str) -> Version:
    """Parse MAJOR.MINOR.PATCH (no pre-release or build suffix); UsageError otherwise."""
    match = _SEMVER.fullmatch(text.strip())
    if match is None:
        raise UsageError(f"{text!r} is not a version of the form MAJOR.MINOR.PATCH (e.g. 0.2.0)")
    major, minor, patch = (int(g) for g in match.groups())
    return Version(major, minor, patch)


def bump_level(old: Version, new: Version) -> str | None:
    """The level of the step OLD -> NEW, or None when NEW is lower than OLD.

    0.1.0 -> 0.1.1 is a patch, -> 0.2.0 a minor, -> 1.0.0 a major bump; equal versions: none.
    """
    if new < old:
        return None
    if new.major != old.major:
        return MAJOR
    if new.minor != old.minor:
        return MINOR
    if new.patch != old.patch:
        return PATCH
    return NONE
