"""The library passes mypy (settings in pyproject.toml, run by tests/typecheck.py)."""

from __future__ import annotations

from typecheck import run_mypy


def test_mypy_passes_on_the_library() -> None:
    result = run_mypy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout
