"""Validation of sticoop data packages.

- ``validate(path)`` runs every check (files, cells, keys, rules across tables) in DuckDB and
  returns a ``Report`` of ``Finding`` objects.
- ``schema(table)`` returns a pandera (polars) schema generated from the descriptor, to
  validate a DataFrame read with every column as text.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "validate": ("sticoop.validators.engine", "validate"),
    "schema": ("sticoop.validators.pandera_schemas", "schema"),
    "validate_frame": ("sticoop.validators.pandera_schemas", "validate_frame"),
    "Finding": ("sticoop.validators.findings", "Finding"),
    "Report": ("sticoop.validators.findings", "Report"),
    "RULES": ("sticoop.validators.rules", "RULES"),
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'sticoop.validators' has no attribute {name!r}")
