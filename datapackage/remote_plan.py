"""The plan of ``sticoop download URL``: where each resource of a remote descriptor comes from
(a URL, or a member of the zip it came in), where it goes in the local package, and the local
descriptor that the descriptor model checks before anything else is fetched.

Refused here (ResourceRefused, exit 9): a resource URL other than http(s) (``file:``,
``ftp:``, ``data:``), a relative path that is absolute or leaves the package (``..``, also
percent-encoded), and more than ``MAX_RESOURCES`` resources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

from sticoop.errors import DescriptorError, ResourceRefused
from sticoop.package_lock import relative_path_problem
from sticoop.release.fetch import SCHEMES, check_scheme

DESCRIPTOR = "datapackage.json"
MAX_RESOURCES = 1000
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_URL_SAFE = "/%!$&'()*+,;=:@~"  # kept as they are when a relative path joins the base URL


@dataclass(frozen=True)
class Source:
    """Where one resource's file comes from and where it goes."""

    index: int
    name: str
    local: str  # '/'-separated path inside the package written
    url: str  # what the lock records (a zip member is '<zip URL>#<member>')
    member: Path | None = None  # the file inside the unpacked zip, if it came in one
    declared_bytes: int | None = None
    declared_hash: str | None = None


def _local_name(index: int, location: str) -> str:
    """A safe file name for a resource fetched from an absolute URL (or an odd path)."""
    base = PurePosixPath(unquote(urlsplit(location).path)).name
    suffix = _SUFFIX.fullmatch(PurePosixPath(base).suffix or "x")
    stem = _UNSAFE.sub("_", PurePosixPath(base).stem)[:80].lstrip(".-_") or "file"
    return f"remote/{index:03d}-{stem}{suffix.group() if suffix else ''}"


def plan(
    raw: dict[str, Any], base: str, zip_root: Path | None
) -> tuple[dict[str, Any], list[Source]]:
    """The local descriptor (resource paths pointing at local files) and where each file comes
    from. ResourceRefused (exit 9) for a scheme other than http(s) or a path that escapes."""
    from sticoop.release_layout import unsafe_relative_reason

    resources = raw.get("resources")
    if not isinstance(resources, list):
        return dict(raw), []  # the descriptor model names the problem
    if len(resources) > MAX_RESOURCES:
        raise ResourceRefused(f"{len(resources):,} resources; at most {MAX_RESOURCES:,} are read")
    local_resources, sources, taken = [], [], set()
    for i, res in enumerate(resources):
        path = res.get("path") if isinstance(res, dict) else None
        if not isinstance(path, str) or not path:
            local_resources.append(res)
            continue
        where = f"/resources/{i}/path"
        name = str(res.get("name", i))[:80]
        if "://" in path or re.match(r"[A-Za-z][A-Za-z0-9+.-]+:", path):
            scheme = urlsplit(path).scheme.lower()
            if scheme not in SCHEMES:
                raise ResourceRefused(
                    f"{where}: resource {name!r} is at {path[:120]!r}; only http and https "
                    "URLs are fetched"
                )
            url, local, member = path, _local_name(i, path), None
        else:
            problem = relative_path_problem(path)
            if problem:
                raise ResourceRefused(f"{where}: resource {name!r} path {path[:120]!r} {problem}")
            local = path if unsafe_relative_reason(path) is None else _local_name(i, path)
            if zip_root is not None:
                url, member = f"{base}#{path}", zip_root.joinpath(*PurePosixPath(path).parts)
            else:
                url, member = urljoin(base, quote(path, safe=_URL_SAFE)), None
                check_scheme(url, f"{where}: resource {name!r} resolves to", ResourceRefused)
        if local.casefold() in taken:
            local = _local_name(i, path)
        taken.add(local.casefold())
        declared_bytes = res.get("bytes") if isinstance(res.get("bytes"), int) else None
        declared_hash = res.get("hash") if isinstance(res.get("hash"), str) else None
        sources.append(Source(i, name, local, url, member, declared_bytes, declared_hash))
        local_resources.append({**res, "path": local})
    return {**raw, "resources": local_resources}, sources


def check_descriptor(local_raw: dict[str, Any], where: str) -> Any:
    """The descriptor model's verdict (the checks of ``sticoop validate``): a Package, or
    DescriptorError (exit 1) naming every problem by JSON pointer."""
    from sticoop.descriptor import parse_package

    try:
        return parse_package(local_raw, Path(DESCRIPTOR), profile="spec")
    except DescriptorError as exc:
        shown = [f"{p.pointer or '/'}: {p.message}" for p in exc.problems[:20]]
        more = len(exc.problems) - len(shown)
        exc.path = where
        exc.message = f"{where}: not a data package sticoop can use:\n  " + "\n  ".join(
            shown + ([f"... and {more} more"] if more > 0 else [])
        )
        raise
