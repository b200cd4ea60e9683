"""Shared fixtures: the repository root, corpus packages built in tmp dirs, a CLI runner."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "corpus"
CASES = sorted(p.name for p in (CORPUS / "cases").iterdir() if p.is_dir())


def build_case(name: str, dest: Path) -> tuple[Path, dict]:
    """Assemble corpus case NAME in DEST: base package, then the case's overlay."""
    case = CORPUS / "cases" / name
    meta = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    shutil.copytree(CORPUS / "base" / "resources", dest / "resources")
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] += meta.get("add_resources", [])
    (dest / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    for item in case.rglob("*"):
        if item.is_file() and item.name != "expected.json":
            target = dest / item.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(item, target)
    for rel in meta.get("remove", []):
        (dest / rel).unlink()
    return dest, meta


@pytest.fixture
def corpus_case(tmp_path):
    """Factory: build a corpus case in a fresh temporary directory."""
    return lambda name: build_case(name, tmp_path / name)


@pytest.fixture(scope="session")
def corpus_report(tmp_path_factory):
    """Factory: (path, expected, validation report) of a case, built and validated once per
    worker."""
    from sticoop.validators import validate

    cache: dict[str, tuple] = {}

    def get(name: str) -> tuple[Path, dict, object]:
        if name not in cache:
            path, meta = build_case(name, tmp_path_factory.mktemp("corpus") / name)
            cache[name] = (path, meta, validate(path))
        return cache[name]

    return get


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None) -> Result:
    """Run the real ``sticoop`` console script in a subprocess."""
    exe = Path(sys.executable).parent / "sticoop"
    proc = subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run the CLI in-process (fast): ``cli(*args, cwd=...) -> Result``."""
    from sticoop.cli.app import main

    def run(*args: str, cwd: Path | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


@pytest.fixture
def run(cli):
    """The CLI in-process; every result is checked for the absence of a traceback."""

    def call(*args: str):
        result = cli(*args)
        assert "Traceback" not in result.stderr, result.stderr
        return result

    return call
