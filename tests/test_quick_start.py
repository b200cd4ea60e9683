"""The README's quick start, as written: ``make demo`` runs the commands of the Makefile's
``demo`` target; those commands are run here in the repository (the bundled dataset) and must
succeed with the answers the README promises (a valid package, the sample query's rows)."""

from __future__ import annotations

import re
import shlex

from conftest import REPO


def demo_commands() -> list[list[str]]:
    """The ``sticoop`` command lines of the Makefile's demo target, split like a shell."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^demo:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "the Makefile has a demo target"
    lines = [line.strip() for line in recipe.group(1).splitlines()]
    commands = [shlex.split(line) for line in lines]
    assert all(c[0] == "$(BIN)/sticoop" for c in commands), lines
    return [c[1:] for c in commands]


def test_readme_names_make_demo_and_make_test() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"^\s+make demo\b", quick, re.MULTILINE)
    assert re.search(r"^\s+make test\b", quick, re.MULTILINE)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().endswith("make test"), "CI runs the README's test command"


def test_the_quick_start_commands_succeed(cli) -> None:
    commands = demo_commands()
    assert [c[0] for c in commands] == ["info", "validate", "sql"]
    results = [cli(*args, cwd=REPO) for args in commands]
    for args, result in zip(commands, results, strict=True):
        assert result.exit_code == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr
    info, validated, query = results
    assert "events" in info.stdout and "agreements" in info.stdout
    assert "valid: 0 error(s)" in validated.stdout
    assert "agreement_id" in query.stdout and "2025-05-10" in query.stdout
