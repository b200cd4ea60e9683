"""Wall-clock seconds of each phase of a release build (``release build --timings``).

Phases run on several threads at once (the database beside the rest), so their seconds add
up to more than the build's; each is reported as it ends, with the time since the start.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Timings:
    """Phase name -> seconds, recorded from any thread; SAY receives a line per phase."""

    def __init__(self, say: Callable[[str], None] | None = None) -> None:
        self.start = time.perf_counter()
        self.phases: dict[str, float] = {}
        self._say = say
        self._lock = threading.Lock()

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time the block as phase NAME (also when it raises)."""
        began = time.perf_counter()
        try:
            yield
        finally:
            ended = time.perf_counter()
            with self._lock:
                self.phases[name] = self.phases.get(name, 0.0) + ended - began
                if self._say is not None:
                    self._say(
                        f"{name:<20} {ended - began:8.2f} s   (at {ended - self.start:8.2f} s)"
                    )

    def total(self) -> float:
        """Seconds since the timings were started."""
        return time.perf_counter() - self.start


def untimed() -> Timings:
    """Timings that report nothing (what a build records when nobody asked)."""
    return Timings(None)
