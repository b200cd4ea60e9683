"""Where downloads are cached: STICOOP_CACHE_DIR, else the platform's user cache directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "sticoop"


def user_cache_dir() -> Path:
    """The per-user cache directory of sticoop on this platform (XDG on Linux)."""
    override = os.environ.get("STICOOP_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / APP / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / APP
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".cache") / APP


def cached_path(cache: Path, name: str, version: str, file: str) -> Path:
    """``<cache>/<name>/<version>/<file>``: one folder per release."""
    return cache / (name or "unnamed") / version / file
