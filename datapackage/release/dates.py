"""The date of a release: explicit, from SOURCE_DATE_EPOCH, the changelog, or the commit.

Never the build time, so that two builds of the same commit are identical.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

from sticoop.errors import UsageError

CHANGELOG = "CHANGELOG.md"


def _iso(text: str, origin: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise UsageError(f"{origin}: {text!r} is not a date YYYY-MM-DD") from None


def _from_epoch(value: str) -> str:
    try:
        stamp = int(value)
    except ValueError:
        raise UsageError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds") from None
    return dt.datetime.fromtimestamp(stamp, dt.UTC).date().isoformat()


def changelog_date(root: Path, version: str) -> str | None:
    """The date of VERSION's section heading ``## [VERSION] - YYYY-MM-DD`` in CHANGELOG.md."""
    path = root / CHANGELOG
    if not path.is_file():
        return None
    pattern = re.compile(
        rf"^##\s*\[?{re.escape(version)}\]?\s*[-–]\s*(\d{{4}}-\d{{2}}-\d{{2}})", re.M
    )
    match = pattern.search(path.read_text(encoding="utf-8"))
    return _iso(match.group(1), str(path)) if match else None


def commit_date(root: Path) -> str | None:
    """The committer date of the checked-out git commit, if ROOT is in a git work tree."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%cs"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = out.stdout.strip()
    return text if out.returncode == 0 and text else None


def release_date(root: Path, version: str, explicit: str | None = None) -> str:
    """The release date: --date, else SOURCE_DATE_EPOCH, else CHANGELOG.md, else the commit."""
    if explicit:
        return _iso(explicit, "--date")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return _from_epoch(epoch)
    found = changelog_date(root, version) or commit_date(root)
    if found is None:
        raise UsageError(
            "cannot tell the release date",
            hint="pass --date YYYY-MM-DD or set SOURCE_DATE_EPOCH",
        )
    return found
