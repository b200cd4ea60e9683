"""The built wheel bundles the dataset and works outside the repository."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

from sticoop.descriptor import load_package


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    """The wheel built from this checkout, and what the build printed."""
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (whl,) = out.glob("sticoop-*.whl")
    return whl, done.stdout + done.stderr


@pytest.fixture(scope="module")
def wheel(built: tuple[Path, str]) -> Path:
    return built[0]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory) -> Path:
    """The wheel installed (without its dependencies) into a folder of its own, once."""
    target = tmp_path_factory.mktemp("installed") / "site-packages"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
        + [str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


def test_build_has_no_packages_configuration_warning(built: tuple[Path, str]) -> None:
    assert "absent from the `packages` configuration" not in built[1], built[1][-2000:]


def test_wheel_holds_every_module_and_data_file_of_the_source_folders(wheel) -> None:
    """A new subpackage or data folder cannot be left out (setup.py finds them)."""
    names = set(zipfile.ZipFile(wheel).namelist())
    mapping = {"datapackage": "sticoop", "validators": "sticoop/validators", "cli": "sticoop/cli"}
    for folder, target in mapping.items():
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                rel = path.relative_to(REPO / folder).as_posix()
                assert f"{target}/{rel}" in names, f"{folder}/{rel} is not in the wheel"


def test_wheel_contains_descriptor_and_every_resource(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "sticoop/_bundled/datapackage.json" in names
    for res in load_package(REPO).resources:
        assert f"sticoop/_bundled/{res.path}" in names, res.path
    for module in ("sticoop/cli/app.py", "sticoop/validators/engine.py", "sticoop/ddl.py"):
        assert module in names
    assert not any(n.startswith(("validators/", "cli/", "datapackage/")) for n in names)
    for asset in (
        "sticoop/site/templates/base.html",
        "sticoop/site/static/site.css",
        "sticoop/site/static/search.js",
        "sticoop/validators/templates/report.html",
    ):
        assert asset in names


def test_installed_wheel_builds_the_site_outside_repo(installed, tmp_path):
    target = installed
    code = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; "
        "from sticoop.cli.app import main; main(['site', 'build', '--dest', 'out'])"
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    result = subprocess.run(
        [sys.executable, "-S", "-c", code, str(target), sysconfig.get_paths()["purelib"]],
        cwd=outside,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert '<h2 id="sources-sources">' in (outside / "out" / "codebook.html").read_text(
        encoding="utf-8"
    )
    assert (outside / "out" / "assets" / "site.css").is_file()


def test_installed_wheel_shows_bundled_dataset_outside_repo(installed, tmp_path):
    target = installed
    # -S: no site hooks, so the editable install of this checkout cannot leak in; the
    # dependencies come from this environment's site-packages.
    code = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import sticoop; "
        "assert sticoop.__file__.startswith(sys.argv[1]), sticoop.__file__; "
        "from sticoop.cli.app import main; main(['info'])"
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    result = subprocess.run(
        [sys.executable, "-S", "-c", code, str(target), sysconfig.get_paths()["purelib"]],
        cwd=outside,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    pkg = load_package(REPO)
    assert f"{pkg.name} {pkg.version}" in result.stdout
    assert str(target) in result.stdout  # the descriptor shown is the bundled copy
    events = sum(1 for _ in (REPO / "resources/events.csv").open(encoding="utf-8")) - 1
    assert any(line.split() == ["events", str(events)] for line in result.stdout.splitlines())
