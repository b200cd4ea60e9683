"""Hostile input for ``sticoop fmt``: broken descriptors, special files, links out of the
package, interrupted runs, and the one definition of whitespace it shares with validate."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sticoop import canonical
from sticoop.canonical import EDGE_CHARS, clean_cell
from sticoop.validators.cell_rules import EDGE_SPACE

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX special files and signals")

REPO = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).parent / "sticoop"
EVENTS = Path("resources") / "events.csv"
SECTORS = Path("resources") / "sectors.csv"


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    shutil.copyfile(REPO / "datapackage.json", root / "datapackage.json")
    shutil.copytree(REPO / "resources", root / "resources")
    return root


def tree_hash(root: Path) -> dict[str, str]:
    """Every entry below ROOT: file contents hashed, links by target, FIFOs by kind."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_fifo():
            out[rel] = "fifo"
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[rel] = "dir"
    return out


def temporaries(root: Path) -> list[Path]:
    return sorted(root.rglob(".*.tmp"))


def make_messy(root: Path) -> None:
    """Give sectors.csv CRLF line endings: fmt would rewrite it if it got that far."""
    path = root / SECTORS
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=timeout)


def test_a_duplicated_field_is_refused_before_any_file_changes(dataset: Path) -> None:
    descriptor = json.loads((dataset / "datapackage.json").read_text(encoding="utf-8"))
    sectors = next(r for r in descriptor["resources"] if r["name"] == "sectors")
    sectors["schema"]["fields"].append(dict(sectors["schema"]["fields"][-1]))
    (dataset / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    make_messy(dataset)
    before = tree_hash(dataset)
    result = run("fmt", str(dataset))
    assert result.returncode == 1, result.stderr
    # refused by fmt's own check, or already when the descriptor is loaded
    assert "'name_vi'" in result.stderr
    assert "described twice" in result.stderr or "duplicate field name" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_hash(dataset) == before
    assert temporaries(dataset) == []


@pytest.mark.parametrize("kind", ["fifo", "directory", "link-outside", "device"])
def test_special_files_stop_fmt_before_anything_is_rewritten(
    dataset: Path, tmp_path: Path, kind: str
) -> None:
    path = dataset / EVENTS
    outside = tmp_path / "outside.csv"
    outside.write_bytes((REPO / EVENTS).read_bytes().replace(b"\n", b"\r\n"))
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "link-outside":
        path.symlink_to(outside)
    else:
        path.symlink_to("/dev/zero")
    make_messy(dataset)
    before, outside_before = tree_hash(dataset), outside.read_bytes()
    result = run("fmt", str(dataset), timeout=30)
    assert result.returncode == 1, result.stderr
    what = {
        "fifo": "a FIFO (named pipe)",
        "directory": "a directory",
        "link-outside": "a symbolic link pointing outside the package",
        "device": "a symbolic link pointing outside the package",
    }[kind]
    assert f"events.csv is {what}, not a file" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_hash(dataset) == before  # sectors.csv not rewritten either
    assert outside.read_bytes() == outside_before
    assert temporaries(dataset) == [] and temporaries(tmp_path) == []


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temporaries_of_a_killed_run_are_removed(dataset: Path) -> None:
    folder = dataset / "resources"
    stale = [
        folder / f".events.csv.{dead_pid()}.k1ll3d00.tmp",  # SIGKILLed run (pid gone)
        folder / ".sectors.csv.x8y9z0ab.tmp",  # written by an older sticoop
    ]
    for path in stale:
        path.write_bytes(b"\x00" * 4096)
    alive = folder / f".events.csv.{os.getpid()}.running.tmp"  # a run still going
    alive.write_bytes(b"partial")
    keep = folder / ".notes.tmp"  # not ours
    keep.write_text("mine", encoding="utf-8")
    result = run("fmt", str(dataset))
    assert result.returncode == 0, result.stderr
    assert not any(p.exists() for p in stale)
    assert alive.exists() and keep.exists()
    check = run("fmt", "--check", str(dataset))
    assert check.returncode == 0 and "Traceback" not in check.stderr


def test_a_real_sigkill_leaves_a_temporary_the_next_run_removes(dataset: Path) -> None:
    # A large messy file keeps fmt busy long enough to kill it while it works.
    path = dataset / EVENTS
    lines = path.read_bytes().split(b"\n")
    header, rows = lines[0], [r for r in lines[1:] if r]
    body = [b"x%07d" % i + row[row.index(b",") :] for i in range(40_000) for row in rows[:1]]
    path.write_bytes(b"\r\n".join([header, *body]) + b"\r\n")
    proc = subprocess.Popen([str(EXE), "fmt", str(dataset)], stderr=subprocess.PIPE)
    folder = dataset / "resources"
    try:
        for _ in range(2000):
            if proc.poll() is not None or list(folder.glob(".events.csv.*.tmp")):
                break
            os.sched_yield()
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    result = run("fmt", str(dataset))  # whatever the kill left behind
    assert result.returncode == 0, result.stderr
    assert temporaries(dataset) == []
    assert b"\r" not in path.read_bytes()


def test_sigterm_while_writing_removes_the_temporary(
    cli, dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_messy(dataset)
    before = tree_hash(dataset)
    real_replace = os.replace

    def terminated(src: str, dst: str) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while the temporary exists
        real_replace(src, dst)

    monkeypatch.setattr(canonical.os, "replace", terminated)
    result = cli("fmt", str(dataset))
    assert result.exit_code == 130
    assert "interrupted" in result.stderr and "Traceback" not in result.stderr
    assert temporaries(dataset) == []
    assert tree_hash(dataset) == before
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # handler restored


def test_fmt_strips_exactly_what_validate_calls_whitespace() -> None:
    assert set(EDGE_CHARS) == set(EDGE_SPACE)
    for code in [*range(0x3100), 0xFEFF, 0x180E, 0x200B]:
        char = chr(code)
        if code in (0x0D,):
            continue  # CR becomes LF first (line endings), then goes as whitespace
        stripped = clean_cell(char + "x" + char) == "x"
        assert stripped == (char in EDGE_SPACE), hex(code)


def test_after_fmt_validate_reports_no_whitespace(dataset: Path) -> None:
    path = dataset / SECTORS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",", "\u2003,", 1)  # EM SPACE: validate reports it
    lines[2] = lines[2].replace(",", "\ufeff,", 1)  # BOM at a cell's end: reported
    lines[3] = lines[3].replace(",", ",\u00a0", 1)  # NBSP: reported
    path.write_text("".join(lines), encoding="utf-8")
    result = run("fmt", str(dataset))
    assert result.returncode == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert "\u2003" not in text and "\ufeff" not in text and "\u00a0" not in text
    report = run("validate", str(dataset), "--format", "json")
    assert "Traceback" not in report.stderr
    findings = json.loads(report.stdout)["findings"]
    assert not [f for f in findings if f["code"] == "whitespace"]


def test_a_cell_edge_validate_accepts_is_left_alone(dataset: Path) -> None:
    path = dataset / SECTORS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    name = lines[1].split(",")[2]
    lines[1] = lines[1].replace(name, name + "\u0085", 1)  # NEL: not whitespace to validate
    path.write_text("".join(lines), encoding="utf-8")
    result = run("fmt", str(dataset))
    assert result.returncode == 0, result.stderr
    assert name + "\u0085" in path.read_text(encoding="utf-8")


def test_two_tables_linked_to_one_file_are_refused(dataset: Path) -> None:
    link = dataset / "resources" / "event_sources.csv"
    link.unlink()
    link.symlink_to("agreement_sources.csv")
    make_messy(dataset)
    before = tree_hash(dataset)
    result = run("fmt", str(dataset))
    assert result.returncode == 1, result.stderr
    assert "are the same file" in result.stderr and "Traceback" not in result.stderr
    assert tree_hash(dataset) == before


def test_fmt_refuses_a_package_in_another_dialect(tmp_path: Path) -> None:
    descriptor = {
        "name": "semicolons",
        "resources": [
            {
                "name": "t",
                "path": "t.csv",
                "dialect": {"delimiter": ";"},
                "schema": {"fields": [{"name": "a", "type": "integer"}, {"name": "b"}]},
            }
        ],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (tmp_path / "t.csv").write_text("a;b\n2;y\n1;x\n", encoding="utf-8")
    result = run("fmt", str(tmp_path))
    assert result.returncode == 1
    assert "declares another dialect" in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == "a;b\n2;y\n1;x\n"
