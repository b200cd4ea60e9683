"""``validate(path)``: run every check over a data package and collect the findings."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sticoop.descriptor import Package, Resource, load_package
from sticoop.errors import DescriptorError
from sticoop.safefiles import FileKind, inspect_resource
from sticoop.validators.cell_rules import cell_rules
from sticoop.validators.crosstable import PRELUDES, RULES, TableRule, retired_rules
from sticoop.validators.findings import Finding, Report, truncate
from sticoop.validators.integrity_checks import integrity_findings
from sticoop.validators.keys import (
    cycle_sql,
    fk_missing_sql,
    pk_duplicate_sql,
    pk_may_repeat,
    self_references,
    unique_duplicate_sql,
)
from sticoop.validators.loading import (
    OK,
    UNUSABLE,
    LoadedTable,
    display_path,
    load_table,
    scan_or_error,
    unreadable_table,
)
from sticoop.validators.parquet_loading import load_parquet_table
from sticoop.validators.quick import (
    QuickProof,
    doubted_rows,
    implied_targets,
    quick_applies,
    quick_pass,
    quick_pass_pays,
)
from sticoop.validators.sql_cells import cell_check_sql

if TYPE_CHECKING:
    import duckdb

MEMORY_LIMIT = "600MB"


def validate(
    path: str | Path | Package | None = None,
    progress: Callable[[str], None] | None = None,
    quick: bool | None = None,
    profile: str | None = None,
) -> Report:
    """Validate the package at PATH (datapackage.json, its directory, or None for the default),
    or an already loaded Package (not parsed again unless PROFILE overrides its profile).

    PROGRESS, when given, receives a short line as each stage starts (for long runs). QUICK
    chooses whether the quick pass (``quick.py``) may prove the package clean first; by
    default it runs for packages of 64 MB or more. The findings are the same either way.
    PROFILE (``spec`` or ``house``) overrides the profile the descriptor opts into.
    Never writes into the data directory: DuckDB works in memory and spills to a private
    temporary directory.
    """
    report_progress = progress or (lambda _message: None)
    if isinstance(path, Package) and profile in (None, path.profile):
        pkg = path
    else:
        try:
            pkg = load_package(
                path.descriptor_path if isinstance(path, Package) else path, profile=profile
            )
        except DescriptorError as exc:
            report = Report(descriptor=exc.path)
            for problem in exc.problems:
                report.add(
                    Finding(
                        code=problem.code,
                        message=problem.message,
                        file=exc.path,
                        pointer=problem.pointer or None,
                    )
                )
            return report
    report = Report(descriptor=str(pkg.descriptor_path), profile=pkg.profile)
    if quick_applies(pkg) and (quick if quick is not None else quick_pass_pays(pkg)):
        with _duckdb() as con:
            proof = quick_pass(con, pkg, _retirable(pkg), report_progress)
            findings = None if proof is None else _recheck(con, pkg, proof, report_progress)
        if proof is not None and findings is not None:
            report.engine = "quick" if not proof.doubted else "quick+recheck"
            report.rechecked = list(proof.doubted)
            for res in pkg.resources:  # what the precise engine reports first, per table
                report.extend(integrity_findings(res, pkg.csv_path(res.name)))
            report.extend(findings)
            report.tables.update(proof.rows)
            return report
        report_progress("the quick pass found something: checking everything precisely")
    total = len(pkg.resources)
    with _duckdb() as con:
        loaded = {}
        # Byte-level scans run one file ahead in a thread while DuckDB (which releases the
        # GIL) loads the previous file.
        with ThreadPoolExecutor(max_workers=1) as pool:
            kinds = {r.name: inspect_resource(pkg.root, r.path) for r in pkg.resources}
            readable = {name for name, kind in kinds.items() if kind is FileKind.FILE}
            scans = [
                pool.submit(scan_or_error, pkg.csv_path(r.name))
                if r.kind != "file" and r.format == "csv" and r.name in readable
                else None
                for r in pkg.resources
            ]
            for i, (res, scan) in enumerate(zip(pkg.resources, scans, strict=True), 1):
                report_progress(f"[{i}/{total}] reading {res.path}")
                path = pkg.csv_path(res.name)
                if res.name not in readable:
                    table = unreadable_table(con, res, path, kinds[res.name].value)
                    if res.kind != "file":
                        loaded[res.name] = table
                    report.extend(table.findings)
                    continue
                report.extend(integrity_findings(res, path))
                if res.kind == "file":
                    continue
                if res.format == "parquet":
                    table = load_parquet_table(con, res, path)
                else:
                    assert scan is not None  # a csv table's scan was submitted
                    table = load_table(con, res, path, scan.result(), pkg.house)
                loaded[res.name] = table
                report.extend(table.findings)
                report.tables[res.name] = table.rows
        for i, table in enumerate(loaded.values(), 1):
            if table.state != UNUSABLE and table.columns:
                report_progress(f"[{i}/{total}] checking cells of {table.resource.name}")
                report.extend(_cell_findings(con, table, pkg.house))
        report_progress("checking keys")
        report.extend(_key_findings(con, pkg, loaded))
        report_progress("checking rules across tables")
        report.extend(_rule_findings(con, pkg, loaded))
    return report


def _recheck(
    con: duckdb.DuckDBPyConnection,
    pkg: Package,
    proof: QuickProof,
    report_progress: Callable[[str], None],
) -> list[Finding] | None:
    """The precise cell findings of the rows the quick pass doubted (in the order the precise
    engine gives them), or None when they would leave a cell elsewhere unproven: a referenced
    cell that breaks a rule, whose copies the quick pass took as clean (``implied_targets``).
    """
    findings: list[Finding] = []
    for res in pkg.resources:
        if res.name not in proof.doubted:
            continue
        report_progress(f"checking the doubtful cells of {res.name} precisely")
        doubted_rows(con, pkg, res, proof)
        path = pkg.csv_path(res.name)
        table = LoadedTable(
            res,
            display_path(path),
            columns=list(res.field_names),
            rows=proof.rows[res.name],
            skip_rules=frozenset({"control-char"}),  # the file has no control byte
        )
        findings += _cell_findings(con, table, pkg.house)
    relied_on = set(implied_targets(pkg).values())
    if any((f.table, f.column) in relied_on for f in findings):
        return None
    return findings


@contextmanager
def _duckdb() -> Iterator:
    import duckdb

    spill = tempfile.mkdtemp(prefix="sticoop-validate-")
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": spill})
    # Long IN lists (enums, placeholders) would become joins run on every row, even where a
    # CASE branch skips the row: keep them as plain list look-ups.
    con.execute("SET disabled_optimizers = 'in_clause'")
    try:
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _cell_findings(
    con: duckdb.DuckDBPyConnection, table: LoadedTable, house: bool
) -> list[Finding]:
    res = table.resource
    messages = {(f.name, r.code): r.message for f in res.fields for r in cell_rules(f, house)}
    columns = table.columns
    cursor = con.execute(cell_check_sql(res, res.name, columns, table.skip_rules, house))
    names = [d[0] for d in cursor.description]
    findings = []
    while batch := cursor.fetchmany(10_000):
        for row in batch:
            record = dict(zip(names, row, strict=True))
            if record["__blank"]:
                findings.append(
                    Finding(
                        code="blank-row",
                        message="the row is empty (every cell is missing)",
                        table=res.name,
                        file=table.file,
                        line=record["__line"],
                    )
                )
                continue
            for col in columns:
                code = record[f"f:{col}"]
                if code is None:
                    continue
                message = messages.get((col, code), "required cell is empty")
                findings.append(
                    Finding(
                        code=code,
                        message=f"{col}: {message}",
                        table=res.name,
                        file=table.file,
                        line=record["__line"],
                        column=col,
                        record_id=record["__rid"] or None,
                        value=truncate(record[col]),
                    )
                )
    return findings


def _usable(loaded: dict[str, LoadedTable], name: str, columns: tuple[str, ...] = ()) -> bool:
    table = loaded.get(name)
    if table is None or table.state == UNUSABLE:
        return False
    return all(c in table.columns for c in columns)


def _key_findings(
    con: duckdb.DuckDBPyConnection, pkg: Package, loaded: dict[str, LoadedTable]
) -> list[Finding]:
    findings: list[Finding] = []
    for res in pkg.resources:
        keyed = res.primary_key and _usable(loaded, res.name, res.primary_key)
        if keyed and pk_may_repeat(con, res):  # the exact query only when hashes repeat
            findings += _run(con, "pk-duplicate", pk_duplicate_sql(res), loaded)
        for fk in res.foreign_keys:
            target = loaded.get(fk.resource)
            if _usable(loaded, res.name, fk.fields) and target and target.state == OK:
                findings += _run(con, "fk-missing", fk_missing_sql(res, fk), loaded)
        for fk in self_references(res):
            if loaded[res.name].state == OK:
                findings += _run(con, "hierarchy-cycle", cycle_sql(res, fk), loaded)
        for fld in res.fields:
            if fld.unique and _usable(loaded, res.name, (fld.name,)):
                findings += _run(con, "unique-duplicate", unique_duplicate_sql(res, fld), loaded)
    return findings


def _rule_findings(
    con: duckdb.DuckDBPyConnection, pkg: Package, loaded: dict[str, LoadedTable]
) -> list[Finding]:
    import duckdb

    ready = {name for name, table in loaded.items() if table.state == OK}
    for prelude in PRELUDES:
        if set(prelude.tables) <= ready:
            try:
                con.execute(f"CREATE TEMP TABLE {prelude.name} AS {prelude.sql}")
                ready.add(prelude.name)
            except duckdb.Error:
                pass  # the rules that read it are skipped, and report_progress so below
    findings: list[Finding] = []
    if not pkg.house:
        return []  # the rules across tables are our data model's, not the Table Schema's
    for rule in RULES + retired_rules(_retirable(pkg)):
        if set(rule.tables) <= ready:
            findings += _run_rule(con, rule, loaded)
    return findings


def _retirable(pkg: Package) -> dict[str, str]:
    """Tables an id can be retired from (the retired_ids.table_name vocabulary) and their PKs."""
    try:
        names = pkg.resource("retired_ids").field("table_name").enum or ()
    except KeyError:
        return {}
    tables: dict[str, Resource] = {r.name: r for r in pkg.resources}
    return {
        n: tables[n].primary_key[0]
        for n in names
        if n in tables and len(tables[n].primary_key) == 1
    }


def _run_rule(
    con: duckdb.DuckDBPyConnection, rule: TableRule, loaded: dict[str, LoadedTable]
) -> list[Finding]:
    import duckdb

    try:
        return _run(con, rule.code, rule.sql, loaded)
    except duckdb.Error as exc:
        return [
            Finding(
                code="descriptor-invalid",
                message=f"rule {rule.code} cannot run on this descriptor: "
                f"{str(exc).splitlines()[0]}",
            )
        ]


def _run(
    con: duckdb.DuckDBPyConnection, code: str, sql: str, loaded: dict[str, LoadedTable]
) -> list[Finding]:
    rows = con.execute(f"SELECT * FROM ({sql}) ORDER BY 1, 2").fetchall()
    return [
        Finding(
            code=code,
            message=str(msg),
            table=tbl,
            file=loaded[tbl].file,
            line=line,
            column=col,
            record_id=rid or None,
            value=truncate(val),
        )
        for tbl, line, col, rid, val, msg in rows
    ]
