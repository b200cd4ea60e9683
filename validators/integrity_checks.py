"""Findings for a resource's declared ``bytes`` and ``hash``, and for files sticoop does not
read as tables (present or not)."""

from __future__ import annotations

from pathlib import Path

from sticoop.descriptor import Resource
from sticoop.integrity import file_digest, parse_hash
from sticoop.validators.findings import Finding
from sticoop.validators.loading import display_path


def integrity_findings(res: Resource, path: Path) -> list[Finding]:
    """``bytes-mismatch`` / ``hash-mismatch`` when the file differs from its declaration."""
    if (res.bytes is None and res.hash is None) or not path.is_file():
        return []
    where = {"table": res.name, "file": display_path(path)}
    findings = []
    size = path.stat().st_size
    if res.bytes is not None and size != res.bytes:
        findings.append(
            Finding(
                code="bytes-mismatch",
                message=f"the file has {size:,} bytes; the descriptor declares {res.bytes:,}",
                value=str(size),
                **where,
            )
        )
    if res.hash is not None:
        algorithm, expected = parse_hash(res.hash)
        actual = file_digest(path, algorithm)
        if actual != expected:
            findings.append(
                Finding(
                    code="hash-mismatch",
                    message=f"{algorithm} of the file is {actual}; the descriptor declares "
                    f"{expected}",
                    value=actual,
                    **where,
                )
            )
    return findings


def presence_findings(res: Resource, path: Path) -> list[Finding]:
    """A non-tabular resource is only required to exist as a regular file."""
    if path.is_file():
        return []
    what = "a directory, not a file" if path.is_dir() else "not found"
    return [
        Finding(
            code="file-missing",
            message=f"{display_path(path)}: {what}",
            table=res.name,
            file=display_path(path),
        )
    ]
