"""``release build`` with names that would become paths: the package and resource names and
the resource paths must be safe before anything is written (the descriptor refuses them, and
the build checks again), and zip member names are built from safe names only (exit 1)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from release_helpers import copy_bundled, load_descriptor, save_descriptor

from sticoop.descriptor import bundled_descriptor, load_package
from sticoop.errors import ReleaseRefused
from sticoop.release.build import refuse_unsafe_names
from sticoop.release.files import write_zip

from .conftest import temporaries, tree_hash


@pytest.fixture
def package(sandbox) -> Path:
    return copy_bundled(sandbox.work / "pkg")


def _build_refused(sandbox, run, package: Path):
    dest = sandbox.work / "dist"
    before = tree_hash(sandbox.root)
    result = run("release", "build", str(package), "--dest", str(dest))
    assert result.exit_code == 1, result.stderr
    assert tree_hash(sandbox.root) == before, "files changed"
    assert not dest.exists()
    assert temporaries(sandbox.root) == []
    return result


@pytest.mark.parametrize("name", ["../../x", "/tmp/x", "..", ".hidden", "a/b", "a\\b", "x\ty"])
def test_unsafe_resource_name_is_refused(sandbox, run, package: Path, name: str) -> None:
    descriptor = load_descriptor(package)
    (res,) = [r for r in descriptor["resources"] if r["name"] == "retired_ids"]
    res["name"] = name  # no foreign key points at this table
    save_descriptor(package, descriptor)
    result = _build_refused(sandbox, run, package)
    assert f"resource name {name!r}" in result.stderr
    assert not list(sandbox.root.rglob("x.parquet"))


@pytest.mark.parametrize("name", ["../../evil", "/abs", "", "evil/.."])
def test_unsafe_package_name_is_refused(sandbox, run, package: Path, name: str) -> None:
    descriptor = load_descriptor(package)
    descriptor["name"] = name
    save_descriptor(package, descriptor)
    result = _build_refused(sandbox, run, package)
    assert "name" in result.stderr and "unsafe" in result.stderr


def test_zip_member_names_must_be_safe(tmp_path: Path) -> None:
    target = tmp_path / "out.zip"
    for name in ("../x.csv", "/abs.csv", "a/../../b", "./a", ".hidden"):
        with pytest.raises(ReleaseRefused, match="refusing the zip member name"):
            write_zip(target, {"ok.csv": b"a\n", name: b"x\n"})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "../../evil"), ("name", "CON"), ("version", "1.0.0/../x")],
)
def test_the_build_checks_names_itself(field: str, value: str) -> None:
    """However the package was loaded, the build refuses names that are not safe."""
    pkg = replace(load_package(bundled_descriptor()), **{field: value})
    with pytest.raises(ReleaseRefused, match="refusing to build"):
        refuse_unsafe_names(pkg)


def test_the_build_checks_resource_names_itself() -> None:
    pkg = load_package(bundled_descriptor())
    evil = replace(pkg.resources[-1], name="../../x", path="resources/../../x.csv")
    with pytest.raises(ReleaseRefused) as refused:
        refuse_unsafe_names(replace(pkg, resources=(*pkg.resources[:-1], evil)))
    assert "resource name '../../x'" in refused.value.message
    assert "path 'resources/../../x.csv'" in refused.value.message
