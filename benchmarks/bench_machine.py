"""Describe the machine and software a benchmark ran on."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path

LIBRARIES = (
    "sticoop",
    "duckdb",
    "polars",
    "pandas",
    "pandera",
    "frictionless",
    "pyarrow",
    "numpy",
    "typer",
    "matplotlib",
)


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_gib() -> float | None:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return None


def os_name() -> str:
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip('"') + f" (kernel {platform.release()})"
    return platform.platform()


def versions() -> dict[str, str]:
    out = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def describe() -> dict[str, object]:
    """CPU, cores, RAM, OS, Python, library versions and the load average now."""
    mem = memory_gib()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": round(mem, 1) if mem else None,
        "os": os_name(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "libraries": versions(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
