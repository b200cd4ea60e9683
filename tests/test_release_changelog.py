"""``sticoop release changelog``: the generated section and its insertion into CHANGELOG.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from release_helpers import copy_bundled, edit_rows, set_version

from sticoop.errors import UsageError
from sticoop.release.changelog import insert_section

OLD = "## [0.1.0] - 2025-01-01\n\nFirst release.\n"


def test_insert_creates_the_file_with_a_header(tmp_path: Path) -> None:
    path = tmp_path / "CHANGELOG.md"
    insert_section(path, OLD, "0.1.0")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert text.endswith(OLD)


def test_insert_puts_the_new_section_above_older_ones(tmp_path: Path) -> None:
    path = tmp_path / "CHANGELOG.md"
    path.write_text("# Changelog\n\nIntro.\n\n" + OLD, encoding="utf-8")
    insert_section(path, "## [0.2.0] - 2025-02-01\n\nMore.\n", "0.2.0")
    text = path.read_text(encoding="utf-8")
    assert text == "# Changelog\n\nIntro.\n\n## [0.2.0] - 2025-02-01\n\nMore.\n\n" + OLD


def test_an_edited_section_is_kept_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "CHANGELOG.md"
    newer = "## [0.2.0] - 2025-02-01\n\nHand-edited.\n\n"
    path.write_text("# Changelog\n\n" + newer + OLD, encoding="utf-8")
    with pytest.raises(UsageError, match="already has a section for 0.2.0"):
        insert_section(path, "## [0.2.0] - 2025-02-01\n\nGenerated.\n", "0.2.0")
    insert_section(path, "## [0.2.0] - 2025-02-01\n\nGenerated.\n", "0.2.0", replace=True)
    text = path.read_text(encoding="utf-8")
    assert "Hand-edited" not in text
    assert text == "# Changelog\n\n## [0.2.0] - 2025-02-01\n\nGenerated.\n\n" + OLD


def test_cli_prints_and_writes_the_section(tmp_path: Path, cli) -> None:
    old = copy_bundled(tmp_path / "old")
    new = copy_bundled(tmp_path / "new")
    set_version(new, "0.1.1")
    edit_rows(new, "sectors", lambda rows: [rows[0] | {"name_en": "Renamed"}, *rows[1:]])
    args = ["release", "changelog", str(new), "--previous", str(old), "--date", "2025-03-01"]
    shown = cli(*args)
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.startswith("## [0.1.1] - 2025-03-01\n\nChanges since 0.1.0")
    assert "| sectors | " in shown.stdout and "### Content checksums" in shown.stdout
    assert cli(*args, "--write").exit_code == 0
    assert (new / "CHANGELOG.md").read_text(encoding="utf-8").endswith(shown.stdout)
    again = cli(*args, "--write")
    assert again.exit_code == 2 and "already has a section for 0.1.1" in again.stderr
