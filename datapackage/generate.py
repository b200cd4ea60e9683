"""Files generated from the descriptor and the rule registry, and their staleness check."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from sticoop.atomic import write_atomic
from sticoop.descriptor import Package, load_package


def _codebook(pkg: Package) -> str:
    from sticoop.codebook import render_codebook

    return render_codebook(pkg)


def _error_codes(pkg: Package) -> str:
    from sticoop.refusals import render_refusals
    from sticoop.validators.error_codes import render_error_codes

    return render_error_codes().rstrip("\n") + "\n\n" + render_refusals()


def _load_sql(pkg: Package) -> str:
    from sticoop.ddl import load_sql

    return load_sql(pkg)


def _coverage(pkg: Package) -> str:
    from sticoop.coverage import render_coverage

    return render_coverage(pkg)


Renderer = Callable[[Package], str]
GENERATED: dict[str, Renderer] = {
    "docs/codebook.md": _codebook,
    "docs/coverage.md": _coverage,
    "docs/error-codes.md": _error_codes,
    "load.sql": _load_sql,
}


def expected_files(pkg: Package, extra: Mapping[str, Renderer] | None = None) -> dict[str, str]:
    """Relative path → the content it should have: GENERATED, and EXTRA (files generated
    outside the library, such as the command line's reference docs/cli.md)."""
    renderers = {**GENERATED, **(extra or {})}
    return {rel: _terminated(renderers[rel](pkg)) for rel in sorted(renderers)}


def _terminated(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def generate(
    path: str | Path | None = None,
    check: bool = False,
    extra: Mapping[str, Renderer] | None = None,
) -> list[str]:
    """Write (or with CHECK, only compare) the generated files (and EXTRA ones, see
    ``expected_files``); return those that differ. The package at PATH (default: the current
    directory) must be a writable one, never the bundled dataset."""
    pkg = load_package(path, writable=True)
    stale = []
    for rel, content in expected_files(pkg, extra).items():
        target = pkg.root / rel
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == content:
            continue
        stale.append(rel)
        if not check:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, content.encode("utf-8"))
    return stale
