"""The streaming release paths agree byte for byte with the Python reference implementations.

- content checksums: the DuckDB check that a file is already canonical (``checksums``) gives
  the digest of ``sticoop.canonical``, or steps aside;
- delta lines built by DuckDB equal ``json.dumps`` of the records the engine finds;
- zips written from files equal zips written from bytes; Parquet row groups are fixed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import threading
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sticoop.canonical import canonical_table_bytes, encode_rows
from sticoop.descriptor import Package, Resource, load_package
from sticoop.diff.tables import DiffEngine, RecordChange
from sticoop.release import checksums
from sticoop.release.checksums import canonical_file_digest, table_checksums
from sticoop.release.delta import write_delta
from sticoop.release.files import write_zip

FIELDS = ["item_id", "name", "note"]

# Cells the csv module quotes, JSON escapes, str.strip() removes or NFC changes.
TRICKY = [
    "",
    "plain",
    "a,b",
    'say "hi"',
    '"',
    '""',
    "line\nbreak",
    "\nlead",
    "trail\n",
    " lead",
    "trail ",
    "\tTab",
    "x\x1cy",
    "\x1cx",
    "x\x1f",
    "\u3000x",
    "x\u00a0",
    "\u2028x",
    "x\u0085",
    "\u200bzero-width",
    "e\u0301",
    "\u00e9",
    "\u1e9b\u0323",
    "\u2000quad",
    "tab\tinside",
    "back\\slash",
    "ctl\x01\x0b\x1b\x7f",
    "emoji \U0001f600",
    "ǅ title",
    "Việt Nam",
    "a" * 3000,
]


def write_package(root: Path, primary_key: list[str] | None = None) -> Path:
    pk = ["item_id"] if primary_key is None else primary_key
    schema: dict = {"fields": [{"name": f, "type": "string"} for f in FIELDS]}
    if pk:  # no key: no primaryKey property (the profile refuses an empty list)
        schema["primaryKey"] = pk
    descriptor = {
        "name": "tiny",
        "version": "0.1.0",
        "resources": [{"name": "items", "path": "resources/items.csv", "schema": schema}],
    }
    (root / "resources").mkdir(parents=True, exist_ok=True)
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return root


def write_rows(root: Path, rows: list[list[str]], *, header: list[str] = FIELDS) -> Package:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    (root / "resources" / "items.csv").write_bytes(buf.getvalue().encode("utf-8"))
    return load_package(root)


def python_digest(pkg: Package) -> str:
    return hashlib.sha256(canonical_table_bytes(pkg, "items")).hexdigest()


def fast(pkg: Package) -> tuple[int, str] | None:
    return canonical_file_digest(pkg, pkg.resource("items"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_package(tmp_path / "pkg")


def canonical_rows_of(cells: list[str]) -> list[list[str]]:
    """Rows holding CELLS in canonical form (cleaned, sorted, deduplicated keys)."""
    from sticoop.canonical import clean_cell

    rows = {}
    for i, cell in enumerate(cells):
        key = f"k{i:03d}-{clean_cell(cell)}"
        rows[key] = [key, clean_cell(cell), clean_cell(cells[-1 - i])]
    return [rows[k] for k in sorted(rows, key=lambda k: k.encode("utf-8"))]


def test_canonical_file_takes_the_fast_path(root: Path) -> None:
    pkg = write_rows(root, canonical_rows_of(TRICKY))
    data = (root / "resources" / "items.csv").read_bytes()
    assert canonical_table_bytes(pkg, "items") == data  # the fixture is canonical
    assert fast(pkg) == (len(TRICKY), hashlib.sha256(data).hexdigest())


@pytest.mark.parametrize("cell", TRICKY)
def test_each_tricky_cell_gives_the_reference_checksum(root: Path, cell: str) -> None:
    pkg = write_rows(root, [["b", cell, "x"], ["a", "y", cell]])
    got = table_checksums(pkg)["items"]
    assert got["sha256"] == python_digest(pkg)
    found = fast(pkg)
    assert found is None or found == (got["rows"], got["sha256"])


@pytest.mark.parametrize(
    "body",
    [
        b"item_id,name,note\r\na,b,c\r\n",  # CRLF
        b"\xef\xbb\xbfitem_id,name,note\na,b,c\n",  # BOM
        b"item_id,name,note\na,b,c",  # no final newline
        b"item_id,name,note\na,b,c\n\n",  # blank line
        b"item_id,name,note\n\na,b,c\n",
        b'item_id,name,note\n"a",b,c\n',  # needless quotes
        b'item_id,name,note\na,"",c\n',  # quoted empty
        b"item_id,name,note\na,b,c\n,,\n",  # all-empty row
        b"item_id,note,name\na,c,b\n",  # other column order
        b"item_id,name,note\nb,x,y\na,x,y\n",  # not sorted
        b"item_id,name,note\na,x,y\na,x,y\n",  # repeated key
        b"item_id,name,note\na,x,y\na,x,z\n",
        b"item_id,name,note\nab,x,y\na,x,y\n",  # a key and its prefix
        b"item_id,name,note\n\xc3\xa9,x,y\nz,x,y\n",  # UTF-8 order: z before \xc3\xa9
        b"item_id,name,note\na, x,y\n",  # leading space
        b"item_id,name,note\na,x\xe3\x80\x80,y\n",  # trailing U+3000
        b"item_id,name,note\na,e\xcc\x81,y\n",  # NFD
        b'item_id,name,note\na,"x\ny",z\n',  # newline inside quotes (canonical)
        b'item_id,name,note\na,"x\r\ny",z\n',  # CRLF inside quotes
        b'item_id,name,note\na,x"y,z\n',  # bare quote inside a cell
    ],
)
def test_non_canonical_files_give_the_reference_checksum(root: Path, body: bytes) -> None:
    (root / "resources" / "items.csv").write_bytes(body)
    pkg = load_package(root)
    assert table_checksums(pkg)["items"]["sha256"] == python_digest(pkg)


def test_file_in_canonical_order_without_primary_key(tmp_path: Path) -> None:
    root = write_package(tmp_path / "pkg", primary_key=[])
    pkg = write_rows(root, [["a", "x", "1"], ["a", "x", "1"], ["a", "x", "2"], ["b", "", ""]])
    assert fast(pkg) is not None
    assert table_checksums(pkg)["items"]["sha256"] == python_digest(pkg)
    pkg = write_rows(root, [["a", "x", "2"], ["a", "x", "1"]])
    assert fast(pkg) is None
    assert table_checksums(pkg)["items"]["sha256"] == python_digest(pkg)


def test_strip_check_matches_the_canonical_strip() -> None:
    import duckdb

    from sticoop.canonical import EDGE_CHARS

    cells = [
        *TRICKY,
        *(chr(c) + "x" for c in range(0x3100)),
        *("x" + chr(c) for c in range(0x3100)),
        "\ufeffx",
        "x\ufeff",
    ]
    cells = [c for c in cells if "\x00" not in c]  # (no surrogates below U+3100)
    con = duckdb.connect()
    expr = checksums._needs_strip("c")
    got = con.execute(f"SELECT list_transform(?, lambda c: {expr})", [cells]).fetchone()[0]
    assert got == [c.strip(EDGE_CHARS) != c and c != "" for c in cells]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(
            st.sampled_from(TRICKY)
            | st.text(
                st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
                max_size=6,
            ),
            min_size=3,
            max_size=3,
        ),
        max_size=12,
    )
)
def test_random_tables_give_the_reference_checksum(root: Path, rows: list[list[str]]) -> None:
    pkg = write_rows(root, rows)
    got = table_checksums(pkg)["items"]
    assert got["sha256"] == python_digest(pkg)
    canonical = canonical_table_bytes(pkg, "items")
    (root / "resources" / "items.csv").write_bytes(canonical)
    keys = [row[0] for row in csv.reader(io.StringIO(canonical.decode(), newline=""))][1:]
    if len(set(keys)) == len(keys):  # unique keys: the canonical file takes the fast path
        assert fast(load_package(root)) == (got["rows"], got["sha256"])


# --- delta lines --------------------------------------------------------------------------------


def changes_in_key_order(engine: DiffEngine, table: str) -> list[RecordChange]:
    """Every change of TABLE in key order, read through the engine's own view and records."""
    index, pair = engine._pair(table)
    rows = engine.con.execute(f"SELECT * FROM d{index} ORDER BY {engine._order(pair)}").fetchall()
    return [engine._record(pair, row) for row in rows]


def python_delta(engine: DiffEngine) -> bytes:
    out = bytearray()
    for pair in engine.pairs:
        for rec in changes_in_key_order(engine, pair.name):
            out += json.dumps(rec.to_dict(), ensure_ascii=False, separators=(",", ":")).encode()
            out += b"\n"
    return bytes(out)


def delta_bytes(engine: DiffEngine, path: Path) -> bytes:
    written = write_delta(engine, path)
    data = path.read_bytes()
    assert written.lines == data.count(b"\n")
    assert written.sha256 == hashlib.sha256(data).hexdigest()
    return data


def test_delta_lines_match_json_first_release(root: Path, tmp_path: Path) -> None:
    rows = [[f"k{i:02d}", cell, TRICKY[-1 - i]] for i, cell in enumerate(TRICKY)]
    pkg = write_rows(root, rows)
    with DiffEngine(None, pkg) as engine:
        assert delta_bytes(engine, tmp_path / "d.jsonl") == python_delta(engine)


def test_delta_of_an_unsorted_first_release_is_in_key_order(root: Path, tmp_path: Path) -> None:
    rows = [[f"k{i:02d}", cell, "x"] for i, cell in enumerate(TRICKY)]
    pkg = write_rows(root, rows[::-1])  # reversed: the file order is not key order
    with DiffEngine(None, pkg) as engine:
        data = delta_bytes(engine, tmp_path / "d.jsonl")
        assert data == python_delta(engine)
    keys = [json.loads(line)["key"]["item_id"] for line in data.splitlines()]
    assert keys == sorted(keys)


def test_delta_lines_match_json_with_changes(tmp_path: Path) -> None:
    old_root = write_package(tmp_path / "old")
    new_root = write_package(tmp_path / "new")
    old_rows = [[f"k{i:02d}", cell, "same"] for i, cell in enumerate(TRICKY)]
    new_rows = [[k, TRICKY[-1 - i], n] for i, (k, _, n) in enumerate(old_rows)][3:]
    new_rows += [['zz\\"new', "a\x02b", ""]]
    old, new = write_rows(old_root, old_rows), write_rows(new_root, new_rows)
    with DiffEngine(old, new) as engine:
        data = delta_bytes(engine, tmp_path / "d.jsonl")
        assert data == python_delta(engine)
    changes = {json.loads(line)["change"] for line in data.splitlines()}
    assert changes == {"added", "removed", "changed"}


# --- zips, Parquet, database ----------------------------------------------------------------------


def test_zip_from_files_equals_zip_from_bytes(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(b"".join(f"{i},{i * i},x\n".encode() for i in range(200_000)))
    for compress in (True, False):
        write_zip(tmp_path / "a.zip", {"b.csv": big.read_bytes(), "a": b"hi"}, compress=compress)
        write_zip(tmp_path / "b.zip", {"b.csv": big, "a": b"hi"}, compress=compress)
        assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
        with zipfile.ZipFile(tmp_path / "b.zip") as zf:
            assert zf.testzip() is None and zf.read("b.csv") == big.read_bytes()


def test_parquet_row_groups_are_fixed(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sticoop.release import parquet

    rows = [[f"k{i:04d}", f"name {i}", "" if i % 3 else "note"] for i in range(1000)]
    pkg = write_rows(root, rows)
    res = pkg.resource("items")
    monkeypatch.setattr(parquet, "ROW_GROUP_ROWS", 300)
    monkeypatch.setattr(parquet, "_BLOCK_SIZE", 4096)  # many small CSV blocks
    data = parquet_bytes(pkg, res)
    monkeypatch.setattr(parquet, "_BLOCK_SIZE", 1 << 20)  # one block: same file
    assert parquet_bytes(pkg, res) == data
    meta = pq.ParquetFile(pa.BufferReader(data)).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [300] * 3 + [100]
    # the whole CSV read at once and typed: the same table as the file's row groups
    whole = pa.Table.from_batches(list(parquet._text_batches(pkg, res)))
    assert pq.read_table(pa.BufferReader(data)).equals(parquet._typed(whole, pkg, res))


def parquet_bytes(pkg: Package, res: Resource) -> bytes:
    """The Parquet file of one table as bytes (``write_parquet`` into a buffer)."""
    import pyarrow as pa

    from sticoop.release.parquet import write_parquet

    sink = pa.BufferOutputStream()
    write_parquet(pkg, res, sink)
    return sink.getvalue().to_pybytes()


def test_database_build_can_be_cancelled(root: Path, tmp_path: Path) -> None:
    from sticoop.database import Cancelled, build_database

    pkg = write_rows(root, [["a", "x", "y"]])
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        build_database(pkg, tmp_path / "x.duckdb", cancel=cancel)
    assert not (tmp_path / "x.duckdb").exists()
    assert list(tmp_path.glob(".x.duckdb*")) == []


def test_header_line_is_the_csv_writers(root: Path) -> None:
    assert checksums._header_ok(load_package(root).resource("items")) == encode_rows(FIELDS, [])
