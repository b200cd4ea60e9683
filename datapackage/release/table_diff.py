"""Record-level differences of two versions of a package, computed in DuckDB.

Both versions' CSVs are read as text (no sniffing) into views; each table's records are matched
on the primary key with a FULL OUTER hash join, so no table is ever held in a Python dict.
Values are compared as text (empty cells are NULL), so a diff never depends on type casts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sticoop.descriptor import Package, Resource
from sticoop.errors import DataError

if TYPE_CHECKING:
    import duckdb

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
CHANGES = (ADDED, REMOVED, CHANGED)
_BATCH = 10_000

Record = dict[str, str | None]


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

    ``old`` may be None (a first release): every record is then ``added``.
    """

    def __init__(self, old: Package | None, new: Package) -> None:
        import duckdb

        self.con: duckdb.DuckDBPyConnection = duckdb.connect()
        self.pairs: list[TablePair] = []
        try:
            self._prepare(old, new)
        except BaseException:
            self.con.close()
            raise

    def __enter__(self) -> DiffEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

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
            self._view(f"n{index}", new, n, pair.new_columns or cols)
            self._diff_table(index, pair)
            self.pairs.append(pair)

    def _view(self, view: str, pkg: Package | None, res: Resource | None, cols: list[str]) -> None:
        import duckdb

        from sticoop.ddl import ident, read_csv_call

        if pkg is None or res is None:
            empty = ", ".join(f"CAST(NULL AS VARCHAR) AS {ident(c)}" for c in cols)
            self.con.execute(f"CREATE VIEW {view} AS SELECT {empty} WHERE false")
            return
        columns = ", ".join(f"NULLIF({ident(c)}, '') AS {ident(c)}" for c in res.field_names)
        source = read_csv_call(pkg, res, str(pkg.csv_path(res.name)))
        try:
            self.con.execute(f"CREATE TABLE {view} AS SELECT {columns} FROM {source}")
        except duckdb.Error as exc:
            raise DataError(f"{pkg.csv_path(res.name)}: cannot read: {exc}") from None

    def _diff_table(self, index: int, pair: TablePair) -> None:
        from sticoop.ddl import ident, literal

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
        pair.old_rows = self.con.execute(f"SELECT count(*) FROM {o}").fetchone()[0]
        pair.new_rows = self.con.execute(f"SELECT count(*) FROM {n}").fetchone()[0]

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
        rows = self.con.execute(
            f"SELECT * FROM d{index} WHERE change = ? ORDER BY {self._order(pair)}{bound}",
            [change],
        ).fetchall()
        return [self._record(pair, row) for row in rows]

    def iter_records(self, table: str) -> Iterator[RecordChange]:
        """Every change of TABLE in key order, fetched in batches."""
        index, pair = self._pair(table)
        cursor = self.con.cursor()
        try:
            cursor.execute(f"SELECT * FROM d{index} ORDER BY {self._order(pair)}")
            while batch := cursor.fetchmany(_BATCH):
                yield from (self._record(pair, row) for row in batch)
        finally:
            cursor.close()

    def _pair(self, table: str) -> tuple[int, TablePair]:
        for index, pair in enumerate(self.pairs):
            if pair.name == table:
                return index, pair
        raise KeyError(table)
