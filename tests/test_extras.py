"""DataFrame libraries are optional: the commands run without them, and the Python features
that need one raise ``MissingExtra`` naming the extra to install."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib

import pytest
from conftest import REPO

from sticoop.errors import EnvironmentProblem, MissingExtra

OPTIONAL = ("pandas", "polars", "pandera", "frictionless")


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower()


@pytest.fixture(scope="module")
def project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_runtime_dependencies_exclude_the_dataframe_libraries(project) -> None:
    names = {_name(r) for r in project["dependencies"]}
    assert names.isdisjoint(OPTIONAL), names & set(OPTIONAL)
    assert {"duckdb", "pyarrow", "numpy", "typer"} <= names


def test_each_extra_holds_its_library_with_a_pinned_major(project) -> None:
    extras = project["optional-dependencies"]
    for extra in OPTIONAL:
        (spec,) = [r for r in extras[extra] if _name(r) == extra]
        assert "<" in spec, f"{spec}: the major version stays pinned"
    assert any(_name(r) == "polars" for r in extras["pandera"])  # pandera.polars needs it


def test_dev_installs_every_extra(project) -> None:
    (own,) = [r for r in project["optional-dependencies"]["dev"] if _name(r) == "sticoop"]
    assert set(own[own.index("[") + 1 : own.index("]")].split(",")) == set(OPTIONAL)


def _block(monkeypatch, *modules: str) -> None:
    """Simulate MODULES not being installed: ``import`` of any of them raises ImportError."""
    for name in list(sys.modules):
        if name.partition(".")[0] in modules:
            monkeypatch.delitem(sys.modules, name)
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


def _assert_names_extra(exc: pytest.ExceptionInfo, extra: str) -> None:
    assert isinstance(exc.value, EnvironmentProblem)
    assert exc.value.exit_code == 2
    assert exc.value.extra == extra
    assert f"sticoop[{extra}]" in exc.value.hint


def test_read_table_without_polars_names_the_extra(monkeypatch) -> None:
    import sticoop

    _block(monkeypatch, "polars")
    with pytest.raises(MissingExtra, match="read_table.*needs polars") as exc:
        sticoop.read_table("events", data=REPO)
    _assert_names_extra(exc, "polars")


def test_read_table_pandas_without_pandas_names_the_extra(monkeypatch) -> None:
    import sticoop

    _block(monkeypatch, "pandas")
    with pytest.raises(MissingExtra, match="needs pandas") as exc:
        sticoop.read_table("events", data=REPO, pandas=True)
    _assert_names_extra(exc, "pandas")


@pytest.mark.parametrize("missing", ["pandera", "polars"])
def test_pandera_schema_without_its_libraries_names_the_extra(monkeypatch, missing) -> None:
    from sticoop.validators import schema, validate_frame

    _block(monkeypatch, missing)
    with pytest.raises(MissingExtra, match=f"needs {missing}") as exc:
        schema("events", REPO)
    _assert_names_extra(exc, "pandera")
    with pytest.raises(MissingExtra) as exc:
        validate_frame("events", object(), REPO)  # type: ignore[arg-type]
    _assert_names_extra(exc, "pandera")


def test_cli_reports_a_missing_extra_without_traceback(monkeypatch, capsys) -> None:
    """The CLI's one error handler turns MissingExtra into a message and exit 2."""
    from sticoop.cli import app

    def needs_polars(*_args, **_kwargs):
        from sticoop.extras import require

        require("polars", "polars", "this command")

    _block(monkeypatch, "polars")
    monkeypatch.setattr(app, "build_app", lambda only=None: needs_polars)
    with pytest.raises(SystemExit) as exit_info:
        app.main(["info"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "this command needs polars" in err and "sticoop[polars]" in err
    assert "Traceback" not in err


# Run in a fresh interpreter: pyarrow remembers whether it found pandas, so hiding pandas in
# this process would change how later tests in it behave.
WITHOUT_OPTIONAL = """
import importlib.abc, json, sys

BLOCKED = set(sys.argv[1].split(","))


class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NotInstalled())
from sticoop.cli.app import main

codes = []
for args in json.loads(sys.argv[2]):
    try:
        main(args)
        codes.append(0)
    except SystemExit as exc:
        codes.append(exc.code)
print(json.dumps({"codes": codes, "loaded": sorted(m for m in sys.modules if m in BLOCKED)}))
"""


def test_commands_run_without_the_optional_libraries(tmp_path) -> None:
    """The runtime install: each main command works with pandas, polars, pandera and
    frictionless not installed (an import of any of them fails as it would there)."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    shutil.copyfile(REPO / "datapackage.json", pkg / "datapackage.json")
    shutil.copytree(REPO / "resources", pkg / "resources")
    runs = [
        ["info", str(pkg)],
        ["validate", str(pkg)],
        ["sql", "--data", str(pkg), "SELECT count(*) AS n FROM events"],
        [
            "sql",
            "--data",
            str(pkg),
            "SELECT * FROM events",
            "--output",
            str(tmp_path / "e.parquet"),
        ],
        ["query", "list"],
        ["query", "run", "who_signed_what", "--data", str(pkg), "--param", "since=2024"],
        ["fmt", "--check", str(pkg)],
        ["diff", str(pkg), str(pkg)],
        ["release", "build", str(pkg), "--dest", str(tmp_path / "dist"), "--date", "2026-01-01"],
        ["site", "build", str(pkg), "--dest", str(tmp_path / "site")],
    ]
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_OPTIONAL, ",".join(OPTIONAL), json.dumps(runs)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])
    failed = [(args, code) for args, code in zip(runs, result["codes"], strict=True) if code]
    assert not failed, (failed, done.stderr[-3000:])
    assert result["loaded"] == []
    assert (tmp_path / "e.parquet").stat().st_size > 0
    assert (tmp_path / "site" / "index.html").is_file()
    assert list((tmp_path / "dist").glob("*/SHA256SUMS"))
