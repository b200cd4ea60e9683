"""The order of a package's tables along their foreign keys: referenced tables first."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sticoop.descriptor import Resource
from sticoop.errors import DataError


def referenced_first(
    resources: Sequence[Resource],
    references: Callable[[Resource], set[str]],
    *,
    break_cycles: bool = False,
) -> list[Resource]:
    """RESOURCES ordered so every table comes after the tables it REFERENCES (by name;
    self-references aside), in package order otherwise. A cycle between tables is a
    DataError, or with BREAK_CYCLES is broken at its first table in package order."""
    done: set[str] = set()
    order: list[Resource] = []
    pending = list(resources)
    while pending:
        ready = next((r for r in pending if references(r) - {r.name} <= done), None)
        if ready is None:
            if not break_cycles:
                names = ", ".join(r.name for r in pending)
                raise DataError(f"foreign keys between tables form a cycle: {names}")
            ready = pending[0]
        order.append(ready)
        done.add(ready.name)
        pending.remove(ready)
    return order
