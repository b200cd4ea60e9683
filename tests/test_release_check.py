"""Versioning rules: semver steps, schema-change levels, and ``sticoop release check``."""

from __future__ import annotations

from pathlib import Path

import pytest
from release_helpers import (
    add_column,
    copy_bundled,
    drop_column,
    edit_rows,
    field,
    load_descriptor,
    save_descriptor,
    set_version,
)

from sticoop.descriptor import load_package
from sticoop.diff.schema import compare_schemas
from sticoop.errors import UsageError
from sticoop.semver import bump_level, parse_version


@pytest.mark.parametrize(
    ("old", "new", "level"),
    [
        ("0.1.0", "0.1.0", "none"),
        ("0.1.0", "0.1.1", "patch"),
        ("0.1.9", "0.2.0", "minor"),
        ("0.9.3", "1.0.0", "major"),
        ("1.2.3", "1.2.2", None),
        ("0.10.0", "0.9.0", None),  # numeric, not text, comparison
    ],
)
def test_bump_level(old: str, new: str, level: str | None) -> None:
    assert bump_level(parse_version(old), parse_version(new)) == level


@pytest.mark.parametrize("text", ["1.0", "v1.0.0", "01.0.0", "1.0.0-rc.1", ""])
def test_parse_version_rejects_non_semver(text: str) -> None:
    with pytest.raises(UsageError):
        parse_version(text)


@pytest.fixture
def old(tmp_path: Path) -> Path:
    return copy_bundled(tmp_path / "old")


@pytest.fixture
def new(tmp_path: Path) -> Path:
    return copy_bundled(tmp_path / "new")


def _levels(old: Path, new: Path) -> dict[str, str]:
    changes = compare_schemas(load_package(old), load_package(new))
    return {str(c): c.level for c in changes}


def test_schema_change_levels(old: Path, new: Path) -> None:
    drop_column(new, "events", "city")
    add_column(new, "sources", "note")
    descriptor = load_descriptor(new)
    roles = field(descriptor, "event_parties", "role")["constraints"]["enum"]
    roles.append("observer")
    kinds = field(descriptor, "parties", "party_type")["constraints"]["enum"]
    kinds.remove("fund")
    active_to = field(descriptor, "parties", "active_to_year")
    active_to["type"] = "string"
    for bound in ("minimum", "maximum"):  # numeric bounds do not apply to strings
        active_to.get("constraints", {}).pop(bound, None)
    field(descriptor, "sectors", "name_en")["description"] = "Reworded."
    save_descriptor(new, descriptor)
    assert _levels(old, new) == {
        "events.city: column removed": "major",
        "sources.note: column added": "minor",
        "event_parties.role: vocabulary value 'observer' added": "minor",
        "parties.party_type: vocabulary value 'fund' removed": "major",
        "parties.active_to_year: type integer -> string": "major",
        "parties.active_to_year: minimum 1900 -> None": "minor",
        "parties.active_to_year: maximum 2100 -> None": "minor",
        "sectors.name_en: description changed": "patch",
    }


def test_table_removed_and_renamed_are_major(old: Path, new: Path) -> None:
    descriptor = load_descriptor(new)
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "retired_ids"]
    sectors = next(r for r in descriptor["resources"] if r["name"] == "sectors")
    sectors["name"] = "fields_of_science"
    for res in descriptor["resources"]:
        for fk in res["schema"].get("foreignKeys", []):
            if fk["reference"]["resource"] == "sectors":
                fk["reference"]["resource"] = "fields_of_science"
    save_descriptor(new, descriptor)
    levels = _levels(old, new)
    assert levels["retired_ids: table removed"] == "major"
    assert levels["sectors: table removed"] == "major"
    assert levels["fields_of_science: table added"] == "minor"


def test_dropped_column_with_minor_bump_fails(old: Path, new: Path, cli) -> None:
    drop_column(new, "events", "city")
    add_column(new, "sources", "note")
    set_version(new, "0.2.0")
    result = cli("release", "check", str(new), "--previous", str(old))
    assert result.exit_code == 1
    assert "0.1.0 -> 0.2.0 is a minor bump, but the changes require a major bump" in result.stderr
    assert "[major] events.city: column removed" in result.stderr
    assert "sources.note" not in result.stderr  # only the changes above the bump are named


def test_dropped_column_with_major_bump_passes(old: Path, new: Path, cli) -> None:
    drop_column(new, "events", "city")
    set_version(new, "1.0.0")
    result = cli("release", "check", str(new), "--previous", str(old))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.rstrip().endswith("ok")


def test_changed_rows_need_a_patch_bump(old: Path, new: Path, cli) -> None:
    edit_rows(new, "sectors", lambda rows: [rows[0] | {"name_en": "Renamed"}, *rows[1:]])
    unchanged = cli("release", "check", str(new), "--previous", str(old))
    assert unchanged.exit_code == 1
    assert "version unchanged, but the changes require a patch bump" in unchanged.stderr
    set_version(new, "0.1.1")
    assert cli("release", "check", str(new), "--previous", str(old)).exit_code == 0


def test_lower_version_fails(old: Path, new: Path, cli) -> None:
    set_version(old, "0.3.0")
    set_version(new, "0.2.9")
    result = cli("release", "check", str(new), "--previous", str(old))
    assert result.exit_code == 1
    assert "lower than the previous release 0.3.0" in result.stderr


def test_previous_defaults_to_newest_older_release_under_dist(
    old: Path, new: Path, tmp_path: Path, cli
) -> None:
    dist = tmp_path / "dist"
    for version in ("0.0.9", "0.1.0", "0.3.0"):  # 0.3.0 is newer than NEW: ignored
        set_version(old, version)
        built = cli("release", "build", str(old), "--dest", str(dist), "--date", "2025-01-01")
        assert built.exit_code == 0, built.stderr
    drop_column(new, "events", "city")
    set_version(new, "0.2.0")
    result = cli("release", "check", str(new), "--dist", str(dist))
    assert result.exit_code == 1
    assert f"previous release 0.1.0 ({dist / 'vn-sti-cooperation-0.1.0'})" in result.stdout


def test_no_previous_release_is_a_first_release(new: Path, tmp_path: Path, cli) -> None:
    result = cli("release", "check", str(new), "--dist", str(tmp_path / "nothing"))
    assert result.exit_code == 0, result.stderr
    assert "first release" in result.stdout
