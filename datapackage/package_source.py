"""Open a package from a directory, a ``datapackage.json``, a release folder or a zip; tell
a URL from a local path."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sticoop.descriptor import DESCRIPTOR_NAME, Package, load_package
from sticoop.errors import UsageError
from sticoop.release_layout import csv_zip_in
from sticoop.safezip import extract_zip

MAX_PREVIOUS_SIZE = 4 << 30  # refuse previous-release zips that unpack to more than 4 GiB


def is_url(text: str) -> bool:
    """True when TEXT names a URL (any scheme) rather than a version or a local path."""
    from urllib.parse import urlsplit

    scheme = urlsplit(text).scheme if "://" in text or text.lower().startswith("file:") else ""
    return len(scheme) > 1


def _descriptor_under(root: Path, origin: Path) -> Path:
    """``datapackage.json`` at ROOT or in its single top-level folder (``git archive`` style)."""
    direct = root / DESCRIPTOR_NAME
    if direct.is_file():
        return direct
    nested = sorted(root.glob(f"*/{DESCRIPTOR_NAME}"))
    if len(nested) == 1:
        return nested[0]
    raise UsageError(f"{origin}: archive holds no {DESCRIPTOR_NAME}")


def _zip_source(path: Path) -> Path | None:
    if path.is_file() and path.suffix.lower() == ".zip":
        return path
    if path.is_dir() and not (path / DESCRIPTOR_NAME).is_file():
        return csv_zip_in(path)
    return None


@contextmanager
def opened_package(path: str | Path) -> Iterator[Package]:
    """Yield the package at PATH: a directory, a ``datapackage.json``, a release zip, or a
    release folder (``dist/<name>-<version>/``) holding one ``*-csv.zip``.

    Zips are unpacked (safely) into a temporary directory removed on exit.
    """
    source = Path(path)
    if not source.exists():
        raise UsageError(f"{source}: no such file or directory")
    archive = _zip_source(source)
    if archive is None:
        yield load_package(source)
        return
    with tempfile.TemporaryDirectory(prefix="sticoop-pkg-") as tmp:
        root = Path(tmp)
        extract_zip(archive, root, MAX_PREVIOUS_SIZE)
        yield load_package(_descriptor_under(root, archive))
