"""Hostile files for the readers (``sql``, ``diff``): special files, garbage, encodings, zips."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sticoop.csvread import MAX_LINE, CsvReadError, check_lines
from sticoop.descriptor import load_package
from sticoop.safefiles import FileKind, inspect_resource

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX special files and signals")

REPO = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).parent / "sticoop"
EVENTS = Path("resources") / "events.csv"


def _appended_line() -> int:
    """The line number of a line appended to the dataset's events.csv."""
    return (REPO / EVENTS).read_bytes().count(b"\n") + 1


def copy_package(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copyfile(REPO / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(REPO / "resources", dest / "resources")
    return dest


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return copy_package(tmp_path / "data")


def run(*args: str, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """The real command in a subprocess: a hang fails the test (timeout) instead of pytest."""
    return subprocess.run(
        [str(EXE), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def make_special(root: Path, kind: str, outside: Path) -> None:
    """Replace ROOT's events.csv by a special file of KIND."""
    path = root / EVENTS
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "link-outside":
        secret = outside / "secret.csv"
        secret.write_text("not yours\n", encoding="utf-8")
        path.symlink_to(secret)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "broken-link":
        path.symlink_to(root / "resources" / "nothing.csv")
    elif kind != "missing":
        raise ValueError(kind)


SPECIAL = {
    "fifo": "events.csv is a FIFO (named pipe), not a file",
    "directory": "events.csv is a directory, not a file",
    "link-outside": "events.csv is a symbolic link pointing outside the package, not a file",
    "device": "events.csv is a symbolic link pointing outside the package, not a file",
    "broken-link": "events.csv is a broken symbolic link, not a file",
    "missing": "events.csv: file not found",
}


@pytest.mark.parametrize("kind", list(SPECIAL))
def test_inspect_resource_names_the_kind_without_opening(
    dataset: Path, tmp_path: Path, kind: str
) -> None:
    make_special(dataset, kind, tmp_path)
    expected = {
        "fifo": FileKind.FIFO,
        "directory": FileKind.DIRECTORY,
        "link-outside": FileKind.LINK_OUTSIDE,
        "device": FileKind.LINK_OUTSIDE,
        "broken-link": FileKind.BROKEN_LINK,
        "missing": FileKind.MISSING,
    }[kind]
    assert inspect_resource(dataset, EVENTS) is expected
    assert inspect_resource(dataset, "resources/sources.csv") is FileKind.FILE
    assert inspect_resource(dataset, "../data/resources/sources.csv") is FileKind.FILE
    assert inspect_resource(dataset, "../elsewhere.csv") is FileKind.OUTSIDE
    assert inspect_resource(dataset, "/etc/passwd") is FileKind.OUTSIDE


def test_a_link_inside_the_package_is_a_file(dataset: Path) -> None:
    (dataset / "resources" / "copy.csv").symlink_to(dataset / "resources" / "sources.csv")
    assert inspect_resource(dataset, "resources/copy.csv") is FileKind.FILE


@pytest.mark.parametrize("kind", list(SPECIAL))
@pytest.mark.parametrize("command", ["sql", "diff"])
def test_special_files_are_named_never_read(
    dataset: Path, tmp_path: Path, kind: str, command: str
) -> None:
    make_special(dataset, kind, tmp_path)
    if command == "sql":
        result = run("sql", "SELECT count(*) FROM events", "--data", str(dataset), timeout=30)
    else:
        result = run("diff", str(REPO), str(dataset), timeout=30)
    assert result.returncode == 1, result.stderr
    assert SPECIAL[kind] in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    if kind != "missing":
        assert "not found" not in result.stderr and "no such file" not in result.stderr


GARBAGE = {
    # DuckDB drops a last line longer than its read buffer without an error
    "nul-bytes": b"\x00" * (40 << 20),
    "one-long-line": b"x" * (40 << 20) + b"\n",
    "short-lines": b"garbage,garbage\n" * 1000,
    # and gives up without naming the file when such a line is followed by others
    "long-line-then-rows": b"x" * (40 << 20) + b"\n" + b",,,,,,,,,,,,\n" * 3,
}


@pytest.mark.parametrize("garbage", list(GARBAGE))
def test_garbage_appended_is_an_error_not_skipped(dataset: Path, garbage: str) -> None:
    with (dataset / EVENTS).open("ab") as fh:
        fh.write(GARBAGE[garbage])
    for result in (
        run("sql", "SELECT count(*) AS n FROM events", "--data", str(dataset), "-f", "csv"),
        run("diff", str(REPO), str(dataset)),
    ):
        assert result.returncode == 1, (result.stdout, result.stderr)
        assert f"events.csv, line {_appended_line()}: row does not parse" in result.stderr
        assert "Traceback" not in result.stderr and result.stdout == ""
        assert len(result.stderr) < 1000  # a short excerpt, not the garbage


def test_mixed_encodings_are_a_data_error_naming_the_file(dataset: Path) -> None:
    width = len(load_package(REPO).resource("events").fields)
    cells = [
        "2099-01-01-x-visit",
        "official_visit",
        "in_person",
        "",
        "Café visit",
        "",
        "2099-01-01",
    ]
    row = ",".join(cells + [""] * (width - len(cells))) + "\n"
    with (dataset / EVENTS).open("ab") as fh:
        fh.write(row.encode("latin-1"))
    for result in (
        run("diff", str(REPO), str(dataset)),
        run("sql", "SELECT * FROM events", "--data", str(dataset), "-f", "csv"),
    ):
        assert result.returncode == 1, result.stderr
        expected = f"events.csv, line {_appended_line()}: row does not parse: not valid UTF-8"
        assert expected in result.stderr
        assert "Traceback" not in result.stderr and "Possible Solution" not in result.stderr


def zip_package(root: Path, dest: Path, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                zf.write(path, f"pkg/{path.relative_to(root).as_posix()}")
        for name, data in (extra or {}).items():
            with zf.open(f"pkg/{name}", "w") as out:
                for start in range(0, len(data), 1 << 20):
                    out.write(data[start : start + (1 << 20)])
    return dest


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = zip_package(dataset, tmp_path / "bomb.zip", {"padding.bin": b"\x00" * (64 << 20)})
    assert bomb.stat().st_size < 1 << 20
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    result = run("diff", str(bomb), str(dataset))
    assert result.returncode == 8, result.stderr
    assert "padding.bin" in result.stderr and "zip bomb" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(scratch.iterdir()) == []  # nothing was written to temp


def test_a_sound_zip_still_diffs(dataset: Path, tmp_path: Path) -> None:
    archive = zip_package(dataset, tmp_path / "ok.zip")
    result = run("diff", str(archive), str(dataset))
    assert result.returncode == 0, result.stderr
    assert "change level: none" in result.stdout


def test_a_fifo_given_as_the_package_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "datapackage.json"
    os.mkfifo(fifo)
    for result in (
        run("diff", str(fifo), str(REPO), timeout=30),
        run("sql", "SELECT 1", "--data", str(fifo), timeout=30),
    ):
        assert result.returncode == 1, result.stderr
        assert "is a FIFO (named pipe), not a file" in result.stderr
        assert "Traceback" not in result.stderr


def test_info_names_a_fifo_instead_of_counting_it(dataset: Path, tmp_path: Path) -> None:
    make_special(dataset, "fifo", tmp_path)
    result = run("info", str(dataset), timeout=30)
    assert result.returncode == 0, result.stderr
    assert any(
        line.split()[0] == "events" and "a FIFO (named pipe)" in line
        for line in result.stdout.splitlines()
        if line.strip()
    )


@pytest.mark.parametrize(
    ("before", "long_len"),
    [
        (0, MAX_LINE + 1),  # at the start
        (MAX_LINE // 2 - 3, MAX_LINE + 1),  # straddling two of the proof's blocks
        (3 * MAX_LINE + 17, MAX_LINE + 1),  # in the middle of a large file
        (5 * MAX_LINE, 2 * MAX_LINE),  # well past the limit
    ],
)
def test_check_lines_finds_a_long_line_wherever_it_sits(
    tmp_path: Path, before: int, long_len: int
) -> None:
    """The cheap proof (a line break in every half-limit block) never hides a long line."""
    path = tmp_path / "t.csv"
    short = b"a,b\n" * (before // 4)
    path.write_bytes(short + b"x" * long_len + b"\n" + b"a,b\n" * 1000)
    with pytest.raises(CsvReadError, match=r"longer than"):
        check_lines(path)


def test_check_lines_accepts_lines_just_under_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    line = b"y" * MAX_LINE + b"\n"  # exactly the limit: allowed
    path.write_bytes(b"a,b\n" * 100 + line * 3 + b"a,b\n" * 100)
    check_lines(path)
