"""Lint the GitHub workflow and the composite action: schema, zizmor, and the project's rules.

check-jsonschema validates against GitHub's vendored schemas and zizmor audits offline, so no
network is needed. Negative controls prove each linter really rejects a bad file.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from contrib_fixtures import small_package

yaml = pytest.importorskip("yaml", reason="PyYAML comes with pre-commit (dev extras)")

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTION = REPO / "action.yml"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (pip install -e '.[dev]')")
    return found


def check_schema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    cmd = [tool("check-jsonschema"), "--builtin-schema", schema, *map(str, files)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def zizmor_findings(*paths: Path) -> list[dict]:
    cmd = [tool("zizmor"), "--offline", "--no-progress", "--format", "json", *map(str, paths)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, *range(10, 20)), done.stderr  # 1x: findings were reported
    return json.loads(done.stdout)


def high(findings: list[dict]) -> list[str]:
    return [f["ident"] for f in findings if f["determinations"]["severity"] == "High"]


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


BAD_WORKFLOW = """\
name: bad
on: pull_request_target
jobs:
  x:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
"""


def test_there_is_a_workflow() -> None:
    assert [p.name for p in WORKFLOWS] == ["release.yml", "site.yml", "validate.yml"]


def test_workflows_match_githubs_schema() -> None:
    done = check_schema("vendor.github-workflows", *WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_action_matches_githubs_schema() -> None:
    done = check_schema("vendor.github-actions", ACTION)
    assert done.returncode == 0, done.stdout + done.stderr


def test_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: pull_request\njobs:\n  x:\n    steps: []\n", encoding="utf-8")
    assert check_schema("vendor.github-workflows", broken).returncode == 1


def test_zizmor_finds_no_high_severity_problem() -> None:
    findings = zizmor_findings(
        *WORKFLOWS, ACTION, REPO / ".pre-commit-config.yaml", REPO / ".pre-commit-hooks.yaml"
    )
    assert high(findings) == []


def test_zizmor_flags_a_dangerous_workflow(tmp_path: Path) -> None:
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(BAD_WORKFLOW, encoding="utf-8")
    assert {"template-injection", "unpinned-uses"} <= set(high(zizmor_findings(bad)))


@pytest.mark.parametrize("path", [*WORKFLOWS, ACTION], ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_tag(path: Path) -> None:
    uses = re.findall(r"^\s*(?:- )?uses:\s*(\S+)(.*)$", path.read_text(encoding="utf-8"), re.M)
    assert uses
    for ref, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), ref
        assert re.fullmatch(r"\s*# v\d+(\.\d+)*", comment), f"{ref}: tag comment {comment!r}"


def run_scripts(doc: dict) -> list[str]:
    jobs = doc.get("jobs", {}).values()
    steps = [s for job in jobs for s in job.get("steps", [])] + doc.get("runs", {}).get("steps", [])
    return [s["run"] for s in steps if "run" in s]


@pytest.mark.parametrize("path", [*WORKFLOWS, ACTION], ids=lambda p: p.name)
def test_no_expression_is_expanded_inside_a_script(path: Path) -> None:
    scripts = run_scripts(load(path))
    assert scripts
    for script in scripts:
        assert "${{" not in script, script


def test_pull_request_workflow_is_least_privilege_and_complete() -> None:
    doc = load(REPO / ".github" / "workflows" / "validate.yml")
    assert doc[True] == {"pull_request": None}  # YAML 1.1 reads the key 'on' as True
    assert doc["permissions"] == {"contents": "read"}
    steps = doc["jobs"]["validate"]["steps"]
    checkouts = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert len(checkouts) == 2
    assert all(s["with"]["persist-credentials"] is False for s in checkouts)
    assert checkouts[1]["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache"] == "pip"
    script = "\n".join(run_scripts(doc))
    for command in (
        "pytest",
        "sticoop fmt --check",
        "sticoop validate --format github",
        "sticoop diff ../base . --format markdown",
        '>> "$GITHUB_STEP_SUMMARY"',
    ):
        assert command in script


def test_composite_action_inputs() -> None:
    doc = load(ACTION)
    assert set(doc["inputs"]) == {"path", "python-version", "strict"}
    assert doc["runs"]["using"] == "composite"
    script = "\n".join(run_scripts(doc))
    assert '"$ACTION_PATH"' in script and "--format github" in script


@pytest.mark.parametrize(("strict", "code"), [("false", 0), ("true", 0), ("yes", 2)])
def test_composite_action_validate_script_runs(tmp_path: Path, strict: str, code: int) -> None:
    step = next(s for s in load(ACTION)["runs"]["steps"] if s.get("name") == "Validate")
    package = small_package(tmp_path / "pkg")
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "PACKAGE_PATH": str(package), "STRICT": strict}
    done = subprocess.run(
        ["bash", "-c", step["run"]], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == code, done.stdout + done.stderr
    assert ("::error" in done.stdout) == (code != 0)


def test_pull_request_workflow_uploads_the_html_report() -> None:
    doc = load(REPO / ".github" / "workflows" / "validate.yml")
    steps = doc["jobs"]["validate"]["steps"]
    script = "\n".join(run_scripts(doc))
    assert "sticoop validate --format html > validation-report.html" in script
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "head/validation-report.html"
    link = next(s for s in steps if "REPORT_URL" in s.get("env", {}))
    assert link["env"]["REPORT_URL"] == f"${{{{ steps.{upload['id']}.outputs.artifact-url }}}}"
    assert '"$REPORT_URL" >> "$GITHUB_STEP_SUMMARY"' in link["run"]


def test_site_workflow_builds_reproducibly_and_only_deploy_writes() -> None:
    doc = load(REPO / ".github" / "workflows" / "site.yml")
    assert doc["permissions"] == {"contents": "read"}
    assert doc[True]["release"] == {"types": ["published"]}
    build, deploy = doc["jobs"]["build"], doc["jobs"]["deploy"]
    assert "permissions" not in build
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    script = "\n".join(run_scripts(doc))
    assert "SOURCE_DATE_EPOCH" in script and "sticoop site build . --dest _site" in script
