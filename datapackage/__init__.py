"""sticoop: the Vietnam STI cooperation dataset and its toolkit.

Heavy libraries (duckdb, polars, pandera) are imported lazily, on first use.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "connect": ("sticoop.query", "connect"),
    "read_table": ("sticoop.query", "read_table"),
    "load_package": ("sticoop.descriptor", "load_package"),
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'sticoop' has no attribute {name!r}")
