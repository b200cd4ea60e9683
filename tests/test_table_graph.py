"""One ordering of tables along their foreign keys, for the DDL and the quick pass."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from sticoop.errors import DataError
from sticoop.table_graph import referenced_first

REFS = {"a": {"b"}, "b": set(), "c": {"c", "a"}, "d": set()}


def tables(*names: str) -> list[Any]:
    return [SimpleNamespace(name=n) for n in names]


def test_referenced_tables_come_first_in_package_order_otherwise() -> None:
    order = referenced_first(tables("a", "b", "c", "d"), lambda r: REFS[r.name])
    assert [r.name for r in order] == ["b", "a", "c", "d"]  # c's self-reference is ignored


def test_a_cycle_is_an_error_or_broken_at_its_first_table() -> None:
    refs = {"x": {"y"}, "y": {"x"}, "z": {"x"}}
    with pytest.raises(DataError, match="form a cycle: x, y, z"):
        referenced_first(tables("x", "y", "z"), lambda r: refs[r.name])
    order = referenced_first(tables("x", "y", "z"), lambda r: refs[r.name], break_cycles=True)
    assert [r.name for r in order] == ["x", "y", "z"]
