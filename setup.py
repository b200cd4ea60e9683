"""Bundle the dataset (descriptor + CSVs) into the wheel as ``sticoop/_bundled``."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent


class BuildWithDataset(build_py):
    """Copy ``datapackage.json`` and ``resources/*.csv`` next to the package code."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "sticoop" / "_bundled"
        (target / "resources").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "datapackage.json", target / "datapackage.json")
        for csv in sorted((ROOT / "resources").glob("*.csv")):
            shutil.copyfile(csv, target / "resources" / csv.name)


setup(cmdclass={"build_py": BuildWithDataset})
