"""Per-table content checksums: SHA-256 of each table's canonical CSV."""

from __future__ import annotations

from sticoop.descriptor import Package
from sticoop.release.files import sha256_bytes


def table_checksums(pkg: Package) -> dict[str, dict[str, int | str]]:
    """``{table: {"rows": n, "sha256": hex}}`` in descriptor order.

    The checksum is over the canonical form (``sticoop.canonical``), so it identifies the
    content whatever the file's formatting, and covers artefacts that are not byte-reproducible
    (the DuckDB file).
    """
    from sticoop.canonical import canonical_rows, encode_rows

    out: dict[str, dict[str, int | str]] = {}
    for res in pkg.resources:
        header, rows = canonical_rows(pkg, res.name)
        out[res.name] = {"rows": len(rows), "sha256": sha256_bytes(encode_rows(header, rows))}
    return out
