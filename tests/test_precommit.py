"""The published pre-commit hooks, run by pre-commit itself against a fixture data repository.

pre-commit would build a ``language: python`` hook's environment from PyPI; to stay offline the
fixture runs the manifest's hooks unchanged except for ``language: system`` and an entry that
points at this environment's ``sticoop``.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from contrib_fixtures import small_package

yaml = pytest.importorskip("yaml", reason="PyYAML comes with pre-commit (dev extras)")

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PRE_COMMIT = shutil.which("pre-commit", path=str(BIN)) or shutil.which("pre-commit")
STICOOP = shutil.which("sticoop", path=str(BIN)) or shutil.which("sticoop")

pytestmark = pytest.mark.skipif(
    not (PRE_COMMIT and STICOOP and shutil.which("git")),
    reason="needs git, and pre-commit and sticoop installed (pip install -e '.[dev]')",
)


def manifest() -> list[dict]:
    return yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_manifest_and_config_are_valid() -> None:
    for command, name in (
        ("validate-manifest", ".pre-commit-hooks.yaml"),
        ("validate-config", ".pre-commit-config.yaml"),
    ):
        done = subprocess.run([PRE_COMMIT, command, str(REPO / name)], capture_output=True)
        assert done.returncode == 0, done.stdout + done.stderr
    hooks = {h["id"]: h for h in manifest()}
    assert set(hooks) == {"sticoop-fmt", "sticoop-validate"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert hook["files"] == r"^(datapackage\.json|resources/.*\.csv)$"


@pytest.fixture
def data_repo(tmp_path: Path) -> Path:
    """A git repository holding a small valid package and a config using the hooks."""
    root = small_package(tmp_path / "data")
    (root / "README.md").write_text("notes\n", encoding="utf-8")
    hooks = []
    for hook in manifest():
        command = shlex.split(hook["entry"])
        entry = shlex.join([STICOOP, *command[1:]])
        hooks.append({**hook, "language": "system", "entry": entry})
    config = {"repos": [{"repo": "local", "hooks": hooks}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    return root


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def pre_commit(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(root.parent / "pre-commit-home")}
    env.pop("PRE_COMMIT_COLOR", None)
    return subprocess.run(
        [PRE_COMMIT, "run", "--color", "never", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def status(output: str, name: str) -> str:
    """'Passed', 'Failed' or 'Skipped' for the hook called NAME in pre-commit's output."""
    line = next(x for x in output.splitlines() if x.startswith(name))
    found = re.search(r"(Passed|Failed|Skipped)\s*$", line)
    assert found, line
    return found.group(1)


def test_hooks_pass_on_a_valid_package(data_repo: Path) -> None:
    done = pre_commit(data_repo, "--all-files")
    assert done.returncode == 0, done.stdout
    assert status(done.stdout, "sticoop fmt") == "Passed"
    assert status(done.stdout, "sticoop validate") == "Passed"


def test_fmt_hook_repairs_then_passes(data_repo: Path) -> None:
    parties = data_repo / "resources" / "parties.csv"
    clean = parties.read_bytes()
    parties.write_bytes(b"\xef\xbb\xbf" + clean.replace(b"\n", b"\r\n"))
    git(data_repo, "add", "-A")

    first = pre_commit(data_repo, "--all-files")
    assert first.returncode == 1
    assert status(first.stdout, "sticoop fmt") == "Failed"
    assert "files were modified by this hook" in first.stdout
    assert "reformatted resources/parties.csv" in first.stdout
    assert parties.read_bytes() == clean

    git(data_repo, "add", "-A")
    assert pre_commit(data_repo, "--all-files").returncode == 0


def test_validate_hook_fails_on_invalid_data(data_repo: Path) -> None:
    agreements = data_repo / "resources" / "agreements.csv"
    text = agreements.read_text(encoding="utf-8")
    header, first = text.splitlines()[:2]
    date_at = header.split(",").index("signed_date")
    cells = next(csv.reader([first]))
    cells[date_at] = "31/12/2019"
    agreements.write_text(text.replace(first, csv_record(cells)), encoding="utf-8")
    git(data_repo, "add", "-A")

    done = pre_commit(data_repo, "--all-files")
    assert done.returncode == 1
    assert status(done.stdout, "sticoop fmt") == "Passed"
    assert status(done.stdout, "sticoop validate") == "Failed"
    assert "date-invalid" in done.stdout and "31/12/2019" in done.stdout


def test_hooks_skip_when_no_data_file_changed(data_repo: Path) -> None:
    done = pre_commit(data_repo, "--files", "README.md")
    assert done.returncode == 0, done.stdout
    assert status(done.stdout, "sticoop fmt") == "Skipped"
    assert status(done.stdout, "sticoop validate") == "Skipped"


def csv_record(cells: list[str]) -> str:
    """One CSV record (minimal quoting, no terminator)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    return buf.getvalue()
