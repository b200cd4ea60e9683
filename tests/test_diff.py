"""``sticoop diff``: records, changed fields, schema changes and retired ids between versions."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from release_helpers import (
    add_column,
    copy_bundled,
    drop_column,
    edit_rows,
    read_rows,
    save_descriptor,
    set_version,
)

from sticoop.diff import diff_paths
from sticoop.diff.render import render_text


def _retire(root: Path, table: str, old_id: str, new_id: str, version: str) -> None:
    def add(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        entry = {"table_name": table, "retired_id": old_id, "replaced_by_id": new_id}
        return [*rows, entry | {"retired_in_version": version, "reason": "merged"}]

    edit_rows(root, "retired_ids", add)


@pytest.fixture
def pair(tmp_path: Path) -> dict:
    """OLD = the bundled package; NEW = OLD with known edits. Returns paths and expectations."""
    old = copy_bundled(tmp_path / "old")
    new = copy_bundled(tmp_path / "new")
    set_version(new, "1.0.0")
    _, events = read_rows(old, "events")
    changed_id, removed_id = events[0]["event_id"], events[-1]["event_id"]
    edit_rows(
        new,
        "events",
        lambda rows: [
            r | {"title_en": r["title_en"] + " (corrected)"} if r["event_id"] == changed_id else r
            for r in rows
            if r["event_id"] != removed_id
        ],
    )
    _retire(new, "events", removed_id, changed_id, "1.0.0")
    new_sector = {"sector_id": "zz-test-sector", "parent_sector_id": "", "name_en": "Test"}
    edit_rows(new, "sectors", lambda rows: [*rows, new_sector | {"name_vi": "Thử"}])
    _, links = read_rows(old, "event_parties")
    role_row, title_row = links[0], links[1]

    def edit_links(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        out = []
        for r in rows:
            if r == role_row:  # role is part of the key: one record removed, one added
                r = r | {"role": "witness" if r["role"] != "witness" else "host"}
            elif r == title_row:
                r = r | {"position_title": "Changed title"}
            out.append(r)
        return out

    edit_rows(new, "event_parties", edit_links)
    drop_column(new, "events", "city")
    add_column(new, "sources", "note")
    return {
        "old": old,
        "new": new,
        "changed_id": changed_id,
        "removed_id": removed_id,
        "events": len(events),
    }


def _table(result: dict, name: str) -> dict:
    return next(t for t in result["tables"] if t["table"] == name)


def test_counts_and_changed_fields(pair: dict) -> None:
    result = diff_paths(pair["old"], pair["new"]).to_dict()
    events = _table(result, "events")
    assert (events["added"], events["removed"], events["changed"]) == (0, 1, 1)
    assert (events["old_rows"], events["new_rows"]) == (pair["events"], pair["events"] - 1)
    (changed,) = events["records"]["changed"]
    assert changed["key"] == {"event_id": pair["changed_id"]}
    assert changed["fields"] == ["title_en"]  # the dropped column is a schema change, not a field
    assert changed["new"]["title_en"] == changed["old"]["title_en"] + " (corrected)"
    assert events["records"]["removed"][0]["key"] == {"event_id": pair["removed_id"]}
    sectors = _table(result, "sectors")
    assert (sectors["added"], sectors["removed"], sectors["changed"]) == (1, 0, 0)
    assert sectors["records"]["added"][0]["new"]["sector_id"] == "zz-test-sector"
    links = _table(result, "event_parties")
    assert (links["added"], links["removed"], links["changed"]) == (1, 1, 1)
    assert links["records"]["changed"][0]["fields"] == ["position_title"]
    untouched = _table(result, "agreements")
    assert (untouched["added"], untouched["removed"], untouched["changed"]) == (0, 0, 0)


def test_schema_changes_are_listed_and_classified(pair: dict) -> None:
    result = diff_paths(pair["old"], pair["new"]).to_dict()
    changes = {
        (c["table"], c["column"], c["message"]): c["level"] for c in result["schema_changes"]
    }
    assert changes[("events", "city", "column removed")] == "major"
    assert changes[("sources", "note", "column added")] == "minor"
    assert result["required_level"] == "major"


def test_retired_ids_are_shown_with_their_replacement(pair: dict) -> None:
    diff = diff_paths(pair["old"], pair["new"])
    (retired,) = diff.to_dict()["retired_ids"]
    assert retired["retired_id"] == pair["removed_id"]
    assert retired["replaced_by_id"] == pair["changed_id"]
    text = render_text(diff)
    assert f"events {pair['removed_id']} -> {pair['changed_id']}: merged in 1.0.0" in text
    assert f"- event_id={pair['removed_id']}  (retired: merged, replaced by" in text


def test_identical_packages_have_no_changes(tmp_path: Path) -> None:
    a, b = copy_bundled(tmp_path / "a"), copy_bundled(tmp_path / "b")
    diff = diff_paths(a, b)
    assert diff.required_level == "none"
    assert not diff.records_changed and diff.schema_changes == []


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_cli_formats_exit_zero(pair: dict, cli, fmt: str) -> None:
    result = cli("diff", str(pair["old"]), str(pair["new"]), "--format", fmt)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        data = json.loads(result.stdout)
        assert _table(data, "events")["removed"] == 1
    elif fmt == "markdown":
        assert "## Schema changes" in result.stdout and "| events |" in result.stdout
    else:
        assert "[major] events.city: column removed" in result.stdout


def test_limit_caps_listing_not_counts(pair: dict, cli) -> None:
    result = cli("diff", str(pair["old"]), str(pair["new"]), "--limit", "0", "--format", "json")
    assert _table(json.loads(result.stdout), "events")["records"]["removed"] == []
    assert _table(json.loads(result.stdout), "events")["removed"] == 1


def test_zip_and_descriptor_inputs(pair: dict, tmp_path: Path) -> None:
    archive = tmp_path / "old.zip"  # git-archive style: everything under one top folder
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(pair["old"].rglob("*")):
            if path.is_file():
                zf.write(path, f"prefix/{path.relative_to(pair['old']).as_posix()}")
    from_zip = diff_paths(archive, pair["new"] / "datapackage.json").to_dict()
    from_dir = diff_paths(pair["old"], pair["new"]).to_dict()
    assert from_zip["tables"] == from_dir["tables"]


def _big_package(root: Path, rows: int, edit: bool) -> Path:
    descriptor = {
        "name": "big",
        "version": "1.0.0",
        "resources": [
            {
                "name": "items",
                "path": "resources/items.csv",
                "schema": {
                    "fields": [
                        {"name": "item_id", "type": "string"},
                        {"name": "value", "type": "integer"},
                    ],
                    "primaryKey": ["item_id"],
                },
            }
        ],
    }
    (root / "resources").mkdir(parents=True)
    save_descriptor(root, descriptor)
    lines = ["item_id,value"]
    for i in range(rows):
        if edit and i % 1000 == 0:
            continue  # removed
        value = i + 1 if edit and i % 1000 == 1 else i  # changed
        lines.append(f"id-{i:07d},{value}")
    if edit:
        lines += [f"new-{i}" + ",0" for i in range(7)]
    (root / "resources" / "items.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_large_tables_are_diffed_by_key_joins(tmp_path: Path) -> None:
    rows = 200_000
    old = _big_package(tmp_path / "old", rows, edit=False)
    new = _big_package(tmp_path / "new", rows, edit=True)
    (items,) = diff_paths(old, new, limit=3).tables
    assert items.counts == {"added": 7, "removed": rows // 1000, "changed": rows // 1000}
    assert len(items.records["changed"]) == 3
    assert items.records["changed"][0].fields == ("value",)
