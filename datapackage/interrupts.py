"""Stopping long work cleanly: a query deadline, Ctrl-C during DuckDB calls, and SIGTERM.

Python runs signal handlers only between bytecodes of the main thread, so while DuckDB
executes a query (a C++ call) a Ctrl-C waits until the query ends. ``Watchdog`` closes that gap:
a thread woken by ``signal.set_wakeup_fd`` (written by the C-level handler at once) or by the
deadline calls ``interrupt()`` on the connection, and the main thread then raises
``KeyboardInterrupt`` (exit 130) or ``QueryTimeout`` (exit 2).
"""

from __future__ import annotations

import select
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from sticoop.errors import QueryError

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class QueryTimeout(QueryError):
    """A query ran longer than its time limit and was stopped (exit 2)."""

    code = "query-timeout"


class Watchdog:
    """Interrupt CONNECTION after TIMEOUT seconds (None: never) or on SIGINT/SIGTERM.

    Use as a context manager around the DuckDB calls; then ``check()`` turns an interruption
    into the right exception. Signals are watched only from the main thread (elsewhere the
    deadline still applies).
    """

    def __init__(self, connection: Any, timeout: float | None) -> None:
        self.connection = connection
        self.timeout = timeout
        self.reason: str | None = None  # "timeout" or "signal"
        self._done = threading.Event()
        self._pipe: tuple[socket.socket, socket.socket] | None = None
        self._old_fd: int | None = None
        self._old_handlers: dict[int, Any] = {}
        self._thread: threading.Thread | None = None

    def _on_signal(self, signum: int, frame: object) -> None:
        self.reason = self.reason or "signal"

    def __enter__(self) -> Watchdog:
        if threading.current_thread() is threading.main_thread():
            read, write = socket.socketpair()  # select() takes sockets everywhere (Windows too)
            write.setblocking(False)
            read.setblocking(False)
            try:
                self._old_fd = signal.set_wakeup_fd(write.fileno(), warn_on_full_buffer=False)
                self._pipe = (read, write)
                for sig in _STOP_SIGNALS:
                    self._old_handlers[sig] = signal.signal(sig, self._on_signal)
            except (ValueError, OSError):
                read.close()
                write.close()
                self._pipe = None
        if self._pipe is not None or self.timeout is not None:
            self._thread = threading.Thread(target=self._watch, daemon=True, name="sticoop-watch")
            self._thread.start()
        return self

    def _watch(self) -> None:
        import time

        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        while not self._done.is_set():
            wait = 0.1 if deadline is None else max(0.0, min(0.1, deadline - time.monotonic()))
            if self._pipe is not None:
                ready, _, _ = select.select([self._pipe[0]], [], [], wait)
                if ready:
                    try:
                        data = self._pipe[0].recv(64)
                    except OSError:
                        data = b""
                    if any(b in (int(s) for s in _STOP_SIGNALS) for b in data):
                        self.reason = self.reason or "signal"
                        self._interrupt()
                        return
            else:
                self._done.wait(wait)
            if deadline is not None and time.monotonic() >= deadline and not self._done.is_set():
                self.reason = self.reason or "timeout"
                self._interrupt()
                return

    def _interrupt(self) -> None:
        if not self._done.is_set():
            with suppress(Exception):
                self.connection.interrupt()

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        if self._pipe is not None:
            with suppress(OSError):
                self._pipe[1].send(b"\0")  # wake the watcher's select (not a stop signal)
        if self._thread is not None:
            self._thread.join(1.0)
        if self._pipe is not None:
            signal.set_wakeup_fd(self._old_fd if self._old_fd is not None else -1)
            for sig, handler in self._old_handlers.items():
                signal.signal(sig, handler)
            for sock in self._pipe:
                sock.close()
            self._pipe = None

    def check(self) -> None:
        """Raise what an interruption means: KeyboardInterrupt for a signal, QueryTimeout for
        the deadline; nothing if the work was not interrupted."""
        if self.reason == "signal":
            raise KeyboardInterrupt
        if self.reason == "timeout":
            raise QueryTimeout(
                f"the query ran longer than {self.timeout:g} s and was stopped",
                hint="narrow it (WHERE, LIMIT), or raise the limit with --timeout SECONDS "
                "(0: none)",
            )


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises KeyboardInterrupt (so ``finally`` clauses remove
    temporary files) instead of killing the process at once. Main thread only; a no-op
    elsewhere."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old: Callable[..., Any] | int | None = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)
