"""Build the release's ``.duckdb`` file from the descriptor's DDL (``sticoop.ddl``) and the CSVs.

By default the tables carry their types, enum types, NOT NULL and CHECK constraints, comments
and the convenience views, but no primary or foreign keys: DuckDB backs every key with an ART
index, which made the bundled dataset's file three times larger (1.6 MB instead of 0.6 MB)
and a million events' build minutes longer, for checks the validator has already made before
any release is built. ``keys=True`` declares the keys DuckDB can enforce as well.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from sticoop.concurrency import Cancelled, Interruptible
from sticoop.ddl import (
    comment_statements,
    convenience_view_statements,
    create_table_statement,
    enforceable_foreign_keys,
    primary_key_statement,
    table_order,
    type_statements,
    typed_select,
)
from sticoop.descriptor import ForeignKey, Package, Resource
from sticoop.errors import DataError, EnvironmentProblem
from sticoop.sql_results import one_row
from sticoop.sql_text import quote_ident as ident

if TYPE_CHECKING:
    import duckdb

__all__ = ["COMPACT", "MEMORY_LIMIT", "Cancelled", "build_database", "create_views"]

# build_database's DuckDB buffer pool. Table data beyond it spills to the file, but a table's
# primary-key index is held whole while it is built (about 450 MB for 3.8 million rows).
MEMORY_LIMIT = "1GB"
# The smallest block DuckDB allows (the default is 256 KiB): a file of many small tables, each
# with its own blocks, is ~10x smaller; the build then checkpoints so the WAL is folded in.
COMPACT = {"default_block_size": "16384"}


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create the convenience views over the tables (or views) named as the descriptor's.

    A view is skipped when a table it reads is absent (a package with other tables).
    """
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()
    _execute_all(con, convenience_view_statements(row[0] for row in rows))


def _execute_all(con: duckdb.DuckDBPyConnection, statements: Iterable[str]) -> None:
    for statement in statements:
        con.execute(statement)


def _self_keys(res: Resource) -> list[ForeignKey]:
    return [fk for fk in res.foreign_keys if fk.resource == res.name]


def _fill_table(
    con: duckdb.DuckDBPyConnection, pkg: Package, res: Resource, *, keys: bool = True
) -> None:
    """Insert a resource's rows in primary-key order; with KEYS and self-references, parents
    before children."""
    select = typed_select(pkg, res, str(pkg.csv_path(res.name)))
    name = ident(res.name)
    enforced = enforceable_foreign_keys(pkg, res) if keys else []
    self_keys = [fk for fk in _self_keys(res) if fk in enforced]
    order = ", ".join(ident(c) for c in res.primary_key) or "ALL"
    if not self_keys:
        con.execute(f"INSERT INTO {name} {select}\nORDER BY {order}")
        return
    stage = ident(f"stage_{res.name}")
    con.execute(f"CREATE TEMP TABLE {stage} AS {select}")
    same_row = " AND ".join(f"t.{ident(c)} = s.{ident(c)}" for c in res.primary_key)
    conditions = [f"NOT EXISTS (SELECT 1 FROM {name} t WHERE {same_row})"]
    for fk in self_keys:
        nulls = " OR ".join(f"s.{ident(c)} IS NULL" for c in fk.fields)
        match = " AND ".join(
            f"t.{ident(r)} = s.{ident(c)}" for c, r in zip(fk.fields, fk.ref_fields, strict=True)
        )
        conditions.append(f"({nulls} OR EXISTS (SELECT 1 FROM {name} t WHERE {match}))")
    insert = f"INSERT INTO {name} SELECT s.* FROM {stage} s WHERE " + " AND ".join(conditions)
    pk = ", ".join(f"s.{ident(c)}" for c in res.primary_key)
    total = int(one_row(con, f"SELECT count(*) FROM {stage}")[0])
    loaded = 0
    while loaded < total:
        added = int(one_row(con, f"{insert}\nORDER BY {pk}")[0])
        if added == 0:
            raise DataError(
                f"{res.name}: {total - loaded} rows reference rows of the same table that are "
                "missing or form a cycle",
                hint="run 'sticoop validate'",
            )
        loaded += added
    con.execute(f"DROP TABLE {stage}")


def _deferred_keys(pkg: Package) -> set[str]:
    """Tables whose primary key is added after the fill: building the index in bulk is faster
    than row by row. Tables that foreign keys point at need their key from the start."""
    referenced = {fk.resource or res.name for res in pkg.resources for fk in res.foreign_keys}
    return {r.name for r in pkg.resources if r.primary_key and r.name not in referenced}


def _load_keyed_tables(
    con: duckdb.DuckDBPyConnection, pkg: Package, guard: Interruptible, workers: int
) -> None:
    """Create every table and fill it: first, one after the other, the tables foreign keys
    point at (referenced tables first); then the others, WORKERS at a time, on cursors of their
    own; then, one at a time, the primary keys of the latter, with a checkpoint after each.

    DuckDB checks foreign keys and builds an index on one thread per statement, so the fills
    that only check keys run side by side; the indexes are built one at a time and written out
    before the next, so memory holds one of them at a time.
    """
    ordered = table_order(pkg)
    deferred = _deferred_keys(pkg)
    for res in ordered:
        con.execute(create_table_statement(pkg, res, primary_key=res.name not in deferred))
        _execute_all(con, comment_statements(res, "TABLE"))
    for res in (r for r in ordered if r.name not in deferred):
        guard.check()
        _fill_table(con, pkg, res)
    leaves = [r for r in ordered if r.name in deferred]
    leaves.sort(key=lambda r: pkg.csv_path(r.name).stat().st_size, reverse=True)

    def fill(res: Resource) -> None:
        with guard.cursor() as cur:
            _fill_table(cur, pkg, res)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        jobs = [pool.submit(fill, res) for res in leaves]
        try:
            for job in jobs:
                job.result()
        except BaseException:
            for job in jobs:
                job.cancel()
            guard.interrupt()
            raise
    for res in (r for r in ordered if r.name in deferred):
        guard.check()
        con.execute(primary_key_statement(res))
        con.execute("CHECKPOINT")


def _load_plain_tables(con: duckdb.DuckDBPyConnection, pkg: Package, guard: Interruptible) -> None:
    """Create every table without keys and fill it, one table at a time (DuckDB reads, casts
    and writes each on all its threads: without an index nothing runs on one thread)."""
    for res in pkg.resources:
        guard.check()
        con.execute(create_table_statement(pkg, res, primary_key=False, foreign_keys=False))
        _execute_all(con, comment_statements(res, "TABLE"))
        _fill_table(con, pkg, res, keys=False)


def build_database(
    pkg: Package,
    dest: Path,
    *,
    keys: bool = False,
    workers: int = 2,
    cancel: threading.Event | None = None,
) -> None:
    """Write a ``.duckdb`` file with typed tables, comments and the convenience views; with
    KEYS, also the primary and foreign keys DuckDB can enforce.

    Written to a temporary file beside ``dest`` and moved into place, so ``dest`` is either the
    old file or the complete new one. With KEYS, up to WORKERS tables are filled at a time (see
    ``_load_keyed_tables``). Setting CANCEL interrupts the build, which then raises
    ``Cancelled``.
    """
    import duckdb

    from sticoop.atomic import atomic_path
    from sticoop.release.files import FILE_MODE

    dest = Path(dest)
    try:
        with atomic_path(
            dest, mode=FILE_MODE, create=False, make_parents=True, companions=(".wal",)
        ) as tmp:
            con = duckdb.connect(str(tmp), config={"memory_limit": MEMORY_LIMIT, **COMPACT})
            guard = Interruptible(con, cancel)
            try:
                guard.check()
                _execute_all(con, type_statements(pkg))
                if keys:
                    _load_keyed_tables(con, pkg, guard, workers)
                else:
                    _load_plain_tables(con, pkg, guard)
                create_views(con)
                con.execute("CHECKPOINT")
            except duckdb.Error as exc:
                guard.check()
                raise DataError(
                    f"building {dest.name}: {exc}", hint="run 'sticoop validate' first"
                ) from None
            finally:
                guard.finish()
                con.close()
    except OSError as exc:
        raise EnvironmentProblem(f"cannot write {dest}: {exc.strerror}") from None
