"""Fixtures of the hostile-input suite: a hostile server, a sandbox whose tree is hashed
before and after each command, and a time limit on every test."""

from __future__ import annotations

import hashlib
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .server import HostileSite, hostile_server

TEST_TIMEOUT = 60  # seconds any test of this suite may take


@pytest.fixture(autouse=True)
def _time_limit() -> Iterator[None]:
    """Fail a test that runs longer than TEST_TIMEOUT (SIGALRM; the suite runs in the main
    thread)."""

    def expire(signum: int, frame: object) -> None:
        pytest.fail(f"test took longer than {TEST_TIMEOUT} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, TEST_TIMEOUT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def site() -> Iterator[HostileSite]:
    with hostile_server() as state:
        yield state


def tree_hash(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every entry under ROOT (relative path -> kind and content hash or link target), links
    not followed; top-level names in SKIP are left out."""
    entries: dict[str, str] = {}
    if not root.exists():
        return entries
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        for name in dirnames + filenames:
            path = base / name
            rel = path.relative_to(root).as_posix()
            if rel.split("/")[0] in skip:
                continue
            if path.is_symlink():
                entries[rel] = "link:" + os.readlink(path)
            elif path.is_dir():
                entries[rel] = "dir"
            else:
                entries[rel] = "file:" + hashlib.sha256(path.read_bytes()).hexdigest()
    return entries


def temporaries(root: Path) -> list[str]:
    """Leftovers of an interrupted or failed command under ROOT: .part, .tmp, dot-folders."""
    found = []
    for path in root.rglob("*") if root.exists() else []:
        name = path.name
        if name.endswith((".part", ".tmp", ".old")) or (name.startswith(".") and path.is_dir()):
            found.append(path.relative_to(root).as_posix())
    return found


@dataclass
class Sandbox:
    """tmp_path laid out as work/ (the current folder), cache/ (STICOOP_CACHE_DIR) and
    outside/ (files an attack would like to reach)."""

    root: Path
    work: Path
    cache: Path
    outside: Path


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    box = Sandbox(tmp_path, tmp_path / "work", tmp_path / "cache", tmp_path / "outside")
    box.work.mkdir()
    box.outside.mkdir()
    (box.outside / "victim.txt").write_text("keep me\n")
    (box.root / "victim.txt").write_text("keep me too\n")
    monkeypatch.setenv("STICOOP_CACHE_DIR", str(box.cache))
    monkeypatch.delenv("STICOOP_INDEX_URL", raising=False)
    monkeypatch.chdir(box.work)
    return box
