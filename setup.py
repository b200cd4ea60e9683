"""Find the packages, and bundle the dataset (descriptor + CSVs) into the wheel as
``sticoop/_bundled``."""

import shutil
from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
# The package-dir mapping of pyproject.toml: import name -> folder.
PACKAGE_DIR = {"sticoop": "datapackage", "sticoop.validators": "validators", "sticoop.cli": "cli"}


def discover_packages() -> list[str]:
    """Every folder under each mapped folder, as a package of its import name: subpackages
    and folders of package data (queries/, profiles/) alike, so none is left out and
    setuptools has no importable folder to warn about."""
    found = set(PACKAGE_DIR)
    for name, folder in PACKAGE_DIR.items():
        for sub in find_namespace_packages(str(ROOT / folder), exclude=["*__pycache__*"]):
            found.add(f"{name}.{sub}")
    return sorted(found)


class BuildWithDataset(build_py):
    """Copy ``datapackage.json`` and ``resources/*.csv`` next to the package code."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "sticoop" / "_bundled"
        (target / "resources").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "datapackage.json", target / "datapackage.json")
        for csv in sorted((ROOT / "resources").glob("*.csv")):
            shutil.copyfile(csv, target / "resources" / csv.name)


setup(packages=discover_packages(), cmdclass={"build_py": BuildWithDataset})
