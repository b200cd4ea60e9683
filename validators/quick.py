"""The quick pass: prove a large package has no finding at all, or hand it to the precise engine.

Most packages CI sees are valid, and proving that takes far less work than explaining an
error. The quick pass reads each CSV once with DuckDB into a narrow table (only the columns
that keys and rules read), testing every cell with cheap SQL on the way (``quick_cells``) and
checking foreign keys into tables already read. Identifiers are kept as 64-bit hashes, which
keeps the tables small; this stays exact because every foreign key is checked on the text
itself, and each referenced key is made one-to-one as soon as its table is read
(``_resolve``): keys sharing a hash (DuckDB's string hash is weak on structured ids) get
another stand-in in every hashed column, so a collision is proved harmless, not doubted.
A thread reads the bytes (``quickscan``: numpy, outside the GIL) for control characters,
text that may not be NFC, and the line count that catches blank lines and records spanning
lines.

The answer is "no finding" (row counts); "no finding but maybe in some tables' doubtful
cells" (the precise cell checks then run on those rows only, ``doubted_rows``); or "doubt"
(None): the precise engine then runs from the start and explains everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sticoop.descriptor import ForeignKey, Package, Resource
from sticoop.sql_results import one_row
from sticoop.table_graph import referenced_first
from sticoop.validators.crosstable import PRELUDES, RULES, retired_rules
from sticoop.validators.keys import cycle_sql, self_references
from sticoop.validators.loading import read_csv_sql
from sticoop.validators.quick_cells import doubtful_sql, same_rules
from sticoop.validators.quick_checks import (
    Check,
    CheckRunner,
    query_check,
    repeated_key_check,
    table_check,
)
from sticoop.validators.quickscan import scan_bytes
from sticoop.validators.sql_cells import quote_ident as q

if TYPE_CHECKING:
    import duckdb

MIN_BYTES = 64 * 1024 * 1024  # below this the precise engine alone is about as fast
_HEADER_MAX = 64 * 1024
MAX_KEYS = 1000  # doubtful rows found again by key up to this many, else by their cells


def quick_applies(pkg: Package) -> bool:
    """True when the quick pass's proofs hold for PKG: the house profile, CSV tables in the
    default dialect, no ``unique`` or extra missing values (which it does not check), and a
    required column in every table (so an empty row is doubted)."""
    return pkg.house and all(
        r.format == "csv"
        and r.dialect.is_default
        and r.missing_values == ("",)
        and any(f.required for f in r.fields)
        and not any(f.unique or f.missing_values != ("",) for f in r.fields)
        for r in pkg.resources
    )


def quick_pass_pays(pkg: Package) -> bool:
    """True when the package's CSVs are large enough for the quick pass to pay off."""
    paths = [pkg.csv_path(r.name) for r in pkg.resources]
    return sum(p.stat().st_size for p in paths if p.is_file()) >= MIN_BYTES


@dataclass
class _Plan:
    """How each table is read: load order, hashed and text-kept columns, where FKs are checked."""

    order: list[Resource]
    keep: dict[str, list[str]]
    hashed: set[tuple[str, str]] = field(default_factory=set)
    text: set[tuple[str, str]] = field(default_factory=set)  # also kept as "__s_<col>"
    early: dict[str, list[ForeignKey]] = field(default_factory=dict)  # checked while reading
    late: list[tuple[Resource, ForeignKey]] = field(default_factory=list)  # checked after
    # each hashed column, with the tables whose key its values are (made one-to-one first)
    families: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    # per table, the hashes its different keys share: their texts get another stand-in
    colliding: dict[str, list[int]] = field(default_factory=dict)

    def stand_in(self, table: str, col: str, text: str) -> str:
        """SQL for the 64-bit stand-in of the text TEXT in the hashed column TABLE.COL."""
        shared = sorted({h for p in self.families[(table, col)] for h in self.colliding.get(p, [])})
        return _hash_sql(text, shared)


@dataclass(frozen=True)
class QuickProof:
    """What the quick pass proved: ROWS per table, and the tables (DOUBTED) where some cells
    may break a rule. Everything else (files, keys, rules, every other cell) has no finding,
    so only those tables' doubtful rows need the precise cell checks (``doubted_rows``)."""

    rows: dict[str, int]
    doubted: tuple[str, ...] = ()
    # per doubted table with a key: SQL computing its kept key from the CSV's columns, and
    # that column of its quick table (rows are then found by key, not by testing cells again)
    keys: dict[str, tuple[str, str]] = field(default_factory=dict)


def prove_clean(
    con: duckdb.DuckDBPyConnection,
    pkg: Package,
    retirable: dict[str, str],
    report_progress: Callable[[str], None],
) -> dict[str, int] | None:
    """Row counts per table when the package has no finding (error or warning), else None."""
    proof = quick_pass(con, pkg, retirable, report_progress)
    return proof.rows if proof is not None and not proof.doubted else None


def quick_pass(
    con: duckdb.DuckDBPyConnection,
    pkg: Package,
    retirable: dict[str, str],
    report_progress: Callable[[str], None],
) -> QuickProof | None:
    """The quick pass: a proof that only some cells may break a rule, else None (a doubt about
    a file, a key or a rule: the precise engine must check everything)."""
    import duckdb

    if not all(_plain_file(pkg.csv_path(r.name), r) for r in pkg.resources):
        return None
    plan = _plan(pkg, retirable)
    con.execute("SET preserve_insertion_order = false")  # no line numbers are needed here
    checks = CheckRunner(con, _checks(pkg, plan, retirable))
    with ThreadPoolExecutor(max_workers=1) as pool:
        scans = {r.name: pool.submit(scan_bytes, pkg.csv_path(r.name)) for r in plan.order}
        try:
            read = _read_all(con, pkg, plan, scans, checks, report_progress)
            if read is None:
                return None
            rows, doubted = read
            report_progress("quick pass: keys and rules")
            if checks.finish():
                return None
        except (duckdb.Error, OSError):  # the precise engine reports what went wrong
            return None
        finally:
            checks.close()
            for future in scans.values():
                future.cancel()
    names = [r.name for r in pkg.resources]
    keys = {r.name: _kept_key(r, plan) for r in pkg.resources if r.name in doubted}
    return QuickProof(
        {n: rows[n] for n in names},
        tuple(n for n in names if n in doubted),
        {n: k for n, k in keys.items() if k is not None},
    )


def _kept_key(res: Resource, plan: _Plan) -> tuple[str, str] | None:
    """SQL computing RES's kept key (its hash, or its column's stand-in) from the CSV's
    columns, and the quick table's column holding it; None without a primary key."""
    if not res.primary_key:
        return None
    key = _key_sql(res, plan)
    if key:
        return key, "__key"
    pk = res.primary_key[0]
    kept = plan.stand_in(res.name, pk, q(pk)) if (res.name, pk) in plan.hashed else q(pk)
    return kept, pk


def doubted_rows(
    con: duckdb.DuckDBPyConnection, pkg: Package, res: Resource, proof: QuickProof
) -> None:
    """Re-read RES (a table the quick pass doubted) into the view the precise cell checks read,
    keeping the rows with a doubtful cell (and maybe a few more), each with its line.

    The quick pass proved the file plain (one record per line, exact header, no control
    byte), so a row's line is its position + 2, as in the precise loader's fast path; a row
    it did not doubt breaks no cell rule, so checking a few more rows changes no finding.
    Rows are found by their kept key (a hash may match a few more), else by testing their
    cells again.
    """
    name = res.name
    keys = None
    if name in proof.keys:
        kept, column = proof.keys[name]
        keys = con.execute(
            f"SELECT DISTINCT {q(column)} FROM {q('quick_' + name)} "
            f"WHERE __cells IS NOT false LIMIT {MAX_KEYS + 1}"
        ).fetchall()
    if keys is not None and len(keys) <= MAX_KEYS and all(k is not None for (k,) in keys):
        # a list, not a join: a join would not keep the rows in file order
        test = f"coalesce(list_contains({_list([k for (k,) in keys])}, {kept}), true)"
    else:
        implied = _implied_fields(pkg)
        test = " OR ".join(doubtful_sql(f, (name, f.name) in implied) for f in res.fields)
    every = ", ".join(q(f.name) for f in res.fields)
    table = q("__quick_rows_" + name)
    con.execute("SET preserve_insertion_order = true")  # the rowid is then the position
    con.execute(
        f"CREATE OR REPLACE TABLE {table} AS SELECT __d, if(__d, [{every}], NULL) AS __row "
        f"FROM (SELECT *, ({test}) IS DISTINCT FROM false AS __d FROM {_read_csv(pkg, res)})"
    )
    cols = ", ".join(f"__row[{i}] AS {q(f.name)}" for i, f in enumerate(res.fields, 1))
    con.execute(
        f"CREATE OR REPLACE VIEW {q(name)} AS SELECT rowid + 2 AS __line, {cols} "
        f"FROM {table} WHERE __d"
    )


def _read_all(
    con: duckdb.DuckDBPyConnection,
    pkg: Package,
    plan: _Plan,
    scans: dict[str, Future],
    checks: CheckRunner,
    report_progress: Callable[[str], None],
) -> tuple[dict[str, int], set[str]] | None:
    """Read every table, starting its checks once read: row counts and the tables with
    doubtful cells, or None at the first other doubt (lines, bytes, a foreign key, or a check
    that found something)."""
    implied = _implied_fields(pkg)
    rows: dict[str, int] = {}
    doubted: set[str] = set()
    resolved: set[str] = set()
    waiting: list[str] = []
    for i, res in enumerate(plan.order, 1):
        report_progress(f"[{i}/{len(plan.order)}] quick pass: reading {res.path}")
        loaded = _load(con, pkg, res, plan, implied)
        lines, plain = scans[res.name].result()
        if loaded is None or loaded[0] != lines - 1 or not plain or checks.found.is_set():
            return None
        if loaded[1]:
            doubted.add(res.name)
        if _resolved_here(res, plan) and not _resolve(con, pkg, res, plan, set(rows)):
            return None
        rows[res.name] = loaded[0]
        resolved.add(res.name)
        waiting.append(res.name)
        for name in list(waiting):  # a table's checks wait until its hashes are one-to-one
            if all(fam <= resolved for (t, _c), fam in plan.families.items() if t == name):
                waiting.remove(name)
                checks.ready(name)
    return rows, doubted


def _resolved_here(res: Resource, plan: _Plan) -> bool:
    """True when RES's key is hashed, its text kept, and other hashed columns take its values:
    ``_resolve`` then proves (or makes) its hashes one-to-one."""
    pk = res.primary_key
    return len(pk) == 1 and res.name in plan.families.get((res.name, pk[0]), set())


def _resolve(
    con: duckdb.DuckDBPyConnection, pkg: Package, res: Resource, plan: _Plan, loaded: set[str]
) -> bool:
    """Make the hashes of RES's key one-to-one; False when a key text repeats (a finding).

    Texts whose hash is shared by different keys get another stand-in, the low 64 bits of
    their MD5 (``_hash_sql``): rewritten in the tables already read (which keep the texts)
    and computed so by later loads; the key is then checked again.
    """
    from sticoop.validators.keys import any_repeated

    pk, table = res.primary_key[0], q("quick_" + res.name)
    key, text = q(pk), q("__s_" + pk)
    if not any_repeated(con, f"SELECT {key} FROM {table}"):
        return True
    repeated = f"SELECT {key} FROM {table} WHERE {key} IS NOT NULL GROUP BY ALL HAVING count(*) > 1"
    shared = sorted(int(h) for (h,) in con.execute(repeated).fetchall())
    counts = (
        f"SELECT count(*), count(DISTINCT {text}) FROM {table} "
        f"WHERE {key} IN (SELECT * FROM ({repeated}))"
    )
    total, distinct = one_row(con, counts)
    if total != distinct:
        return False  # the same key twice: the precise engine reports it
    plan.colliding[res.name] = shared
    for (name, col), family in sorted(plan.families.items()):
        if res.name in family and (name in loaded or name == res.name):
            if (name, col) not in plan.text:
                return False  # cannot happen: a column read before its key's table keeps text
            stored = q("__s_" + col)
            con.execute(
                f"UPDATE {q('quick_' + name)} SET {q(col)} = {plan.stand_in(name, col, stored)} "
                f"WHERE {stored} IS NOT NULL AND list_contains({_list(shared)}, hash({stored}))"
            )
    return not any_repeated(con, f"SELECT {key} FROM {table}")


def _list(hashes: list[int]) -> str:
    """A SQL list of the 64-bit hashes HASHES (numbers DuckDB computed, not input text)."""
    return "[" + ", ".join(f"{int(h)}::UBIGINT" for h in hashes) + "]::UBIGINT[]"


def _plain_file(path: Path, res: Resource) -> bool:
    """A non-empty file whose first line is exactly the descriptor's header, with no BOM."""
    try:
        with path.open("rb") as fh:
            first = fh.readline(_HEADER_MAX)
    except OSError:
        return False
    return first == (",".join(res.field_names) + "\n").encode()


def _plan(pkg: Package, retirable: dict[str, str]) -> _Plan:
    plan = _Plan(order=_load_order(pkg), keep=_kept_columns(pkg, retirable))
    composite = {
        (t, c)
        for r in pkg.resources
        for fk in r.foreign_keys
        if len(fk.fields) > 1
        for t, cols in ((r.name, fk.fields), (fk.resource, fk.ref_fields))
        for c in cols
    }
    plan.text = {(t, pk) for t, pk in retirable.items()}
    names = pkg.resource_names
    for res in pkg.resources:
        for fk in res.foreign_keys:
            target = {(fk.resource, c) for c in fk.ref_fields}
            plan.text |= target
            to_key = fk.resource in names and fk.ref_fields == pkg.resource(fk.resource).primary_key
            if (
                to_key
                and len(fk.fields) == 1
                and not (target | {(res.name, fk.fields[0])}) & composite
            ):
                plan.hashed |= target | {(res.name, fk.fields[0])}
                for column in ((fk.resource, fk.ref_fields[0]), (res.name, fk.fields[0])):
                    plan.families.setdefault(column, set()).add(fk.resource)
    loaded: set[str] = set()
    for res in plan.order:
        for fk in res.foreign_keys:
            if fk.resource in loaded and len(fk.fields) == 1:
                plan.early.setdefault(res.name, []).append(fk)
            else:  # a self-reference, a cycle or a composite key: compare texts afterwards
                plan.late.append((res, fk))
                plan.text |= {(res.name, c) for c in fk.fields}
        loaded.add(res.name)
    return plan


def _load_order(pkg: Package) -> list[Resource]:
    """Referenced tables before the tables referring to them (a cycle broken anywhere)."""
    return referenced_first(
        pkg.resources, lambda res: {fk.resource for fk in res.foreign_keys}, break_cycles=True
    )


def _implied_fields(pkg: Package) -> set[tuple[str, str]]:
    """(table, column) pairs whose cells a passing foreign key check proves clean."""
    return set(implied_targets(pkg))


def implied_targets(pkg: Package) -> dict[tuple[str, str], tuple[str, str]]:
    """(table, column) pairs whose cells a passing foreign key check proves clean, each with
    the (table, column) it refers to: the cell is clean when the referenced cell is.

    A single-column foreign key into a column that has every rule of the referencing column
    and is checked itself: a column that is a candidate in turn is never relied on, so no
    chain or cycle of keys leaves a column unchecked.
    """
    candidates: dict[tuple[str, str], tuple[str, str]] = {}
    for res in pkg.resources:
        for fk in res.foreign_keys:
            if len(fk.fields) != 1 or fk.resource not in pkg.resource_names:
                continue
            parent, child, ref = pkg.resource(fk.resource), fk.fields[0], fk.ref_fields[0]
            if (
                ref in parent.field_names
                and (res.name, child) != (fk.resource, ref)
                and same_rules(res.field(child), parent.field(ref))
            ):
                candidates[(res.name, child)] = (fk.resource, ref)
    return {c: t for c, t in candidates.items() if t not in candidates}


def _kept_columns(pkg: Package, retirable: dict[str, str]) -> dict[str, list[str]]:
    """Columns the key checks and rules read, per table (a name mentioned in a rule is kept)."""
    rules = RULES + retired_rules(retirable)
    words = set(re.findall(r"\w+", " ".join(r.sql for r in rules + PRELUDES)))
    needed: dict[str, set[str]] = {r.name: set(r.primary_key) for r in pkg.resources}
    for res in pkg.resources:
        for fk in res.foreign_keys:
            needed[res.name].update(fk.fields)
            needed.setdefault(fk.resource, set()).update(fk.ref_fields)
        needed[res.name].update(n for n in res.field_names if n in words)
    return {r.name: [n for n in r.field_names if n in needed[r.name]] for r in pkg.resources}


def _load(
    con: duckdb.DuckDBPyConnection,
    pkg: Package,
    res: Resource,
    plan: _Plan,
    implied: set[tuple[str, str]],
) -> tuple[int, bool] | None:
    """Read RES into its narrow table: the row count and whether some cell is doubtful, or
    None when a row is doubtful otherwise (a foreign key naming no row)."""
    name = res.name
    cells = " OR ".join(doubtful_sql(f, (name, f.name) in implied) for f in res.fields)
    doubts = [_missing_sql(fk) for fk in plan.early.get(name, [])] or ["false"]
    columns = []
    for col in plan.keep[name]:
        columns.append(
            f"{plan.stand_in(name, col, q(col))} AS {q(col)}"
            if (name, col) in plan.hashed
            else q(col)
        )
        if (name, col) in plan.text:
            columns.append(f"{q(col)} AS {q('__s_' + col)}")
    key = _key_sql(res, plan)
    if key:
        columns.append(f"{key} AS __key")
    table = q("quick_" + name)
    con.execute(
        f"CREATE OR REPLACE TABLE {table} AS SELECT {', '.join(columns) or 'NULL AS __none'}, "
        f"__cells, ({' OR '.join(doubts)}) AS __doubt "
        # cells are tested below the key look-ups, so free text never flows through the joins
        f"FROM (SELECT *, ({cells}) AS __cells FROM {_read_csv(pkg, res)})"
    )
    rows, cell_doubts, doubtful = one_row(
        con,
        "SELECT count(*), count(*) FILTER (WHERE __cells IS DISTINCT FROM false), "
        f"count(*) FILTER (WHERE __doubt IS DISTINCT FROM false) FROM {table}",
    )
    kept = ", ".join(q(c) for c in plan.keep[name])
    con.execute(
        f"CREATE OR REPLACE VIEW {q(name)} AS SELECT NULL::BIGINT AS __line"
        f"{', ' if kept else ''}{kept} FROM {table}"
    )
    texts = ", ".join(
        f"{q('__s_' + c)} AS {q(c)}" for c in plan.keep[name] if (name, c) in plan.text
    )
    if texts:
        con.execute(f"CREATE OR REPLACE VIEW {q('__s_' + name)} AS SELECT {texts} FROM {table}")
    return (rows, cell_doubts > 0) if doubtful == 0 else None


def _hash_sql(col: str, shared: list[int]) -> str:
    """The 64-bit stand-in of the text COL: its hash, or the low half of its MD5 when its hash
    is one of SHARED (a hash different keys have)."""
    value = f"hash({col})"
    if shared:
        value = f"if(list_contains({_list(shared)}, {value}), md5_number_lower({col}), {value})"
    return f"if({col} IS NULL, NULL, {value})"


def _key_sql(res: Resource, plan: _Plan) -> str | None:
    """The hash of RES's primary key, when no kept column already is that hash."""
    pk = res.primary_key
    if not pk or (len(pk) == 1 and (res.name, pk[0]) in plan.hashed):
        return None
    return f"hash({', '.join(q(c) for c in pk)})"


def _key_column(res: Resource, plan: _Plan) -> str:
    return "__key" if _key_sql(res, plan) else res.primary_key[0]


def _missing_sql(fk: ForeignKey) -> str:
    """True when the single-column foreign key FK names no row of its (already read) table."""
    col, ref = q(fk.fields[0]), q("__s_" + fk.ref_fields[0])
    parent = q("quick_" + fk.resource)
    known = f"SELECT {ref} FROM {parent} WHERE {ref} IS NOT NULL"
    return f"({col} IS NOT NULL AND {col} NOT IN ({known}))"


def _read_csv(pkg: Package, res: Resource) -> str:
    """RES's CSV with a strict LF line end: a CR is then part of a cell, which doubts it."""
    path = pkg.csv_path(res.name)
    return read_csv_sql(path, res.field_names, new_line="'\\n'", strict_mode="true")


def _checks(pkg: Package, plan: _Plan, retirable: dict[str, str]) -> list[Check]:
    """Every key, cycle and rule check, with the tables each reads (each must find nothing)."""
    checks = [table_check(p.name, p.tables, p.sql) for p in PRELUDES]
    for res in pkg.resources:
        if res.primary_key and not _resolved_here(res, plan):  # those were checked when read
            stored = [_key_column(res, plan)] if _key_sql(res, plan) else []
            checks.append(
                repeated_key_check(res.name, "quick_" + res.name, stored + list(res.primary_key))
            )
        checks += [query_check((res.name,), cycle_sql(res, fk)) for fk in self_references(res)]
    for res, fk in plan.late:
        given = " AND ".join(f"{q('__s_' + c)} IS NOT NULL" for c in fk.fields)
        on = " AND ".join(
            f"p.{q('__s_' + r)} = c.{q('__s_' + f)}"
            for f, r in zip(fk.fields, fk.ref_fields, strict=True)
        )
        sql = (
            f"SELECT 1 FROM (SELECT * FROM {q('quick_' + res.name)} WHERE {given}) c "
            f"ANTI JOIN {q('quick_' + fk.resource)} p ON {on}"
        )
        checks.append(query_check((res.name, fk.resource), sql))
    checks += [query_check(rule.tables, rule.sql) for rule in RULES]
    retired = retired_rules(retirable, view='"__s_{}"')
    return checks + [query_check(rule.tables, rule.sql) for rule in retired]
