"""Threads for long builds, apart from what they build: jobs in the background, work at a lower
priority, and DuckDB connections interrupted on cancellation.

Used by ``sticoop.release.build`` (the release's artefacts side by side) and
``sticoop.database`` (a cancellable ``.duckdb`` build).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import duckdb

T = TypeVar("T")

LOWER_PRIORITY = 5  # nice increment of the threads of ``run_at_lower_priority``


class Cancelled(Exception):
    """A cancellable job was cancelled (its ``cancel`` event was set)."""


class Background:
    """Jobs run on threads of their own while the calling thread goes on.

    Leaving the block waits for them; when it is left by an exception (a refusal, a failure),
    they are cancelled first (``cancel`` is set) and their own errors are dropped. Otherwise
    the first of their errors is raised.
    """

    def __init__(self, workers: int = 2) -> None:
        self.cancel = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sticoop-job")
        self._jobs: list[Future[Any]] = []

    def start(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run FN(*ARGS, **KWARGS) on a thread of the pool."""
        self._jobs.append(self._pool.submit(fn, *args, **kwargs))

    def wait(self) -> None:
        """Wait for every job; raise the first error."""
        self._pool.shutdown(wait=True)
        errors = [exc for job in self._jobs if (exc := job.exception()) is not None]
        if errors:
            raise errors[0]

    def __enter__(self) -> Background:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if exc_type is None:
            self.wait()
            return
        self.cancel.set()
        self._pool.shutdown(wait=True)


def run_at_lower_priority(fn: Callable[..., T], *args: object) -> T:
    """Run FN(*ARGS) on a thread of lower priority (nice +5 where the platform allows), wait
    for it and return its result or raise its error.

    Work started before on threads of normal priority (the ``.duckdb`` build of a release,
    much of it on one core) keeps its pace; FN, and the threads it starts, take the CPU left.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        with suppress(AttributeError, OSError):  # not on every platform
            me = threading.get_native_id()
            nice = os.getpriority(os.PRIO_PROCESS, me)
            os.setpriority(os.PRIO_PROCESS, me, min(19, nice + LOWER_PRIORITY))
        try:
            outcome["result"] = fn(*args)
        except BaseException as exc:  # handed to the waiting thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="sticoop-lower-priority", daemon=True)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    result: T = outcome["result"]
    return result


class Interruptible:
    """A DuckDB connection and its cursors; once CANCEL is set, whatever runs on them is
    interrupted and ``check`` raises ``Cancelled``."""

    def __init__(self, con: duckdb.DuckDBPyConnection, cancel: threading.Event | None) -> None:
        self.con = con
        self.cancel = cancel
        self._lock = threading.Lock()
        self._open = [con]
        self._finished = False
        if cancel is not None:
            threading.Thread(target=self._watch, daemon=True, name="sticoop-cancel").start()

    def check(self) -> None:
        """Raise ``Cancelled`` once CANCEL is set."""
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("building the database was cancelled")

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for a worker thread, interrupted with the rest."""
        self.check()
        with self._lock:
            cur = self.con.cursor()
            self._open.append(cur)
        try:
            yield cur
        finally:
            with self._lock:
                self._open.remove(cur)
            cur.close()

    def interrupt(self) -> None:
        """Interrupt whatever runs on the connection and its cursors."""
        with self._lock:
            if not self._finished:
                for con in self._open:
                    con.interrupt()

    def finish(self) -> None:
        """Stop watching: the connection is about to be closed."""
        with self._lock:
            self._finished = True

    def _watch(self) -> None:
        assert self.cancel is not None
        while not self._finished:
            if self.cancel.wait(0.1):
                self.interrupt()
                return
