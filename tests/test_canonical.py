"""The canonical CSV writer: repairs, refusals, ordering, and a property test over random rows."""

from __future__ import annotations

import csv
import errno
import io
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sticoop import canonical
from sticoop.canonical import (
    CsvFormatError,
    FormatProblems,
    canonical_rows,
    canonical_table_bytes,
    format_files,
    format_package,
)
from sticoop.descriptor import load_package
from sticoop.errors import EnvironmentProblem
from sticoop.validators.cell_rules import EDGE_SPACE

FIELDS = ["item_id", "name", "note"]
LINKS = ["left_id", "right_id", "label"]


def write_package(root: Path) -> Path:
    """A two-table package: ``items`` (pk item_id) and ``links`` (composite pk)."""

    def table(name: str, fields: list[str], pk: list[str]) -> dict:
        return {
            "name": name,
            "path": f"resources/{name}.csv",
            "schema": {"fields": [{"name": f, "type": "string"} for f in fields], "primaryKey": pk},
        }

    descriptor = {
        "name": "tiny",
        "resources": [table("items", FIELDS, ["item_id"]), table("links", LINKS, LINKS[:2])],
    }
    (root / "resources").mkdir(parents=True, exist_ok=True)
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (root / "resources" / "items.csv").write_bytes(b"item_id,name,note\n")
    (root / "resources" / "links.csv").write_bytes(b"left_id,right_id,label\n")
    return root


@pytest.fixture
def pkg_dir(tmp_path: Path) -> Path:
    return write_package(tmp_path / "pkg")


def items(pkg_dir: Path) -> Path:
    return pkg_dir / "resources" / "items.csv"


def test_repairs_bom_crlf_whitespace_order_and_blank_lines(pkg_dir: Path) -> None:
    messy = "\ufeffnote , item_id,name\r\n\r\n b ,y,  Yên Bái\r\nA\u0301,x,Hà Nội \r\n\r\n"
    items(pkg_dir).write_bytes(messy.encode("utf-8"))
    pkg = load_package(pkg_dir)
    assert canonical_table_bytes(pkg, "items") == (
        "item_id,name,note\nx,Hà Nội,\u00c1\ny,Yên Bái,b\n".encode()
    )
    assert format_package(pkg, check=False) == [items(pkg_dir)]
    assert format_package(pkg, check=False) == []


def test_cells_with_separators_quotes_and_newlines_are_quoted_minimally(pkg_dir: Path) -> None:
    items(pkg_dir).write_bytes(b'item_id,name,note\r\nk,"a, ""b""","line1\r\nline2"\r\n')
    header, rows = canonical_rows(load_package(pkg_dir), "items")
    assert rows == [["k", 'a, "b"', "line1\nline2"]]
    data = canonical_table_bytes(load_package(pkg_dir), "items")
    assert data == b'item_id,name,note\nk,"a, ""b""","line1\nline2"\n'


def test_check_mode_reports_without_writing(pkg_dir: Path) -> None:
    before = b"item_id,name,note\r\nb,B,\r\na,A,\r\n"
    items(pkg_dir).write_bytes(before)
    assert format_package(load_package(pkg_dir), check=True) == [items(pkg_dir)]
    assert items(pkg_dir).read_bytes() == before


def test_rows_sort_by_utf8_bytes_of_the_key_tuple(pkg_dir: Path) -> None:
    links = pkg_dir / "resources" / "links.csv"
    # Tuple order: ("a", "b") < ("a,", "a") although the joined string "a,,a" < "a,b".
    links.write_text(
        'left_id,right_id,label\n"a,",a,1\nä,a,2\nb,a,3\na,b,4\nZ,a,5\n', encoding="utf-8"
    )
    _, rows = canonical_rows(load_package(pkg_dir), "links")
    assert [r[2] for r in rows] == ["5", "4", "1", "3", "2"]


def test_duplicate_keys_are_kept_and_ordered_by_whole_row(pkg_dir: Path) -> None:
    items(pkg_dir).write_text("item_id,name,note\nk,b,\nk,a,\n", encoding="utf-8")
    _, rows = canonical_rows(load_package(pkg_dir), "items")
    assert rows == [["k", "a", ""], ["k", "b", ""]]


def test_empty_named_column_with_empty_cells_is_dropped(pkg_dir: Path) -> None:
    items(pkg_dir).write_text("item_id,name,note,,\nk,K,n,,\n,,,,\n", encoding="utf-8")
    assert canonical_table_bytes(load_package(pkg_dir), "items") == b"item_id,name,note\nk,K,n\n"


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        ("item_id,name,note\nk,Hà,\n".encode("cp1258"), 2, "not valid UTF-8"),
        (b"item_id,name,note\nk,\x00,\n", 2, "NUL"),
        (b"item_id,name,note\nk,K\n", 2, "row has 2 cells, the header has 3"),
        (b"item_id,name,note\r\nok,,\r\nk,K,n,extra\r\n", 3, "row has 4 cells"),
        (b'item_id,name,note\nk,"K"x,n\n', 2, "cannot parse CSV"),
        (b'item_id,name,note\nk,"K,n\n', 2, "cannot parse CSV"),
        (b"item_id,name,note,colour\nk,K,n,red\n", 1, "'colour'"),
        (b"item_id,name\nk,K\n", 1, "header lacks columns: note"),
        (b"item_id,name,note,name\nk,K,n,N\n", 1, "duplicate column names: name"),
        (b"", 1, "empty"),
    ],
)
def test_unparseable_files_are_refused_with_file_and_line(
    pkg_dir: Path, content: bytes, line: int, fragment: str
) -> None:
    items(pkg_dir).write_bytes(content)
    with pytest.raises(CsvFormatError) as err:
        canonical_table_bytes(load_package(pkg_dir), "items")
    assert err.value.line == line
    assert err.value.path == items(pkg_dir)
    assert fragment in err.value.message
    assert err.value.exit_code == 1


def test_unparseable_file_is_untouched_and_others_are_formatted(pkg_dir: Path) -> None:
    broken = b"item_id,name\r\nk,K\r\n"
    items(pkg_dir).write_bytes(broken)
    links = pkg_dir / "resources" / "links.csv"
    links.write_bytes(b"label,left_id,right_id\r\nx,a,b\r\n")
    with pytest.raises(FormatProblems) as err:
        format_package(load_package(pkg_dir), check=False)
    assert err.value.changed == [links]
    assert [p.path for p in err.value.problems] == [items(pkg_dir)]
    assert "items.csv:1: header lacks columns: note" in err.value.message
    assert items(pkg_dir).read_bytes() == broken
    assert links.read_bytes() == b"left_id,right_id,label\na,b,x\n"


def test_missing_file_is_a_problem_not_a_crash(pkg_dir: Path) -> None:
    items(pkg_dir).unlink()
    result = format_files(load_package(pkg_dir), check=True)
    assert [p.path for p in result.problems] == [items(pkg_dir)]
    assert "does not exist" in result.problems[0].message


def test_rewrite_keeps_file_mode_and_leaves_no_temp_files(pkg_dir: Path) -> None:
    items(pkg_dir).write_bytes(b"item_id,name,note\r\nk,K,\r\n")
    items(pkg_dir).chmod(0o644)
    format_package(load_package(pkg_dir), check=False)
    assert items(pkg_dir).stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in items(pkg_dir).parent.iterdir()) == ["items.csv", "links.csv"]


def test_rewrite_follows_a_symlink(pkg_dir: Path) -> None:
    target = pkg_dir / "elsewhere.csv"
    target.write_bytes(b"item_id,name,note\r\nk,K,\r\n")
    items(pkg_dir).unlink()
    items(pkg_dir).symlink_to(target)
    assert format_package(load_package(pkg_dir), check=False) == [items(pkg_dir)]
    assert items(pkg_dir).is_symlink()
    assert target.read_bytes() == b"item_id,name,note\nk,K,\n"


def test_cells_larger_than_the_csv_modules_default_limit(pkg_dir: Path) -> None:
    big = "x" * 300_000
    items(pkg_dir).write_text(f"item_id,name,note\r\nk,{big},\r\n", encoding="utf-8")
    previous = csv.field_size_limit(131_072)  # the default, whatever imported modules set
    try:
        _, rows = canonical_rows(load_package(pkg_dir), "items")
    finally:
        csv.field_size_limit(previous)
    assert rows == [["k", big, ""]]


def test_failed_write_is_an_environment_problem_and_leaves_the_file(
    pkg_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = b"item_id,name,note\r\nk,K,\r\n"
    items(pkg_dir).write_bytes(before)

    def read_only(src: str, dst: str) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(canonical.os, "replace", read_only)
    with pytest.raises(EnvironmentProblem, match="items.csv: cannot write: Read-only"):
        format_package(load_package(pkg_dir), check=False)
    assert items(pkg_dir).read_bytes() == before
    assert sorted(p.name for p in items(pkg_dir).parent.iterdir()) == ["items.csv", "links.csv"]


# --- property test -------------------------------------------------------------------------

TRICKY = ",\"'\r\n \t\u00a0;é\u0301ệ\u1ec7Ω漢😀="
cell = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00") | st.sampled_from(TRICKY)
)


def expected_cell(value: str) -> str:
    """Independent statement of the cell repair: LF line breaks, NFC, trimmed of exactly the
    characters validate reports as whitespace at a cell's edge."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", value).strip("".join(EDGE_SPACE))


@st.composite
def tables(draw: st.DrawFn) -> list[list[str]]:
    rows = draw(st.lists(st.tuples(cell, cell, cell).map(list), max_size=12))
    seen: set[str] = set()
    unique = []
    for row in rows:
        key = expected_cell(row[0])
        if key and key not in seen:
            seen.add(key)
            unique.append(row)
    return unique


@st.composite
def layouts(draw: st.DrawFn) -> dict:
    """A messy but faithful way to write a table: what a spreadsheet might save."""
    terminator = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return {
        "order": draw(st.permutations(range(3))),
        "terminator": terminator,
        # Python's writer quotes CR/LF inside cells only when both are in the terminator.
        "quote_all": terminator != "\r\n" or draw(st.booleans()),
        "bom": draw(st.booleans()),
        "blank_lines": draw(st.booleans()),
        "shuffle": draw(st.randoms(use_true_random=False)),
    }


def render(rows: list[list[str]], layout: dict) -> bytes:
    order = layout["order"]
    rows = [list(r) for r in rows]
    layout["shuffle"].shuffle(rows)
    buf = io.StringIO(newline="")
    quoting = csv.QUOTE_ALL if layout["quote_all"] else csv.QUOTE_MINIMAL
    writer = csv.writer(buf, lineterminator=layout["terminator"], quoting=quoting)
    writer.writerow([FIELDS[i] for i in order])
    for row in rows:
        writer.writerow([row[i] for i in order])
        if layout["blank_lines"]:
            buf.write(layout["terminator"])
    return (("\ufeff" if layout["bom"] else "") + buf.getvalue()).encode("utf-8")


def read_back(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=tables(), first=layouts(), second=layouts())
def test_fmt_is_idempotent_and_preserves_content(
    pkg_dir: Path, rows: list[list[str]], first: dict, second: dict
) -> None:
    items(pkg_dir).write_bytes(render(rows, first))
    pkg = load_package(pkg_dir)
    format_package(pkg, check=False)
    once = items(pkg_dir).read_bytes()

    assert format_package(pkg, check=True) == []
    assert format_package(pkg, check=False) == []
    assert items(pkg_dir).read_bytes() == once

    text = once.decode("utf-8")
    assert not text.startswith("\ufeff") and "\r" not in text
    assert unicodedata.is_normalized("NFC", text)
    assert text.endswith("\n")

    wanted = [[expected_cell(c) for c in row] for row in rows if any(map(expected_cell, row))]
    wanted.sort(key=lambda r: r[0].encode("utf-8"))
    assert read_back(once) == [FIELDS, *wanted]

    # The canonical bytes do not depend on how the table was written.
    items(pkg_dir).write_bytes(render(rows, second))
    assert canonical_table_bytes(load_package(pkg_dir), "items") == once
