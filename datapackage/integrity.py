"""Declared ``bytes`` and ``hash`` of a resource (Data Package spec), checked by streaming."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

ALGORITHMS = ("md5", "sha1", "sha256", "sha512")
_HEX = re.compile(r"[0-9a-fA-F]+")
CHUNK = 1 << 20


def parse_hash(declared: str) -> tuple[str, str]:
    """(algorithm, lower-case hex digest) of a declared hash: ``sha256:…`` or a bare MD5."""
    algorithm, _, digest = declared.rpartition(":")
    algorithm = algorithm.lower() or "md5"
    if algorithm not in ALGORITHMS:
        raise ValueError(f"hash algorithm {algorithm[:20]!r} is not one of {', '.join(ALGORITHMS)}")
    size = hashlib.new(algorithm).digest_size * 2
    if len(digest) != size or not _HEX.fullmatch(digest):
        raise ValueError(f"a {algorithm} hash is {size} hexadecimal digits, got {digest[:80]!r}")
    return algorithm, digest.lower()


def file_digest(path: Path, algorithm: str) -> str:
    """The hex digest of PATH, read in 1 MiB chunks (bounded memory)."""
    digest = hashlib.new(algorithm)
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
