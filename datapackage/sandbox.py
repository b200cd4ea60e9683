"""The SQL sandbox: what ``sticoop sql``, ``run_query`` and ``connect(sandbox=True)`` allow.

- One statement, and only one that reads: SELECT (with WITH, FROM, VALUES, DESCRIBE, SHOW,
  SUMMARIZE, PIVOT with an IN list) or EXPLAIN of one. Refusals name the statement given and
  the reason (``check_read_only``).
- DuckDB may read the dataset's own files and nothing else, installs and loads no extension,
  and its configuration is locked (``apply``).
- Its temporary folder (spilled data) is a fresh private folder (mode 0700) under the system
  temporary directory, removed when the connection closes; never ``.tmp`` in the working
  directory. DuckDB may read its own temporary folder, which holds only the query's own spill.
- Memory is bounded (``MEMORY_LIMIT``), as is the spill to disk (``MAX_TEMP_SIZE``).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sticoop.errors import QueryError

if TYPE_CHECKING:
    import duckdb

MEMORY_LIMIT = "1GB"
MAX_TEMP_SIZE = "4GB"
ALLOWED_STATEMENTS = ("SELECT", "EXPLAIN")
_READ_HINT = (
    "use SELECT (or WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN); "
    "to save results pass --output FILE"
)
# (first keyword(s) of a statement, what it is refused as, why)
_REASONS = {
    "INSTALL": "extensions cannot be installed or loaded: the sandbox has no network or "
    "extension access",
    "LOAD": "extensions cannot be installed or loaded: the sandbox has no network or "
    "extension access",
    "SET": "settings are locked in the sandbox",
    "RESET": "settings are locked in the sandbox",
    "PRAGMA": "pragmas change settings or state, which the sandbox locks",
    "ATTACH": "the sandbox reads the dataset's files only, no other database",
    "DETACH": "the sandbox reads the dataset's files only, no other database",
    "COPY": "the sandbox writes no files: pass --output FILE to save a result",
    "EXPORT": "the sandbox writes no files: pass --output FILE to save a result",
    "IMPORT": "the sandbox reads the dataset's files only",
    "USE": "the sandbox has one database and schema",
    "CHECKPOINT": "queries may only read the dataset",
    "CALL": "table functions are called with SELECT * FROM name(...); CALL is not allowed",
}
_EXPLAIN = re.compile(
    r"\s*explain\s+(?:analy[sz]e\s+)?(?:\(\s*[a-z_]+(?:\s+[a-z_]+)?"
    r"(?:\s*,\s*[a-z_]+(?:\s+[a-z_]+)?)*\s*\)\s*)?(?P<inner>.*)",
    re.IGNORECASE | re.DOTALL,
)
_LEADING = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)
_WORD = re.compile(r"[A-Za-z_]+")
_PIVOT = re.compile(r"\b(?:un)?pivot(?:_wider|_longer)?\b", re.IGNORECASE)


def first_keyword(sql: str) -> str:
    """The statement's first word in capitals (comments skipped; ``FORCE INSTALL`` gives
    ``INSTALL``); empty when it does not start with a word."""
    rest = sql[_LEADING.match(sql).end() :]  # type: ignore[union-attr]
    words = _WORD.findall(rest[:64])
    if not words or not rest[:1].isalpha():
        return ""
    word = words[0].upper()
    if word == "FORCE" and len(words) > 1:
        return words[1].upper()
    return word


def statement_type(sql: str) -> tuple[str, str]:
    """(type, text) of the single statement in SQL; QueryError if there is none or several."""
    import duckdb

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(str(exc)) from None
    except ValueError:  # a statement type this Python binding does not know
        raise QueryError(
            f"{first_keyword(sql) or 'this'} statements are not allowed", hint=_READ_HINT
        ) from None
    if not statements:
        raise QueryError("no SQL statement given")
    if len(statements) > 1:
        raise QueryError(
            f"{len(statements)} statements given; run one at a time",
            hint="remove the extra ';'-separated statements",
        )
    st = statements[0]
    try:
        kind = st.type.name
    except ValueError:
        kind = "UNKNOWN"
    return kind, sql if st.query is None else st.query


def _refuse(kind: str, text: str) -> QueryError:
    word = first_keyword(text)
    if kind == "MULTI" and _PIVOT.search(text):
        return QueryError(
            "PIVOT without an IN list is not allowed: DuckDB would first create a type from "
            "the column's values, and the sandbox creates nothing",
            hint="list the values: PIVOT events ON mode IN ('in_person', 'virtual') USING count(*)",
        )
    name = word if word and word != "WITH" else kind
    reason = _REASONS.get(name) or "queries may only read the dataset"
    return QueryError(f"{name} statements are not allowed: {reason}", hint=_READ_HINT)


def check_read_only(sql: str) -> str:
    """The statement in SQL if it only reads (SELECT, or EXPLAIN of a SELECT, with options
    such as ``EXPLAIN (FORMAT json)``); else QueryError naming the statement and the reason."""
    kind, text = statement_type(sql)
    if kind == "EXPLAIN":
        match = _EXPLAIN.match(text)
        if match is None:
            raise QueryError("cannot read this EXPLAIN statement", hint=_READ_HINT)
        inner_kind, inner_text = statement_type(match.group("inner"))
        if inner_kind != "SELECT":
            refused = _refuse(inner_kind, inner_text)
            raise QueryError(
                f"only EXPLAIN of a SELECT is allowed ({refused.message})", hint=_READ_HINT
            )
        return text
    if kind not in ALLOWED_STATEMENTS:
        raise _refuse(kind, text)
    return text


def private_temp_dir() -> Path:
    """A new, empty folder only this user can enter, for DuckDB's spilled data."""
    return Path(tempfile.mkdtemp(prefix="sticoop-sql-"))


def config(temp_dir: Path, memory_limit: str | None = None) -> dict[str, Any]:
    """Settings a sandboxed connection is opened with (before any file is read)."""
    return {
        "temp_directory": str(temp_dir),
        "memory_limit": memory_limit or MEMORY_LIMIT,
        "max_temp_directory_size": MAX_TEMP_SIZE,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }


def apply(con: duckdb.DuckDBPyConnection, allowed_files: Iterable[Path]) -> None:
    """Allow reading only ALLOWED_FILES, no extensions, and lock the configuration."""
    from sticoop.sql_text import quote_literal

    paths = ", ".join(quote_literal(p) for p in allowed_files)
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET allowed_paths = [{paths}]")
    con.execute("SET allowed_directories = []")
    con.execute("SET enable_external_access = false")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET lock_configuration = true")


class SandboxedConnection:
    """A DuckDB connection that runs only what ``check_read_only`` allows.

    ``sql``, ``query``, ``execute`` and ``from_query`` check their SQL first; results are
    fetched as from a DuckDB connection (``fetchall``, ``fetchmany``, ``df``, ``pl``,
    ``arrow``, ...). DDL, writes, settings and extensions are refused. Closing it (or leaving
    a ``with`` block) removes its private temporary folder.
    """

    _FORWARD = frozenset(
        [
            "fetchall",
            "fetchone",
            "fetchmany",
            "fetchnumpy",
            "fetchdf",
            "fetch_df",
            "fetch_df_chunk",
            "df",
            "pl",
            "arrow",
            "fetch_arrow_table",
            "fetch_record_batch",
            "description",
            "rowcount",
            "interrupt",
            "table",
            "view",
            "query_progress",
        ]  # noqa: SIM905
    )

    def __init__(self, con: duckdb.DuckDBPyConnection, temp_dir: Path | None) -> None:
        self._con = con
        self._temp_dir = temp_dir
        self._finalizer = weakref.finalize(self, _cleanup, con, temp_dir)

    @property
    def raw(self) -> duckdb.DuckDBPyConnection:
        """The underlying DuckDB connection (unchecked: for sticoop's own statements)."""
        return self._con

    def sql(self, query: str, *, params: Any = None) -> Any:
        return self._con.sql(check_read_only(query), params=params)

    query = sql

    def from_query(self, query: str, *, params: Any = None) -> Any:
        return self._con.sql(check_read_only(query), params=params)

    def execute(self, query: str, parameters: Any = None) -> SandboxedConnection:
        self._con.execute(check_read_only(query), parameters)
        return self

    def cursor(self) -> SandboxedConnection:
        return SandboxedConnection(self._con.cursor(), None)

    def close(self) -> None:
        self._finalizer()

    def __enter__(self) -> SandboxedConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        if name in self._FORWARD:
            return getattr(self._con, name)
        raise AttributeError(
            f"{name!r} is not available on a sandboxed connection "
            "(use sticoop.connect() without sandbox=True for full DuckDB access)"
        )


def _cleanup(con: duckdb.DuckDBPyConnection, temp_dir: Path | None) -> None:
    try:
        con.close()
    finally:
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)
