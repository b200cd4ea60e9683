"""Primary keys, foreign keys and self-reference cycles, as SQL generated from the descriptor.

Every query returns the finding columns ``tbl, line, col, rid, val, msg``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sticoop.descriptor import Field, ForeignKey, Resource
from sticoop.sql_text import quote_ident as q
from sticoop.sql_text import quote_literal as lit
from sticoop.validators.sql_cells import record_id_sql

if TYPE_CHECKING:
    from duckdb import DuckDBPyConnection

MAX_DEPTH = 1000


def pk_duplicate_sql(res: Resource) -> str:
    """Rows whose primary key repeats an earlier row's (the first occurrence is not reported).

    A hash aggregate finds the repeated keys first, so the window only sorts those rows.
    """
    pk = ", ".join(q(c) for c in res.primary_key)
    not_null = " AND ".join(f"{q(c)} IS NOT NULL" for c in res.primary_key)
    rid = record_id_sql(res)
    return f"""
        WITH repeated AS (SELECT {pk} FROM {q(res.name)} WHERE {not_null}
                          GROUP BY {pk} HAVING count(*) > 1)
        SELECT {lit(res.name)} AS tbl, __line AS line, {lit(res.primary_key[-1])} AS col,
               {rid} AS rid, {rid} AS val,
               'primary key duplicates line ' || first_line AS msg
        FROM (SELECT *, min(__line) OVER (PARTITION BY {pk}) AS first_line
              FROM {q(res.name)} SEMI JOIN repeated USING ({pk}))
        WHERE __line <> first_line"""


def pk_may_repeat(con: DuckDBPyConnection, res: Resource) -> bool:
    """False when RES's primary keys are surely distinct: no two rows (all key parts given)
    share a key hash. Equal keys have equal hashes, so only a repeated hash needs the exact
    (and far slower) ``pk_duplicate_sql``."""
    pk = ", ".join(q(c) for c in res.primary_key)
    given = " AND ".join(f"{q(c)} IS NOT NULL" for c in res.primary_key)
    return any_repeated(con, f"SELECT hash({pk}) FROM {q(res.name)} WHERE {given}")


def any_repeated(con: DuckDBPyConnection, sql: str) -> bool:
    """True when the one UBIGINT column SQL returns holds a value twice (NULLs aside): numpy
    sorts the values, outside the GIL."""
    import numpy as np

    found = con.execute(f"SELECT h FROM ({sql}) AS t(h) WHERE h IS NOT NULL").fetchnumpy()
    values = np.ma.getdata(found["h"])
    values.sort()
    return bool((values[1:] == values[:-1]).any())


def fk_missing_sql(res: Resource, fk: ForeignKey) -> str:
    """Rows whose foreign key (all parts given) matches no row of the referenced table."""
    given = " AND ".join(f"{q(f)} IS NOT NULL" for f in fk.fields)
    match = " AND ".join(
        f"p.{q(r)} = c.{q(f)}" for f, r in zip(fk.fields, fk.ref_fields, strict=True)
    )
    value = " || '/' || ".join(f"c.{q(f)}" for f in fk.fields)
    target = f"{fk.resource}.{','.join(fk.ref_fields)}"
    return f"""
        SELECT {lit(res.name)} AS tbl, c.__line AS line, {lit(fk.fields[-1])} AS col,
               {record_id_sql(res, "c")} AS rid, {value} AS val,
               {lit("not found in " + target)} AS msg
        FROM (SELECT * FROM {q(res.name)} WHERE {given}) c
        ANTI JOIN {q(fk.resource)} p ON {match}"""


def self_references(res: Resource) -> list[ForeignKey]:
    """Single-column foreign keys from a table to its own primary key (hierarchies, chains)."""
    return [
        fk
        for fk in res.foreign_keys
        if fk.resource == res.name and len(fk.fields) == 1 and fk.ref_fields == res.primary_key
    ]


def cycle_sql(res: Resource, fk: ForeignKey) -> str:
    """Rows from which following FK leads back to the same row."""
    key, ref = q(res.primary_key[0]), q(fk.fields[0])
    return f"""
        WITH RECURSIVE edges AS (
            SELECT DISTINCT {key} AS id, {ref} AS next FROM {q(res.name)}
            WHERE {key} IS NOT NULL AND {ref} IS NOT NULL),
        walk(start, cur, depth) AS (
            SELECT id, next, 1 FROM edges
            UNION ALL
            SELECT w.start, e.next, w.depth + 1 FROM walk w JOIN edges e ON e.id = w.cur
            WHERE w.cur <> w.start AND w.depth < {MAX_DEPTH})
        SELECT {lit(res.name)} AS tbl, t.__line AS line, {lit(fk.fields[0])} AS col,
               t.{key} AS rid, t.{ref} AS val,
               {lit("following " + fk.fields[0] + " from here loops back to this row")} AS msg
        FROM {q(res.name)} t
        WHERE t.{key} IN (SELECT DISTINCT start FROM walk WHERE cur = start)"""


def unique_duplicate_sql(res: Resource, field: Field) -> str:
    """Rows whose value of a ``unique`` FIELD repeats an earlier row's (typed comparison:
    ``1`` and ``01`` are the same integer). The first occurrence is not reported."""
    from sticoop.validators.typed_sql import cast_sql

    col = q(field.name)
    value = f"({cast_sql(field, col)})" if cast_sql(field, col) else col
    return f"""
        SELECT {lit(res.name)} AS tbl, __line AS line, {lit(field.name)} AS col,
               {record_id_sql(res)} AS rid, {col} AS val,
               'value repeats line ' || __first || ' (the column is unique)' AS msg
        FROM (SELECT *, {value} AS __v, min(__line) OVER (PARTITION BY {value}) AS __first,
                     count(*) OVER (PARTITION BY {value}) AS __n
              FROM {q(res.name)} WHERE {col} IS NOT NULL)
        WHERE __n > 1 AND __line <> __first AND __v IS NOT NULL"""
