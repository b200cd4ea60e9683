"""Record-level differences of two versions of a package, computed in DuckDB.

Both versions' CSVs are read as text (no sniffing) through views; each table's records are
matched on the primary key with a FULL OUTER hash join, so no table is ever held in a Python
dict. Values are compared as text (empty cells are NULL), so a diff never depends on type casts.

The database lives in a temporary file with a memory limit, so DuckDB spills to disk rather
than holding large tables in memory. A table present on one side only (every table of a first
release) is not joined: its changes are a view over that side's CSV.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sticoop.descriptor import Package, Resource
from sticoop.errors import DataError

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
CHANGES = (ADDED, REMOVED, CHANGED)
_BATCH = 10_000
_LINE_BATCH = 8 * 1024  # small batches reuse memory: fewer page faults than large ones
MEMORY_LIMIT = "512MB"  # DuckDB's buffer pool for the diff; beyond it, it spills to disk
# json.dumps(ensure_ascii=False) escapes: backslash and quote first, then control characters.
_JSON_ESCAPES = [("\\", "\\\\"), ('"', '\\"')] + [
    (chr(c), json.dumps(chr(c))[1:-1]) for c in range(0x20)
]
_JSON_SPECIAL = r'[\x00-\x1f"\\]'  # RE2: a character json.dumps escapes
_JSON_EACH = "lambda f: sticoop_json(f)"


def _json_macro() -> str:
    """A SQL macro rendering text (or NULL) exactly as ``json.dumps(ensure_ascii=False)``."""
    from sticoop.sql_text import quote_literal as literal

    escaped = "x"
    for char, escape in _JSON_ESCAPES:
        target = literal(char) if char in '\\"' else f"chr({ord(char)})"
        escaped = f"replace({escaped}, {target}, {literal(escape)})"
    return (
        "CREATE TEMP MACRO sticoop_json(x) AS CASE WHEN x IS NULL THEN 'null' "
        f"WHEN regexp_matches(x, '{_JSON_SPECIAL}') "
        f"""THEN concat('"', {escaped}, '"') ELSE concat('"', x, '"') END"""
    )


Record = dict[str, str | None]


def _concat(pieces: list[str | tuple[str]]) -> str:
    """``concat(...)`` of literal text and (SQL expression,) pieces, adjacent texts merged."""
    from sticoop.sql_text import quote_literal as literal

    out: list[str] = []
    text = ""
    for piece in pieces:
        if isinstance(piece, str):
            text += piece
            continue
        if text:
            out.append(literal(text))
            text = ""
        out.append(piece[0])
    if text:
        out.append(literal(text))
    return f"concat({', '.join(out)})"


@dataclass(frozen=True)
class RecordChange:
    """One record added, removed or changed; ``fields`` lists the changed columns."""

    table: str
    change: str
    key: Record
    old: Record | None
    new: Record | None
    fields: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "change": self.change,
            "key": self.key,
            "fields": list(self.fields),
            "old": self.old,
            "new": self.new,
        }


@dataclass
class TablePair:
    """One table as it is in the old and the new version (either side may be absent)."""

    name: str
    old_columns: list[str]
    new_columns: list[str]
    key: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    old_rows: int = 0
    new_rows: int = 0
    one_sided: bool = False  # present on one side only: every record added (or removed)

    @property
    def compared(self) -> list[str]:
        """Non-key columns present on both sides: the ones whose values are compared."""
        return [c for c in self.new_columns if c in self.old_columns and c not in self.key]


def _choose_key(old: Resource | None, new: Resource | None) -> list[str]:
    """Match records on the new primary key if the old table has its columns, else the old
    one, else on every common column (a whole-row comparison)."""
    if old is None or new is None:
        return list((new or old).primary_key)  # type: ignore[union-attr]
    for res, other in ((new, old), (old, new)):
        if res.primary_key and all(c in other.field_names for c in res.primary_key):
            return list(res.primary_key)
    return [c for c in new.field_names if c in old.field_names]


class DiffEngine:
    """Open both versions in one in-memory DuckDB connection and diff them table by table.

    ``old`` may be None (a first release): every record is then ``added``. ``new_rows``, the
    row count of each table of ``new`` when it is already known (a release build has validated
    and counted them), spares reading the new tables once more up front.
    """

    def __init__(
        self, old: Package | None, new: Package, new_rows: dict[str, int] | None = None
    ) -> None:
        import duckdb

        self._tmp = Path(tempfile.mkdtemp(prefix="sticoop-diff-"))
        self.pairs: list[TablePair] = []
        self._rows: dict[str, int] = {}
        self._known = new_rows or {}
        try:
            self.con: duckdb.DuckDBPyConnection = duckdb.connect(
                str(self._tmp / "diff.duckdb"),
                config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(self._tmp / "spill")},
            )
        except BaseException:
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise
        try:
            self.con.execute(_json_macro())
            with self._reading():
                self._prepare(old, new)
        except BaseException:
            self.close()
            raise

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Turn a DuckDB error while reading the CSVs into a DataError naming file and line."""
        import duckdb

        from sticoop.csvread import csv_error

        try:
            yield
        except duckdb.Error as exc:
            raise csv_error(exc) or DataError(f"cannot diff the packages: {exc}") from None

    def __enter__(self) -> DiffEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def _prepare(self, old: Package | None, new: Package) -> None:
        old_names = old.resource_names if old else []
        names = new.resource_names + [n for n in old_names if n not in new.resource_names]
        for index, name in enumerate(names):
            o = old.resource(name) if old and name in old_names else None
            n = new.resource(name) if name in new.resource_names else None
            pair = TablePair(
                name=name,
                old_columns=o.field_names if o else [],
                new_columns=n.field_names if n else [],
                key=_choose_key(o, n),
            )
            cols = pair.old_columns or pair.new_columns
            self._view(f"o{index}", old, o, cols)
            self._view(f"n{index}", new, n, pair.new_columns or cols, self._known.get(name))
            self._diff_table(index, pair)
            self.pairs.append(pair)

    def _view(
        self,
        view: str,
        pkg: Package | None,
        res: Resource | None,
        cols: list[str],
        rows: int | None = None,
    ) -> None:
        """VIEW over RES's file as text, empty cells as NULL; ROWS, when known, spares reading
        the whole file now to count its rows (and to report a broken CSV early)."""
        import duckdb

        from sticoop.ddl import read_csv_call
        from sticoop.sql_text import quote_ident as ident

        if pkg is None or res is None:
            empty = ", ".join(f"CAST(NULL AS VARCHAR) AS {ident(c)}" for c in cols)
            self.con.execute(f"CREATE VIEW {view} AS SELECT {empty} WHERE false")
            self._rows[view] = 0
            return
        from sticoop.csvread import check_lines, csv_error
        from sticoop.safefiles import require_file

        path = require_file(pkg.root, res.path, str(pkg.csv_path(res.name)))
        if res.format == "csv" and rows is None:
            check_lines(path, str(path))
        columns = ", ".join(f"NULLIF({ident(c)}, '') AS {ident(c)}" for c in res.field_names)
        source = read_csv_call(pkg, res, str(pkg.csv_path(res.name)))
        try:
            self.con.execute(f"CREATE VIEW {view} AS SELECT {columns} FROM {source}")
            if rows is not None:
                self._rows[view] = rows
                return
            # reading the whole file now reports a broken CSV here, not halfway through a diff
            counted = self.con.execute(f"SELECT count(*) FROM {view}").fetchone()
            self._rows[view] = counted[0] if counted else 0
        except duckdb.Error as exc:
            found = csv_error(exc, files=[path])
            raise found or DataError(f"{path}: cannot read: {exc}") from None

    def _diff_table(self, index: int, pair: TablePair) -> None:
        o, n = f"o{index}", f"n{index}"
        pair.old_rows, pair.new_rows = self._rows[o], self._rows[n]
        if not pair.old_columns or not pair.new_columns:
            self._one_side(index, pair)
            return
        self._join(index, pair)

    def _one_side(self, index: int, pair: TablePair) -> None:
        """A table on one side only: every record is added (or removed); no join, no copy."""
        from sticoop.sql_text import quote_ident as ident

        added = bool(pair.new_columns)
        side = f"n{index}" if added else f"o{index}"
        keys = [f"{ident(k)} AS k{i}" for i, k in enumerate(pair.key)]
        olds = [
            f"{'NULL::VARCHAR' if added else ident(c)} AS oc{i}"
            for i, c in enumerate(pair.old_columns)
        ]
        news = [
            f"{ident(c) if added else 'NULL::VARCHAR'} AS nc{i}"
            for i, c in enumerate(pair.new_columns)
        ]
        change = ADDED if added else REMOVED
        self.con.execute(
            f"""CREATE VIEW d{index} AS
            SELECT '{change}' AS change, []::VARCHAR[] AS fields, {", ".join(keys + olds + news)}
            FROM {side}"""
        )
        rows = pair.new_rows if added else pair.old_rows
        pair.counts = {c: 0 for c in CHANGES} | {change: rows}
        pair.one_sided = True

    def _join(self, index: int, pair: TablePair) -> None:
        from sticoop.sql_text import quote_ident as ident
        from sticoop.sql_text import quote_literal as literal

        o, n = f"o{index}", f"n{index}"
        join = " AND ".join(f"o.{ident(k)} IS NOT DISTINCT FROM n.{ident(k)}" for k in pair.key)
        distinct = [f"o.{ident(c)} IS DISTINCT FROM n.{ident(c)}" for c in pair.compared]
        flags = ", ".join(
            f"CASE WHEN {d} THEN {literal(c)} END"
            for c, d in zip(pair.compared, distinct, strict=True)
        )
        fields = f"list_filter([{flags}], lambda x: x IS NOT NULL)" if flags else "[]"
        keys = [f"coalesce(n.{ident(k)}, o.{ident(k)}) AS k{i}" for i, k in enumerate(pair.key)]
        olds = [f"o.{ident(c)} AS oc{i}" for i, c in enumerate(pair.old_columns)]
        news = [f"n.{ident(c)} AS nc{i}" for i, c in enumerate(pair.new_columns)]
        changed = " OR ".join(distinct) or "false"
        self.con.execute(
            f"""CREATE TABLE d{index} AS
            SELECT CASE WHEN o.__o IS NULL THEN '{ADDED}' WHEN n.__n IS NULL THEN '{REMOVED}'
                        ELSE '{CHANGED}' END AS change,
                   CASE WHEN o.__o IS NULL OR n.__n IS NULL THEN []::VARCHAR[]
                        ELSE CAST({fields} AS VARCHAR[]) END AS fields,
                   {", ".join(keys + olds + news)}
            FROM (SELECT *, true AS __o FROM {o}) o
            FULL OUTER JOIN (SELECT *, true AS __n FROM {n}) n ON {join or "false"}
            WHERE o.__o IS NULL OR n.__n IS NULL OR {changed}"""
        )
        rows = self.con.execute(f"SELECT change, count(*) FROM d{index} GROUP BY 1").fetchall()
        pair.counts = {c: 0 for c in CHANGES} | dict(rows)

    def _order(self, pair: TablePair) -> str:
        keys = [f"k{i}" for i in range(len(pair.key))]
        return ", ".join(keys + ["change"])

    def _record(self, pair: TablePair, row: tuple[Any, ...]) -> RecordChange:
        change, fields = row[0], tuple(row[1] or ())
        nk, no = len(pair.key), len(pair.old_columns)
        key = dict(zip(pair.key, row[2 : 2 + nk], strict=True))
        old = dict(zip(pair.old_columns, row[2 + nk : 2 + nk + no], strict=True))
        new = dict(zip(pair.new_columns, row[2 + nk + no :], strict=True))
        return RecordChange(
            table=pair.name,
            change=change,
            key=key,
            old=None if change == ADDED else old,
            new=None if change == REMOVED else new,
            fields=fields,
        )

    def records(self, table: str, change: str, limit: int | None = None) -> list[RecordChange]:
        """Up to LIMIT records of one kind of CHANGE in TABLE, in key order."""
        index, pair = self._pair(table)
        bound = f" LIMIT {int(limit)}" if limit is not None else ""
        with self._reading():
            rows = self.con.execute(
                f"SELECT * FROM d{index} WHERE change = ? ORDER BY {self._order(pair)}{bound}",
                [change],
            ).fetchall()
        return [self._record(pair, row) for row in rows]

    def _line_sql(self, pair: TablePair) -> str:
        """SQL for one change as its delta line: ``json.dumps(rec.to_dict(), ensure_ascii=False,
        separators=(",", ":"))`` plus LF, built by DuckDB (``test_delta_lines_match_json``).

        Values are escaped only in rows that hold a character JSON escapes (one regular
        expression per row, not per value); other values just get quotes.
        """
        values = [f"k{i}" for i in range(len(pair.key))]
        values += [f"oc{i}" for i in range(len(pair.old_columns))]
        values += [f"nc{i}" for i in range(len(pair.new_columns))]
        special = f"regexp_matches(concat({', '.join(values)}), '{_JSON_SPECIAL}')"
        escaped = self._line_by_change(pair, lambda v: f"sticoop_json({v})")
        plain = self._line_by_change(
            pair, lambda v: f"""CASE WHEN {v} IS NULL THEN 'null' ELSE concat('"', {v}, '"') END"""
        )
        return f"CASE WHEN {special} THEN {escaped} ELSE {plain} END"

    def _line_by_change(self, pair: TablePair, value: Callable[[str], str]) -> str:
        kinds = [ADDED if pair.new_columns else REMOVED] if pair.one_sided else list(CHANGES)
        lines = {kind: _concat(self._line_pieces(pair, kind, value)) for kind in kinds}
        if len(lines) == 1:
            return lines[kinds[0]]
        whens = " ".join(f"WHEN '{kind}' THEN {sql}" for kind, sql in lines.items())
        return f"CASE change {whens} END"

    def _line_pieces(
        self, pair: TablePair, kind: str, value: Callable[[str], str]
    ) -> list[str | tuple[str]]:
        """The line of one kind of change as literal text and (SQL expression,) pieces."""

        def text(name: str) -> str:
            return json.dumps(name, ensure_ascii=False)

        def record(columns: list[str], prefix: str) -> list[str | tuple[str]]:
            out: list[str | tuple[str]] = ["{"]
            for i, c in enumerate(columns):
                out += [("," if i else "") + text(c) + ":", (value(f"{prefix}{i}"),)]
            return [*out, "}"]

        pieces: list[str | tuple[str]] = [f'{{"table":{text(pair.name)},"change":"{kind}","key":']
        pieces += record(pair.key, "k")
        pieces.append(',"fields":[')
        if kind == CHANGED:
            pieces.append((f"array_to_string(list_transform(fields, {_JSON_EACH}), ',')",))
        pieces.append('],"old":')
        pieces += ["null"] if kind == ADDED else record(pair.old_columns, "oc")
        pieces.append(',"new":')
        pieces += ["null"] if kind == REMOVED else record(pair.new_columns, "nc")
        return [*pieces, "}\n"]

    def delta_lines(self, table: str, restart: Callable[[], None]) -> Iterator[pa.Array]:
        """Every change of TABLE as delta lines (string arrays, LF-terminated), in key order.

        A table on one side only is streamed in file order, which is key order for a CSV in
        canonical form; each batch's keys are checked to increase strictly (no NULL or NUL in
        them). If they do not, RESTART is called (the caller drops what it wrote) and the table
        is streamed again, sorted by DuckDB.
        """
        import pyarrow.compute as pc

        index, pair = self._pair(table)
        line = self._line_sql(pair)
        keys = [f"k{i}" for i in range(len(pair.key))]
        if pair.one_sided and keys:
            unusable = " OR ".join(f"{k} IS NULL OR contains({k}, chr(0))" for k in keys)
            sort_key = "concat(" + ", ".join(f"{k}, chr(0)" for k in keys) + ")"
            sql = (
                f"SELECT {line} AS line, CASE WHEN {unusable} THEN NULL ELSE {sort_key} END "
                f"FROM d{index}"
            )
            last = None
            for batch in self.con.sql(sql).to_arrow_reader(_LINE_BATCH):
                if not len(batch):
                    continue
                order = batch.column(1)
                increasing = order.null_count == 0 and (
                    last is None or pc.less(last, order[0]).as_py()
                )
                if increasing and len(order) > 1:
                    increasing = pc.all(pc.less(order[:-1], order[1:])).as_py() is not False
                if not increasing:
                    restart()
                    break
                last = order[-1]
                yield batch.column(0)
            else:
                return
        sql = f"SELECT {line} AS line FROM d{index} ORDER BY {self._order(pair)}, line"
        for batch in self.con.sql(sql).to_arrow_reader(_LINE_BATCH):
            yield batch.column(0)

    def _pair(self, table: str) -> tuple[int, TablePair]:
        for index, pair in enumerate(self.pairs):
            if pair.name == table:
                return index, pair
        raise KeyError(table)
