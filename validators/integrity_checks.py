"""Findings for a resource's declared ``bytes`` and ``hash``."""

from __future__ import annotations

from pathlib import Path

from sticoop.descriptor import Resource
from sticoop.integrity import file_digest, parse_hash
from sticoop.safefiles import display_path
from sticoop.validators.findings import Finding


def integrity_findings(res: Resource, path: Path) -> list[Finding]:
    """``bytes-mismatch`` / ``hash-mismatch`` when the file differs from its declaration."""
    if (res.bytes is None and res.hash is None) or not path.is_file():
        return []
    table, file = res.name, display_path(path)
    findings = []
    size = path.stat().st_size
    if res.bytes is not None and size != res.bytes:
        findings.append(
            Finding(
                code="bytes-mismatch",
                message=f"the file has {size:,} bytes; the descriptor declares {res.bytes:,}",
                value=str(size),
                table=table,
                file=file,
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
                    table=table,
                    file=file,
                )
            )
    return findings
