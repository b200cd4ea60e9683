"""Run mypy on the library: ``python tests/typecheck.py`` (``make lint``, test_typecheck.py).

The package ``sticoop`` is three folders (pyproject.toml's package-dir); mypy cannot follow the
editable install's import hook, so the folders are laid out as one package of symbolic links
in a temporary directory, and mypy checks ``-p sticoop`` there with pyproject.toml's settings.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The package-dir mapping of pyproject.toml: import name -> folder.
PACKAGE_DIR = {"sticoop": "datapackage", "sticoop.validators": "validators", "sticoop.cli": "cli"}


def lay_out(dest: Path) -> Path:
    """DEST/sticoop: the top package's entries, and each subpackage folder, as links."""
    top = dest / "sticoop"
    top.mkdir()
    for entry in sorted((ROOT / PACKAGE_DIR["sticoop"]).iterdir()):
        if entry.name != "__pycache__":
            (top / entry.name).symlink_to(entry)
    for name, folder in PACKAGE_DIR.items():
        if name != "sticoop":
            (top / name.rpartition(".")[2]).symlink_to(ROOT / folder)
    return top


def run_mypy() -> subprocess.CompletedProcess[str]:
    """mypy's verdict on the library (return code 0: no error)."""
    with tempfile.TemporaryDirectory(prefix="sticoop-mypy-") as tmp:
        lay_out(Path(tmp))
        command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")]
        command += ["--cache-dir", str(ROOT / ".mypy_cache"), "-p", "sticoop"]
        return subprocess.run(command, cwd=tmp, capture_output=True, text=True, timeout=600)


if __name__ == "__main__":
    result = run_mypy()
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    sys.exit(result.returncode)
