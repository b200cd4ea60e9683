"""Versioned releases: version checks, diffs, release builds, the release index and downloads.

Submodules import their heavy libraries (duckdb, pyarrow) lazily, inside functions.
"""
