"""Run one command in a fresh process and measure its wall time and peak memory.

Wall time runs from just before the process is spawned until it has been reaped, so it
includes interpreter start-up and imports, as a user would see. Peak memory is ``ru_maxrss``
from ``wait4``: the largest resident set of the process and of every descendant it waited
for (Linux semantics), i.e. the peak of the biggest process in the command's tree.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

TAIL = 600  # characters of output kept when a command fails


@dataclass
class Measurement:
    """One run: seconds, peak RSS in MB, exit code, and the output's tail on failure."""

    wall_s: float
    peak_rss_mb: float
    returncode: int
    timed_out: bool = False
    output_tail: str = ""


def run_once(
    argv: list[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> Measurement:
    """Run ARGV once (stdout and stderr to a temporary file) and measure it."""
    full_env = {**os.environ, **(env or {})}
    with tempfile.TemporaryFile() as sink:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=full_env, stdout=sink, stderr=sink)
        timer = _killer(proc, timeout)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timed_out = bool(timer and not timer.is_alive() and timer.fired)
        if timer:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        tail = ""
        if proc.returncode != 0:
            sink.seek(0)
            tail = sink.read().decode("utf-8", "replace")[-TAIL:]
    return Measurement(
        wall_s=wall,
        peak_rss_mb=usage.ru_maxrss * 1024 / 1e6,  # Linux reports KiB
        returncode=proc.returncode,
        timed_out=timed_out,
        output_tail=tail,
    )


class _Timer(threading.Timer):
    fired = False

    def run(self) -> None:  # noqa: D102 - threading API
        self.finished.wait(self.interval)
        if not self.finished.is_set():
            self.fired = True
            self.function(*self.args, **self.kwargs)
        self.finished.set()


def _killer(proc: subprocess.Popen, timeout: float | None) -> _Timer | None:
    if not timeout:
        return None
    timer = _Timer(timeout, proc.kill)
    timer.daemon = True
    timer.start()
    return timer


def capture(
    argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run ARGV and capture its output as text (for commands whose output is checked)."""
    return subprocess.run(
        argv,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
