"""``sticoop download URL``: fetch any Frictionless data package and write it as a local one.

URL is a ``datapackage.json``/``.yaml``, a zip holding one, or a folder that serves one. The
descriptor is checked with the descriptor model (``parse_package``: limits, official profiles,
JSON pointers) before any resource is fetched. Relative resource paths are resolved against the
descriptor's URL and must stay inside the package; absolute URLs are fetched over http(s) only,
never ``file:``. Each file is checked against the ``bytes`` and ``hash`` its descriptor declares
(a mismatch deletes it, exit 5); every file's URL, size and SHA-256 go into
``datapackage.lock.json``, so ``sticoop download --verify`` and a later download notice a file
that changed upstream without its descriptor saying so.

Transfers use the hardened layer of ``sticoop.release.fetch`` (overall deadline, per-read
timeout, http(s)-only redirects), resume with HTTP Range when a server stops mid-file, run at
most ``WORKERS`` at a time, and land in the content-addressed cache shared with our releases
(``sticoop.release.store``), which ``--offline`` reads. The package is written into a temporary
folder beside the destination, then renamed into place.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

from sticoop.errors import (
    DeclaredMismatch,
    DiskWriteFailure,
    NetworkFailure,
    NotCached,
    ResourceRefused,
    SticoopError,
    UpstreamChanged,
    UsageError,
)
from sticoop.package_lock import LOCK, LockEntry, lock_json, read_lock, read_lock_source
from sticoop.release.fetch import DEADLINE, MAX_DEADLINE, Deadline, check_scheme
from sticoop.release.store import PACKAGES
from sticoop.remote_plan import DESCRIPTOR, Source, check_descriptor, plan

WORKERS = 4  # files fetched at the same time
MAX_FILE = 8 << 30  # bytes one file (or a zip) may have
MAX_DESCRIPTOR = 16 << 20


@dataclass(frozen=True)
class PackageDownload:
    """A data package now on disk."""

    name: str
    path: Path  # the folder holding datapackage.json
    url: str  # the descriptor (or zip) it came from
    files: tuple[LockEntry, ...]
    from_cache: bool


def check_url(url: str) -> str:
    """URL when it is http(s); UsageError (exit 2) for file:, ftp: and the rest."""
    return check_scheme(url, "refusing to download")


def candidate_urls(url: str) -> list[str]:
    """The descriptor URLs to try: URL itself, or DESCRIPTOR (then .yaml) inside a folder."""
    path = urlsplit(url).path.lower()
    if path.endswith((".json", ".yaml", ".yml", ".zip")):
        return [url]
    base = url if urlsplit(url).path.endswith("/") else _with_slash(url)
    return [urljoin(base, DESCRIPTOR), urljoin(base, "datapackage.yaml")]


def _with_slash(url: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=parts.path + "/").geturl()


# --- getting one file into the cache ------------------------------------------------------


@dataclass
class _Session:
    """What every transfer of one command shares."""

    cache: Path
    offline: bool
    deadline: Deadline | None
    cancel: threading.Event
    bars: _Bars


def _get(
    session: _Session,
    url: str,
    limit: int,
    label: str,
    remember: bool = True,
    size: int | None = None,
) -> tuple[Path, int, str, bool]:
    """(cached path, size, SHA-256, from cache) of URL: from the cache when offline, else
    downloaded (resumably) and, when REMEMBER, recorded as what URL serves."""
    from sticoop.release.store import cached_object, read_record, write_record

    if session.offline:
        record = read_record(session.cache, url)
        path = cached_object(session.cache, record.sha256, record.size) if record else None
        if record is None or path is None:
            raise NotCached(
                f"{url} is not in the cache {session.cache}",
                hint="download it once without --offline",
            )
        return path, record.size, record.sha256, True
    from sticoop.release.resume import fetch_resumable

    assert session.deadline is not None
    fetched = fetch_resumable(
        url,
        session.cache,
        limit=limit,
        deadline=session.deadline,
        cancel=session.cancel,
        progress=session.bars.file(label, size),
    )
    if not remember:
        return fetched.path, fetched.size, fetched.sha256, False
    with suppress(SticoopError, OSError):  # the record only serves --offline and change checks
        write_record(session.cache, url, fetched.size, fetched.sha256)
    return fetched.path, fetched.size, fetched.sha256, False


def _fetch_descriptor(session: _Session, url: str) -> tuple[str, Path, int, str, bool]:
    """(descriptor or zip URL, cached file, size, sha256, from cache) for the URL given."""
    errors = []
    for candidate in candidate_urls(url):
        limit = MAX_FILE if urlsplit(candidate).path.lower().endswith(".zip") else MAX_DESCRIPTOR
        try:
            return (candidate, *_get(session, candidate, limit, "datapackage"))
        except (NetworkFailure, NotCached) as exc:
            errors.append(exc)
            if "answered 404" not in exc.message and not isinstance(exc, NotCached):
                raise
    if len(errors) > 1:
        raise type(errors[0])(
            f"{url}: no {DESCRIPTOR} or datapackage.yaml there ({errors[0].message})",
            hint="give the URL of the descriptor, a zip holding one, or its folder",
        )
    raise errors[0]


# --- reading the descriptor and planning the files ----------------------------------------


def _read_raw(path: Path, where: str, yaml: bool) -> dict[str, Any]:
    from sticoop.descriptor_source import parse_descriptor_bytes

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DiskWriteFailure(f"cannot read {path}: {exc.strerror}") from None
    return parse_descriptor_bytes(data, where, yaml=yaml)


def _zip_descriptor(archive: Path, unpacked: Path, where: str) -> tuple[Path, Path]:
    """Unpack the checked zip ARCHIVE into UNPACKED; (descriptor file, package root)."""
    from sticoop.safezip import check_zip, extract_zip

    check_zip(archive, MAX_FILE)
    extract_zip(archive, unpacked, MAX_FILE)
    for root in (unpacked, *sorted(p for p in unpacked.iterdir() if p.is_dir())):
        for name in (DESCRIPTOR, "datapackage.yaml", "datapackage.yml"):
            if (root / name).is_file() and not (root / name).is_symlink():
                return root / name, root
    raise ResourceRefused(f"{where}: the zip holds no {DESCRIPTOR} (at its top or one folder in)")


# --- integrity ------------------------------------------------------------------------------


def check_declared(path: Path, size: int, sha256: str, source: Source) -> None:
    """DeclaredMismatch (exit 5) when PATH differs from the declared bytes or hash."""
    from sticoop.integrity import file_digest, parse_hash

    what = f"resource {source.name!r} ({source.url})"
    if source.declared_bytes is not None and size != source.declared_bytes:
        raise DeclaredMismatch(
            f"{what}: declared {source.declared_bytes:,} bytes, got {size:,}; the file was deleted"
        )
    if source.declared_hash:
        algorithm, expected = parse_hash(source.declared_hash)
        actual = sha256 if algorithm == "sha256" else file_digest(path, algorithm)
        if actual != expected:
            raise DeclaredMismatch(
                f"{what}: declared {algorithm}:{expected}, got {algorithm}:{actual}; "
                "the file was deleted"
            )


def _materialise(
    session: _Session, source: Source, tmp: Path, previous: dict[str, str], accept: bool
) -> LockEntry:
    """Put SOURCE's file at its local path in TMP, checked; its lock entry."""
    from sticoop.integrity import file_digest
    from sticoop.release.store import cached_object, forget, now, write_record

    target = tmp.joinpath(*PurePosixPath(source.local).parts)
    cached, from_zip = None, source.member is not None
    if from_zip:
        assert source.member is not None
        if not source.member.is_file() or source.member.is_symlink():
            raise ResourceRefused(f"resource {source.name!r}: {source.local} is not in the zip")
        path, size = source.member, source.member.stat().st_size
        sha = file_digest(path, "sha256")
    else:
        algorithm_sha = (source.declared_hash or "").lower().startswith("sha256:")
        if algorithm_sha and source.declared_hash:
            cached = cached_object(session.cache, source.declared_hash.split(":", 1)[1])
        if cached is not None:
            path, size, sha = cached, cached.stat().st_size, file_digest(cached, "sha256")
        else:
            limit = min(source.declared_bytes, MAX_FILE) if source.declared_bytes else MAX_FILE
            try:
                path, size, sha, _hit = _get(
                    session, source.url, limit, source.local, False, source.declared_bytes
                )
            except ResourceRefused as exc:
                if source.declared_bytes is None:
                    raise
                raise DeclaredMismatch(
                    f"resource {source.name!r} ({source.url}): declared "
                    f"{source.declared_bytes:,} bytes, got more ({exc.message})"
                ) from None
    try:
        check_declared(path, size, sha, source)
    except DeclaredMismatch:
        if not from_zip:
            forget(session.cache, source.url, sha)
        raise
    before = previous.get(source.url)
    if before and before != sha and not source.declared_hash and not accept:
        raise UpstreamChanged(
            f"resource {source.name!r} ({source.url}) changed upstream without a declared "
            f"hash: sha256 was {before}, is now {sha}",
            hint="pass --update to accept the new content",
        )
    if not from_zip and not session.offline:  # remembered only once accepted
        with suppress(SticoopError, OSError):
            write_record(session.cache, source.url, size, sha)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    except OSError as exc:
        raise DiskWriteFailure(f"cannot write {target}: {exc.strerror}") from None
    return LockEntry(source.local, source.url, size, sha, now(), source.declared_hash)


# --- progress -------------------------------------------------------------------------------


class _Bars:
    """Progress per file and in total on stderr, when SHOW and a terminal watches."""

    def __init__(self, show: bool) -> None:
        self.bar: Any = None
        self.total: Any = None
        if show and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

            columns = (*Progress.get_default_columns(), DownloadColumn(), TransferSpeedColumn())
            self.bar = Progress(*columns, console=Console(stderr=True), transient=True)
            self.total = self.bar.add_task("total", total=None)

    def file(self, label: str, size: int | None = None) -> Callable[[int], None]:
        """The callback advancing LABEL's bar (of SIZE bytes when known) and the total."""
        if self.bar is None:
            return lambda n: None
        task = self.bar.add_task(label[:40], total=size)

        def advance(n: int) -> None:
            self.bar.advance(task, n)
            self.bar.advance(self.total, n)

        return advance

    @contextmanager
    def shown(self) -> Iterator[_Bars]:
        if self.bar is None:
            yield self
            return
        with self.bar:
            yield self


# --- the command ----------------------------------------------------------------------------


def _fetch_all(
    session: _Session, sources: list[Source], tmp: Path, previous: dict[str, str], accept: bool
) -> list[LockEntry]:
    """Every file, WORKERS at a time; the first failure stops the others."""
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="sticoop-fetch") as pool:
        futures: list[Future[LockEntry]] = [
            pool.submit(_materialise, session, s, tmp, previous, accept) for s in sources
        ]
        try:
            return [f.result() for f in futures]
        except BaseException:
            session.cancel.set()
            if session.deadline is not None:
                session.deadline.stop()
            for f in futures:
                f.cancel()
            raise


def _previous(dest: Path, cache: Path, sources: list[Source]) -> dict[str, str]:
    """URL -> SHA-256 it served before: from DEST's lock, else the cache's records."""
    from sticoop.release.store import read_record

    known = {e.url: e.sha256 for e in read_lock(dest)} if (dest / LOCK).is_file() else {}
    for s in sources:
        record = None if s.url in known or s.member else read_record(cache, s.url)
        if record is not None:
            known[s.url] = record.sha256
    return known


def _default_dest(name: str) -> Path:
    from sticoop.release_layout import is_safe_name

    return Path.cwd() / (name if is_safe_name(name) else "datapackage")


def download_package(
    url: str,
    dest: Path | None = None,
    *,
    cache: Path | None = None,
    progress: bool = True,
    force: bool = False,
    timeout: float = DEADLINE,
    offline: bool = False,
    accept_changes: bool = False,
) -> PackageDownload:
    """Download the data package at URL into DEST (default ``./<package name>``)."""
    from sticoop.download import prepare_dest
    from sticoop.release.cache import make_dirs, remove_empty, remove_stale_parts, user_cache_dir
    from sticoop.release.files import replace_dir
    from sticoop.release.store import now, objects_dir

    check_url(url)
    if not 0 < timeout <= MAX_DEADLINE:
        raise UsageError(f"the timeout must be from 0 to {MAX_DEADLINE:,} seconds, not {timeout}")
    root = cache or user_cache_dir()
    remove_stale_parts(objects_dir(root))  # left by a killed run
    bars = _Bars(progress)
    with Deadline(timeout) as deadline, bars.shown():
        session = _Session(root, offline, None if offline else deadline, threading.Event(), bars)
        where, obj, size, sha, hit = _fetch_descriptor(session, url)
        is_zip = urlsplit(where).path.lower().endswith(".zip")
        with tempfile.TemporaryDirectory(prefix="sticoop-zip-") as unpacked:
            zip_root = None
            if is_zip:
                descriptor, zip_root = _zip_descriptor(obj, Path(unpacked), where)
            else:
                descriptor = obj
            name = descriptor.name if is_zip else urlsplit(where).path
            yaml = name.lower().endswith((".yaml", ".yml"))
            raw = _read_raw(descriptor, where, yaml)
            local_raw, sources = plan(raw, where, zip_root)
            package = check_descriptor(local_raw, where)
            target = dest or _default_dest(package.name)
            prepare_dest(target, force)
            previous = _previous(target, root, sources)
            created = make_dirs(target.parent)
            tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
            done = False
            try:
                entries = _fetch_all(session, sources, tmp, previous, accept_changes)
                text = json.dumps(local_raw, indent=2, ensure_ascii=False) + "\n"
                (tmp / DESCRIPTOR).write_text(text, encoding="utf-8")
                source = LockEntry(DESCRIPTOR, where, size, sha, now())
                (tmp / LOCK).write_bytes(lock_json(source, entries))
                tmp.chmod(0o755)
                replace_dir(tmp, target)
                done = True
            except OSError as exc:
                raise DiskWriteFailure(f"cannot write {target}: {exc.strerror}") from None
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
                if not done:
                    remove_empty(created)
    return PackageDownload(package.name, target, where, tuple(entries), hit or offline)


@dataclass(frozen=True)
class Verification:
    """What ``--verify`` found: files unchanged, and the problems."""

    checked: int
    problems: tuple[str, ...]


def verify_package(
    folder: Path,
    *,
    cache: Path | None = None,
    offline: bool = False,
    timeout: float = DEADLINE,
    progress: bool = True,
) -> Verification:
    """Check FOLDER's files against its lock, then (unless OFFLINE) fetch every URL again and
    compare; UpstreamChanged (exit 5) listing every difference."""
    from sticoop.integrity import file_digest
    from sticoop.release.cache import user_cache_dir

    source, entries = read_lock_source(folder)
    problems = []
    for e in entries:
        path = folder.joinpath(*PurePosixPath(e.path).parts)
        if not path.is_file():
            problems.append(f"{e.path}: missing on disk")
        elif path.stat().st_size != e.bytes or file_digest(path, "sha256") != e.sha256:
            problems.append(f"{e.path}: modified on disk (sha256 {file_digest(path, 'sha256')})")
    if not offline:
        remote = [source, *(e for e in entries if "#" not in e.url)]
        bars = _Bars(progress)
        with Deadline(timeout) as deadline, bars.shown():
            session = _Session(cache or user_cache_dir(), False, deadline, threading.Event(), bars)
            for e in remote:
                check_url(e.url)
                _path, size, sha, _hit = _get(session, e.url, MAX_FILE, e.path, remember=False)
                if sha != e.sha256:
                    problems.append(
                        f"{e.path}: {e.url} changed upstream: sha256 was {e.sha256} "
                        f"({e.bytes:,} bytes), is now {sha} ({size:,} bytes)"
                    )
    if problems:
        raise UpstreamChanged(
            f"{folder}: {len(problems)} file(s) differ from {LOCK}: " + "; ".join(problems),
            hint="download the package again with --update to accept the changes",
        )
    return Verification(len(entries), ())


def ensure_package(url: str, *, cache: Path | None = None, progress: bool = True) -> Path:
    """The local copy of the package at URL that ``sql --data URL`` queries: kept in the
    cache, downloaded when missing or when its files no longer match their lock."""
    import hashlib

    from sticoop.release.cache import user_cache_dir

    check_url(url)
    root = cache or user_cache_dir()
    folder = root / PACKAGES / hashlib.sha256(url.encode()).hexdigest()[:32]
    if (folder / DESCRIPTOR).is_file():
        with suppress(SticoopError):
            verify_package(folder, offline=True)
            return folder
    return download_package(url, folder, cache=root, progress=progress, force=True).path
