"""The library of named queries shipped in ``sticoop/queries/*.sql``.

Each file starts with a comment block: the first line is the title, further lines describe the
query, and ``@param NAME: description (default: VALUE)`` lines declare its DuckDB named
parameters (``$NAME`` in the SQL). ``(default: NULL …)`` makes a parameter optional with value
NULL; a parameter without a default is required. Values arrive as text; the SQL casts them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sticoop.errors import QueryError, UsageError

if TYPE_CHECKING:
    import pyarrow

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
_PARAM = re.compile(
    r"@param\s+(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<text>.*?)\s*(?:\(default:\s*(?P<default>[^)]*)\))?\s*$"
)


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    required: bool
    default: str | None = None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    sql: str
    path: Path

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)


def _parse_default(text: str | None) -> tuple[bool, str | None]:
    """(required, default) from the text inside ``(default: …)``."""
    if text is None:
        return True, None
    value = text.split(" = ", 1)[0].strip()
    return False, None if value.upper() == "NULL" else value


def parse_query(path: Path) -> NamedQuery:
    """Read one ``.sql`` file and its documentation comment."""
    sql = path.read_text(encoding="utf-8")
    comments = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        comments.append(line[2:].strip())
    params, prose = [], []
    for line in comments:
        m = _PARAM.match(line)
        if m:
            required, default = _parse_default(m.group("default"))
            params.append(Param(m.group("name"), m.group("text"), required, default))
        elif line:
            prose.append(line)
    return NamedQuery(
        name=path.stem,
        title=prose[0] if prose else path.stem,
        description=" ".join(prose[1:]),
        params=tuple(params),
        sql=sql,
        path=path,
    )


def list_queries(directory: Path = QUERIES_DIR) -> list[NamedQuery]:
    """All named queries, sorted by name."""
    return [parse_query(p) for p in sorted(directory.glob("*.sql"))]


def get_query(name: str, directory: Path = QUERIES_DIR) -> NamedQuery:
    """The named query NAME, or UsageError listing the known names."""
    path = directory / f"{name}.sql"
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name) or not path.is_file():
        known = ", ".join(q.name for q in list_queries(directory))
        raise UsageError(f"no named query {name!r}", hint=f"known queries: {known}")
    return parse_query(path)


def bind_params(query: NamedQuery, given: Mapping[str, Any]) -> dict[str, Any]:
    """Declared parameters with GIVEN values, defaults filled; UsageError for unknown or missing."""
    declared = {p.name for p in query.params}
    unknown = sorted(set(given) - declared)
    if unknown:
        raise UsageError(
            f"query {query.name!r} has no parameter {', '.join(unknown)}",
            hint=f"its parameters: {', '.join(sorted(declared)) or 'none'}",
        )
    missing = [p.name for p in query.params if p.required and p.name not in given]
    if missing:
        raise UsageError(
            f"query {query.name!r} needs --param {missing[0]}=VALUE",
            hint="; ".join(f"{p.name}: {p.description}" for p in query.params),
        )
    return {p.name: given.get(p.name, p.default) for p in query.params}


def run_named_query(
    name: str,
    params: Mapping[str, Any] | None = None,
    data: str | Path | None = None,
    *,
    timeout: float | None = None,
) -> pyarrow.Table:
    """Run the named query NAME with PARAMS against DATA (see ``sticoop.query.run_query``),
    stopped after TIMEOUT seconds (None: no limit)."""
    from sticoop.query import run_query

    query = get_query(name)
    given = params or {}
    try:
        return run_query(query.sql, data=data, params=bind_params(query, given), timeout=timeout)
    except QueryError as exc:
        blamed = _blamed_param(str(exc), query, given)
        if blamed is None:
            raise
        raise UsageError(
            f"query {query.name!r}: --param {blamed.name}={given[blamed.name]!r} is not a valid "
            f"value ({str(exc).splitlines()[0]})",
            hint=f"{blamed.name}: {blamed.description}",
        ) from None


def _blamed_param(message: str, query: NamedQuery, given: Mapping[str, Any]) -> Param | None:
    """The given parameter a DuckDB conversion error is about: its value is the one that did
    not convert and its ``$name`` is in the statement shown; else None."""
    if not message.startswith("Conversion Error"):
        return None
    for p in query.params:
        value = given.get(p.name)
        if value is not None and f"${p.name}" in message and f"'{value}'" in message:
            return p
    return None


def parse_param_options(items: list[str]) -> dict[str, str]:
    """``["key=value", …]`` (the CLI's ``--param`` options) as a dict."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param {item!r}: expected NAME=VALUE")
        out[key.strip()] = value
    return out
