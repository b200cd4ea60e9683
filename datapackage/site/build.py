"""Build the static site: gather pages, render them with Jinja2, write the folder atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sticoop.errors import UsageError
from sticoop.site import pages, sections
from sticoop.site.model import SiteData, load

MARKER = ".sticoop-site"  # a folder holding this file may be replaced by a new build


@dataclass(frozen=True)
class SiteResult:
    dest: Path
    pages: int
    seconds: float


def build_date() -> str:
    """The date shown on pages: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is not None:
        try:
            stamp = int(raw)
        except ValueError:
            raise UsageError(f"SOURCE_DATE_EPOCH={raw!r}: not an integer") from None
        return datetime.fromtimestamp(stamp, UTC).date().isoformat()
    return datetime.now(UTC).date().isoformat()


def build_site(data: str | Path | None, dest: Path, *, repo_root: Path | None = None) -> SiteResult:
    """Build the site of the package at DATA into DEST (replaced only if a previous site)."""
    start = time.monotonic()
    dest = Path(dest)
    _check_dest(dest)
    site = load(data)
    root = repo_root or _docs_root(site)
    files = all_files(site, root, build_date())
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        _write(tmp, files)
        (tmp / MARKER).write_text("built by sticoop site build\n", encoding="utf-8")
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
            dest.rename(old)
            tmp.rename(dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    count = sum(1 for name in files if name.endswith(".html"))
    return SiteResult(dest, count, time.monotonic() - start)


def _check_dest(dest: Path) -> None:
    if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
        raise UsageError(f"{dest}: exists and is not a folder")
    if dest.is_dir() and any(dest.iterdir()) and not (dest / MARKER).is_file():
        raise UsageError(
            f"{dest}: a folder that is not empty and holds no earlier site",
            hint="choose an empty or new folder",
        )


def _docs_root(site: SiteData) -> Path | None:
    """The repository holding the package (docs/codebook.md beside it), if any."""
    for folder in (site.descriptor_path.parent, *site.descriptor_path.parent.parents[:2]):
        if (folder / "docs" / "codebook.md").is_file():
            return folder
    return None


def _write(folder: Path, files: dict[str, str | bytes]) -> None:
    for name in sorted(files):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        content = files[name]
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def all_files(site: SiteData, docs_root: Path | None, date: str) -> dict[str, str | bytes]:
    """Every file of the site: name relative to the site's root -> content."""
    b = pages.Builder(site, docs_root, date)
    sections.home(b)
    sections.records(b)
    sections.parties(b)
    sections.sectors(b)
    sections.partners(b)
    sections.listings(b)
    sections.docs(b)
    sections.assets(b)
    return b.files
