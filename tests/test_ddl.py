"""DuckDB DDL from the descriptor: types, keys, comments, load.sql and the .duckdb build."""

from __future__ import annotations

import copy
import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from ddl_helpers import ddl_statements

from sticoop.database import build_database
from sticoop.ddl import enforceable_foreign_keys, load_sql, view_names
from sticoop.descriptor import Field, Package, load_package, parse_package
from sticoop.errors import DataError, QueryError
from sticoop.query import connect, run_query
from sticoop.sql_text import quote_ident

REPO = Path(__file__).resolve().parents[1]
SCALAR = {"string": "VARCHAR", "integer": "INTEGER", "number": "DOUBLE", "boolean": "BOOLEAN"}
SCALAR["date"] = "DATE"


@pytest.fixture(scope="module")
def pkg() -> Package:
    return load_package(REPO / "datapackage.json")


@pytest.fixture(scope="module")
def built(pkg: Package, tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    dest = tmp_path_factory.mktemp("db") / "sticoop.duckdb"
    build_database(pkg, dest)
    con = duckdb.connect(str(dest), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def keyed(pkg: Package, tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    dest = tmp_path_factory.mktemp("db") / "keyed.duckdb"
    build_database(pkg, dest, keys=True)
    con = duckdb.connect(str(dest), read_only=True)
    yield con
    con.close()


def expected_type(field: Field) -> str:
    """What DuckDB reports for a column, derived from the descriptor alone."""
    if field.enum is not None:
        return "ENUM(" + ", ".join("'" + v.replace("'", "''") + "'" for v in field.enum) + ")"
    return SCALAR[field.type]


def csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def described(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in con.execute(f"DESCRIBE {quote_ident(name)}").fetchall()]


def copy_dataset(dest: Path) -> Path:
    shutil.copyfile(REPO / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(REPO / "resources", dest / "resources")
    return dest


def test_views_have_the_descriptor_types_in_order(pkg: Package) -> None:
    con = connect(REPO)
    for res in pkg.resources:
        assert described(con, res.name) == [(f.name, expected_type(f)) for f in res.fields]


def test_tables_have_types_not_null_and_comments(
    pkg: Package, built: duckdb.DuckDBPyConnection
) -> None:
    for res in pkg.resources:
        rows = built.execute(
            "SELECT column_name, data_type, is_nullable, comment FROM duckdb_columns() "
            "WHERE table_name = ? ORDER BY column_index",
            [res.name],
        ).fetchall()
        expected = [
            (
                f.name,
                expected_type(f),
                not (f.required or f.name in res.primary_key),
                f.description or None,
            )
            for f in res.fields
        ]
        assert rows == expected
        comment = built.execute(
            "SELECT comment FROM duckdb_tables() WHERE table_name = ?", [res.name]
        ).fetchone()[0]
        assert res.description in comment


def test_keyed_tables_have_the_descriptor_keys(
    pkg: Package, keyed: duckdb.DuckDBPyConnection
) -> None:
    for res in pkg.resources:
        constraints = keyed.execute(
            "SELECT constraint_type, constraint_column_names, referenced_table, "
            "referenced_column_names FROM duckdb_constraints() WHERE table_name = ? "
            "AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')",
            [res.name],
        ).fetchall()
        pks = [c[1] for c in constraints if c[0] == "PRIMARY KEY"]
        fks = sorted((tuple(c[1]), c[2], tuple(c[3])) for c in constraints if c[0] == "FOREIGN KEY")
        assert pks == [list(res.primary_key)]
        # every foreign key whose target is the target's primary key is enforced by DuckDB
        wanted = sorted(
            (fk.fields, fk.resource, fk.ref_fields)
            for fk in res.foreign_keys
            if fk.ref_fields == pkg.resource(fk.resource).primary_key
        )
        assert fks == wanted


def test_release_tables_have_no_key_indexes(
    pkg: Package, built: duckdb.DuckDBPyConnection, keyed: duckdb.DuckDBPyConnection
) -> None:
    # keys are the validator's (a release is built from valid data only): no ART index in the
    # release's file, the same rows as with the keys
    keys = built.execute(
        "SELECT count(*) FROM duckdb_constraints() "
        "WHERE constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY', 'UNIQUE')"
    ).fetchone()[0]
    assert keys == 0
    assert built.execute("SELECT count(*) FROM duckdb_indexes()").fetchone()[0] == 0
    for res in pkg.resources:
        query = f"SELECT * FROM {quote_ident(res.name)} ORDER BY ALL"
        assert built.execute(query).fetchall() == keyed.execute(query).fetchall()


def test_unenforceable_foreign_key_is_left_to_the_validator(pkg: Package) -> None:
    # a composite key into a non-unique column pair of the table itself cannot be declared in
    # DuckDB: it is skipped (the validator checks it), the other keys stay
    raw = copy.deepcopy(pkg.raw)
    res_raw = next(r for r in raw["resources"] if r["name"] == "agreement_parties")
    res_raw["schema"]["foreignKeys"].append(
        {
            "fields": ["agreement_id", "on_behalf_of_party_id"],
            "reference": {"resource": "", "fields": ["agreement_id", "party_id"]},
        }
    )
    changed = parse_package(raw, pkg.descriptor_path)
    res = changed.resource("agreement_parties")
    composite = [fk for fk in res.foreign_keys if len(fk.fields) == 2]
    assert composite and composite[0] not in enforceable_foreign_keys(changed, res)
    ddl = "\n".join(ddl_statements(changed))
    assert "FOREIGN KEY (agreement_id, on_behalf_of_party_id)" not in ddl
    assert "FOREIGN KEY (on_behalf_of_party_id) REFERENCES parties (party_id)" in ddl
    con = duckdb.connect()
    for statement in ddl_statements(changed):
        con.execute(statement)


def test_built_database_holds_every_row_and_the_views(
    pkg: Package, built: duckdb.DuckDBPyConnection
) -> None:
    for res in pkg.resources:
        count = built.execute(f"SELECT count(*) FROM {quote_ident(res.name)}").fetchone()[0]
        assert count == csv_rows(pkg.csv_path(res.name))
    for name in view_names():
        assert built.execute(f"SELECT count(*) FROM {name}").fetchone()[0] >= 0
    n_agreements = built.execute("SELECT count(*) FROM agreement_overview").fetchone()[0]
    assert n_agreements == csv_rows(pkg.csv_path("agreements"))


def test_ddl_statements_run_in_order_on_an_empty_database(pkg: Package) -> None:
    con = duckdb.connect()
    for statement in ddl_statements(pkg):
        con.execute(statement)
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == set(pkg.resource_names)


def test_build_replaces_the_old_file_and_leaves_no_temporary(pkg: Package, tmp_path: Path) -> None:
    dest = tmp_path / "out" / "data.duckdb"
    dest.parent.mkdir()
    dest.write_bytes(b"an old, broken file")
    build_database(pkg, dest)
    assert sorted(p.name for p in dest.parent.iterdir()) == ["data.duckdb"]
    con = duckdb.connect(str(dest), read_only=True)
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == csv_rows(
        pkg.csv_path("events")
    )


def _nodes_package(root: Path, rows: list[tuple[str, str]]) -> Package:
    """A one-table package whose rows point at parents by a self-referencing foreign key."""
    descriptor = {
        "name": "nodes",
        "resources": [
            {
                "name": "nodes",
                "path": "resources/nodes.csv",
                "schema": {
                    "fields": [
                        {"name": "id", "type": "string", "constraints": {"required": True}},
                        {"name": "parent", "type": "string"},
                    ],
                    "primaryKey": ["id"],
                    "foreignKeys": [
                        {"fields": "parent", "reference": {"resource": "", "fields": "id"}}
                    ],
                },
            }
        ],
    }
    (root / "resources").mkdir(parents=True)
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    lines = ["id,parent"] + [f"{a},{b}" for a, b in rows]
    (root / "resources" / "nodes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_package(root)


def test_build_inserts_parents_before_children(tmp_path: Path) -> None:
    # sorted by id, every child comes before its parent: a -> b -> c
    pkg = _nodes_package(tmp_path / "pkg", [("a", "b"), ("b", "c"), ("c", "")])
    build_database(pkg, tmp_path / "n.duckdb", keys=True)
    con = duckdb.connect(str(tmp_path / "n.duckdb"), read_only=True)
    assert con.execute("SELECT id, parent FROM nodes ORDER BY id").fetchall() == [
        ("a", "b"),
        ("b", "c"),
        ("c", None),
    ]


def test_build_refuses_a_cycle_and_writes_nothing(tmp_path: Path) -> None:
    pkg = _nodes_package(tmp_path / "pkg", [("a", "b"), ("b", "a")])
    with pytest.raises(DataError, match="nodes: 2 rows"):
        build_database(pkg, tmp_path / "n.duckdb", keys=True)
    assert not (tmp_path / "n.duckdb").exists()
    assert list(tmp_path.glob("*.tmp*")) == []


def test_build_refuses_a_value_outside_the_enum(tmp_path: Path) -> None:
    root = copy_dataset(tmp_path)
    events = root / "resources" / "events.csv"
    events.write_text(
        events.read_text(encoding="utf-8").replace(",signing_ceremony,", ",gala_dinner,", 1),
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="gala_dinner"):
        build_database(load_package(root), tmp_path / "x.duckdb")
    assert not (tmp_path / "x.duckdb").exists()


def test_boolean_columns_accept_only_the_descriptor_values(tmp_path: Path) -> None:
    root = copy_dataset(tmp_path)
    events = root / "resources" / "events.csv"
    events.write_text(
        events.read_text(encoding="utf-8").replace(",day,false,", ",day,yes,", 1),
        encoding="utf-8",
    )
    with pytest.raises(QueryError, match="events.date_inferred: not a boolean: yes"):
        run_query("SELECT count(*) FROM events WHERE date_inferred", data=root)
    # a query not touching the column still runs: the views are lazy
    assert run_query("SELECT count(*) AS n FROM events", data=root).to_pylist()[0]["n"] > 0


def test_quoting_of_identifiers() -> None:
    assert quote_ident("events", only_if_needed=True) == "events"
    assert quote_ident("select", only_if_needed=True) == '"select"'
    assert quote_ident("Odd Name", only_if_needed=True) == '"Odd Name"'
    assert quote_ident('a"b', only_if_needed=True) == '"a""b"'


def test_committed_load_sql_is_current(pkg: Package) -> None:
    committed = (REPO / "load.sql").read_text(encoding="utf-8")
    assert committed == load_sql(pkg), "load.sql is stale: regenerate it from datapackage.json"


def test_load_sql_builds_typed_views_in_plain_duckdb(
    pkg: Package, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)  # load.sql uses relative paths resources/<table>.csv
    con = duckdb.connect()
    con.execute((REPO / "load.sql").read_text(encoding="utf-8"))
    for res in pkg.resources:
        assert described(con, res.name) == [(f.name, expected_type(f)) for f in res.fields]
        count = con.execute(f"SELECT count(*) FROM {quote_ident(res.name)}").fetchone()[0]
        assert count == csv_rows(pkg.csv_path(res.name))
    kinds = dict(
        con.execute(
            "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema='main'"
        ).fetchall()
    )
    assert set(view_names()) | set(pkg.resource_names) == set(kinds)
    comment = con.execute(
        "SELECT comment FROM duckdb_columns() WHERE table_name = 'events' "
        "AND column_name = 'start_date'"
    ).fetchone()[0]
    assert comment == pkg.resource("events").field("start_date").description
    # running it twice in one session works too (CREATE OR REPLACE, IF NOT EXISTS)
    con.execute((REPO / "load.sql").read_text(encoding="utf-8"))
