"""``add_files``: build the rows of contribution files, validate the package as it would be,
then print a diff (dry run) or write every changed table atomically (all files or none)."""

from __future__ import annotations

import difflib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sticoop.atomic import write_all_atomic
from sticoop.contribute.build import build
from sticoop.contribute.reader import read_contribution
from sticoop.contribute.state import PackageState
from sticoop.descriptor import Package, load_package
from sticoop.errors import ContributionError
from sticoop.validators.findings import Finding

ENTITY_TABLES = ("events", "agreements", "parties", "sources")


@dataclass
class AddResult:
    """What an ``add`` did (or, in a dry run, would do)."""

    added: dict[str, list[str]] = field(default_factory=dict)  # entity table -> new ids
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows added
    referenced: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    diff: str = ""
    written: list[Path] = field(default_factory=list)


def add_files(package: str | Path | None, files: list[Path], dry_run: bool = False) -> AddResult:
    """Add the records of FILES (in order) to the package at PACKAGE (default: current dir).

    Raises ContributionError (nothing written) when a file has problems or when the package
    with the new rows would not validate.
    """
    pkg = load_package(package, writable=True)
    state = PackageState.load(pkg)
    for path in files:
        build(read_contribution(path, pkg), state)
    new_bytes = _new_tables(pkg, state)
    result = AddResult(
        added={
            t: [r[state.key(t)] for r in state.added.get(t, [])]
            for t in ENTITY_TABLES
            if state.added.get(t)
        },
        rows={t: len(rows) for t, rows in state.added.items() if rows},
        referenced=state.referenced,
    )
    if not new_bytes:
        return result
    result.warnings = _validate_copy(pkg, new_bytes, state)
    result.diff = _diff(pkg, new_bytes)
    if not dry_run:
        _write_all(pkg, new_bytes)
        result.written = [pkg.csv_path(t) for t in new_bytes]
    return result


def _new_tables(pkg: Package, state: PackageState) -> dict[str, bytes]:
    """Canonical bytes of every table that gets rows (existing rows + added, sorted)."""
    from sticoop.canonical import canonicalize, encode_rows

    out = {}
    for res in pkg.resources:
        added = state.added.get(res.name)
        if not added:
            continue
        header = res.field_names
        rows = [[r.get(c, "") for c in header] for r in state.rows(res.name)]
        path = pkg.csv_path(res.name)
        out[res.name] = encode_rows(*canonicalize(encode_rows(header, rows), res, path))
    return out


def _validate_copy(pkg: Package, new_bytes: dict[str, bytes], state: PackageState) -> list[str]:
    """Validate a temporary copy of the package with the new tables; raise on any error.

    Returns the warnings (shown, not fatal).
    """
    from sticoop.validators import validate

    with tempfile.TemporaryDirectory(prefix="sticoop-add-") as tmp:
        root = Path(tmp)
        shutil.copyfile(pkg.descriptor_path, root / pkg.descriptor_path.name)
        for res in pkg.resources:
            target = _inside(root, res.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            if res.name in new_bytes:
                target.write_bytes(new_bytes[res.name])
            elif pkg.csv_path(res.name).is_file():
                shutil.copyfile(pkg.csv_path(res.name), target)
        report = validate(root / pkg.descriptor_path.name)
    described = [(f.severity, _describe(f, state)) for f in report.sorted_findings()]
    errors = [line for severity, line in described if severity == "error"]
    if errors:
        shown = "\n".join(f"  {line}" for line in errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        raise ContributionError(
            f"the package would not validate with these records ({len(errors)} errors); "
            f"nothing was added:\n{shown}{more}",
            hint="fix the contribution file(s); 'sticoop validate' explains each rule",
        )
    return [line for severity, line in described if severity != "error"]


def _describe(finding: Finding, state: PackageState) -> str:
    """A finding, placed in the contribution file and record it comes from when it can be."""
    where = f"{finding.table}" if finding.table else "package"
    first = (finding.record_id or "").split("/")[0]
    for table in ENTITY_TABLES:
        origin = state.origins.get((table, first))
        if origin is not None:
            where = f"{origin.file}: {origin.path} ({finding.table})"
            break
    column = f", column {finding.column}" if finding.column else ""
    value = f", value {finding.value!r}" if finding.value is not None else ""
    record = f", record {finding.record_id}" if finding.record_id else ""
    return f"{where}{record}{column}{value}: [{finding.code}] {finding.message}"


def _inside(root: Path, rel: str) -> Path:
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ContributionError(f"resource path {rel!r} points outside the package")
    return target


def _diff(pkg: Package, new_bytes: dict[str, bytes]) -> str:
    chunks: list[str] = []
    for table, data in new_bytes.items():
        path = pkg.csv_path(table)
        old = path.read_bytes().decode("utf-8") if path.is_file() else ""
        rel = pkg.resource(table).path
        chunks += difflib.unified_diff(
            old.splitlines(keepends=True),
            data.decode("utf-8").splitlines(keepends=True),
            fromfile=f"a/{rel}",
            tofile=f"b/{rel}",
        )
    return "".join(chunks)


def _write_all(pkg: Package, new_bytes: dict[str, bytes]) -> None:
    """Write every table to a temp file beside it, then rename them all (all or none)."""
    write_all_atomic({pkg.csv_path(table): data for table, data in new_bytes.items()})
