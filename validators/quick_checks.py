"""The quick pass's checks, run on two threads as soon as the tables they read are loaded.

Reading the CSVs never keeps both cores busy all the time (each file starts and ends on one
thread), so the key, cycle and rule checks of tables already read fill those gaps while the
next files load. Each check answers "found something?"; one that does stops the pass.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sticoop.sql_results import one_row
from sticoop.validators.keys import any_repeated
from sticoop.validators.sql_cells import quote_ident as q

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class Check:
    """RUN(cursor) is True when it found something; it may run once READS are all ready.
    A check that PROVIDES a name (a helper table) makes that name ready when it is done."""

    reads: frozenset[str]
    run: Callable[[duckdb.DuckDBPyConnection], bool]
    provides: str | None = None


def query_check(reads: tuple[str, ...] | frozenset[str], sql: str) -> Check:
    """A check finding something when SQL returns a row."""
    return Check(
        frozenset(reads),
        lambda cur: bool((cur.execute(f"SELECT EXISTS ({sql})").fetchone() or [0])[0]),
    )


def table_check(name: str, reads: tuple[str, ...], sql: str) -> Check:
    """A helper table NAME built from SQL (a table, not TEMP: every cursor must see it)."""

    def build(cur: duckdb.DuckDBPyConnection) -> bool:
        cur.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")
        return False

    return Check(frozenset(reads), build, provides=name)


def repeated_key_check(table: str, relation: str, columns: list[str]) -> Check:
    """Finds two rows of RELATION with the same key. COLUMNS: a hash of the key first (when
    there is one), then the key's columns as kept (texts, or one-to-one hashes): a repeated
    hash is settled on those, so a hash collision is no finding. (A NULL in the key was
    already a doubt while reading.)"""
    first = f"SELECT {q(columns[0])} FROM {q(relation)}"
    keys = ", ".join(q(c) for c in columns[1:])
    exact = f"SELECT 1 FROM {q(relation)} GROUP BY {keys} HAVING count(*) > 1"

    def run(cur: duckdb.DuckDBPyConnection) -> bool:
        if not any_repeated(cur, first):
            return False
        return len(columns) == 1 or bool(one_row(cur, f"SELECT EXISTS ({exact})")[0])

    return Check(frozenset({table}), run)


class CheckRunner:
    """Runs checks on two worker threads, each with its own cursor, as their tables get ready."""

    def __init__(self, con: duckdb.DuckDBPyConnection, checks: list[Check]) -> None:
        self._con = con
        self._pending = list(checks)
        self._ready: set[str] = set()
        self._futures: list[Future] = []
        self._lock = threading.Lock()
        self._local = threading.local()
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sticoop-check")
        self.found = threading.Event()

    def ready(self, name: str) -> None:
        """NAME (a table or helper) can be read: start every check now fully ready."""
        with self._lock:
            self._ready.add(name)
            now = [c for c in self._pending if c.reads <= self._ready]
            self._pending = [c for c in self._pending if not c.reads <= self._ready]
            self._futures += [self._pool.submit(self._run, c) for c in now]

    def _run(self, check: Check) -> None:
        if self.found.is_set():
            return
        if not hasattr(self._local, "cursor"):
            self._local.cursor = self._con.cursor()  # shares the database and its settings
        try:
            found = check.run(self._local.cursor)
        except BaseException:  # an error is a doubt too: stop the pass (finish() raises it)
            self.found.set()
            raise
        if found:
            self.found.set()
        elif check.provides:
            self.ready(check.provides)

    def finish(self) -> bool:
        """Wait for every check; True when one found something or one could never run.
        A check's error (e.g. duckdb.Error) is raised here."""
        while True:
            with self._lock:
                futures = list(self._futures)
            wait(futures)
            for future in futures:
                future.result()
            with self._lock:
                if len(self._futures) == len(futures):
                    return self.found.is_set() or bool(self._pending)

    def close(self) -> None:
        """Drop the checks not yet started and wait for the running ones."""
        self.found.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
