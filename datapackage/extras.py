"""Optional dependencies: import one, or raise ``MissingExtra`` naming the extra to install.

The commands need only the runtime dependencies; DataFrames are features of the Python API
(``pip install 'sticoop[polars]'``, ``[pandas]``, ``[pandera]``; see pyproject.toml).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from sticoop.errors import MissingExtra


def require(module: str, extra: str, feature: str) -> ModuleType:
    """MODULE imported, or ``MissingExtra`` saying that FEATURE needs ``sticoop[EXTRA]``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.partition(".")[0]
        raise MissingExtra(
            f"{feature} needs {top}, which is not installed",
            extra=extra,
            hint=f"pip install 'sticoop[{extra}]'",
        ) from None
