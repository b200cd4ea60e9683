"""What goes into the release's zips: the CSV package (with a generated licence notice when
the repository has no data licence file) and the Parquet package."""

from __future__ import annotations

from pathlib import Path

from sticoop.descriptor import DESCRIPTOR_NAME, Package
from sticoop.release.files import write_zip
from sticoop.release.parquet import parquet_descriptor, write_parquet
from sticoop.release_layout import TABLE_PREFIX

# Files beside datapackage.json that go into the CSV zip when they exist.
EXTRA_FILES = ("README.md", "CHANGELOG.md", "docs/codebook.md")
DATA_LICENCE_GLOBS = ("LICENSE-DATA*", "LICENCE-DATA*", "DATA-LICENSE*", "DATA-LICENCE*")
GENERATED_LICENCE = "LICENSE-DATA.txt"


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
    return f"{TABLE_PREFIX}{table}"


def write_parquet_release_files(pkg: Package, folder: Path, zip_path: Path) -> dict[str, Path]:
    """Each table as a plain ``<table>.parquet`` file of the release FOLDER (read over HTTP
    without the rest), and the Parquet zip at ZIP_PATH holding the same files; returns the
    files by artefact kind."""
    entries = parquet_zip_entries(pkg, folder)
    write_zip(zip_path, entries, compress=False)
    return {table_artefact_kind(res.name): folder / f"{res.name}.parquet" for res in pkg.resources}
