"""Read an untrusted descriptor (JSON or YAML) into plain Python values, within limits.

Limits are checked before parsing (size, nesting) and while parsing (numbers, aliases), so a
hostile descriptor costs at most a linear scan of a bounded number of bytes.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from sticoop.errors import DescriptorError, UsageError

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_NUMBER_CHARS = 40
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_YAML_TOKENS = re.compile(rb"[\[\]{}]|^[ -]*", re.MULTILINE)


def _other_kind(head: bytes) -> str | None:
    """What a file starting with HEAD is, when it is a kind of file that is never a
    descriptor (a zip, a DuckDB or SQLite database, a Parquet file); else None."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "a zip archive"
    if head[8:12] == b"DUCK":
        return "a DuckDB database"
    if head.startswith(b"PAR1"):
        return "a Parquet file"
    if head.startswith(b"SQLite format 3\x00"):
        return "an SQLite database"
    return None


# Names that promise a kind of file that is never a descriptor: such a file is a wrong
# argument (exit 2) even when its bytes are not what the name says (a damaged download).
_KIND_BY_SUFFIX = {
    ".zip": "a zip archive",
    ".duckdb": "a DuckDB database",
    ".parquet": "a Parquet file",
    ".sqlite": "an SQLite database",
    ".db": "an SQLite database",
}


def _refuse_other_kind(path: Path, head: bytes) -> None:
    """UsageError when PATH is, or is named as, a kind of file that is never a descriptor."""
    kind = _other_kind(head)
    if kind is not None:
        raise UsageError(
            f"{path}: this is {kind}, not a data package descriptor (datapackage.json or "
            ".yaml, or a folder holding one)",
            hint=_HINTS[kind].format(path=path),
        )
    named = _KIND_BY_SUFFIX.get(path.suffix.lower())
    if named is not None:
        raise UsageError(
            f"{path}: named like {named} but its bytes are not one (damaged or truncated?); "
            "either way it is not a data package descriptor",
            hint="download it again ('sticoop download' checks each release file against "
            "its SHA-256), or give a datapackage.json",
        )


_HINTS = {
    "a zip archive": "unpack it and give the folder (a release: 'sticoop download' checks and "
    "unpacks it; 'sticoop diff' reads release zips as they are)",
    "a DuckDB database": 'query a release database with: sticoop sql --data {path} "SELECT …"',
    "a Parquet file": "give the datapackage.json that lists it (a release's Parquet zip holds one)",
    "an SQLite database": "give a datapackage.json or .yaml",
}


def read_descriptor_file(path: Path, *, max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    """The descriptor at PATH as a dict; DescriptorError (exit 1) when it is not one, and
    UsageError (exit 2) naming the kind of file when it is a zip, a database or a Parquet
    file (a wrong argument, not bad data)."""
    where = str(path)
    try:
        with path.open("rb") as fh:
            _refuse_other_kind(path, fh.read(16))
        size = path.stat().st_size
        if size > max_bytes:
            raise _error(f"the descriptor is {size:,} bytes; the limit is {max_bytes:,}", where)
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise _error(f"the descriptor is larger than {max_bytes:,} bytes", where)
    return parse_descriptor_bytes(data, where, yaml=path.suffix.lower() in (".yaml", ".yml"))


def parse_descriptor_bytes(data: bytes, where: str, *, yaml: bool = False) -> dict[str, Any]:
    """Parse DATA (JSON, or YAML when YAML) after the size and nesting checks."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DescriptorError(f"not UTF-8: {exc}", code="descriptor-json", path=where) from None
    text = text.removeprefix("\ufeff")
    _check_depth(data, where, yaml)
    raw = _parse_yaml(text, where) if yaml else _parse_json(text, where)
    if not isinstance(raw, dict):
        raise DescriptorError(
            "the descriptor must be a JSON object", code="descriptor-json", path=where
        )
    return raw


def _error(message: str, where: str) -> DescriptorError:
    return DescriptorError(message, code="descriptor-limit", path=where)


def _check_depth(data: bytes, where: str, yaml: bool) -> None:
    """Refuse nesting deeper than MAX_DEPTH, counting brackets outside strings (linear)."""
    depth = 0
    for match in _TOKENS.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                raise _error(f"nesting deeper than {MAX_DEPTH} levels", where)
        elif token in (b"]", b"}"):
            depth = max(0, depth - 1)
    if yaml:  # block-style nesting: indentation width bounds the depth
        widest = max((len(m.group()) for m in _YAML_TOKENS.finditer(data)), default=0)
        if widest > 2 * MAX_DEPTH:
            raise _error(f"nesting deeper than {MAX_DEPTH} levels", where)


def _number(text: str) -> int | float:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"a number of {len(text):,} characters (limit {MAX_NUMBER_CHARS})")
    value = float(text) if any(c in text for c in ".eE") else int(text)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"number {text} is out of range")
    return value


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _parse_json(text: str, where: str) -> Any:
    try:
        return json.loads(text, parse_int=_number, parse_float=_number, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise DescriptorError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            code="descriptor-json",
            path=where,
        ) from None
    except (ValueError, RecursionError) as exc:
        raise DescriptorError(f"invalid JSON: {exc}", code="descriptor-json", path=where) from None


def _parse_yaml(text: str, where: str) -> Any:
    import yaml

    class _Loader(yaml.SafeLoader):
        """SafeLoader without aliases (no billion-laughs expansion)."""

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "YAML aliases are not allowed", event.start_mark
                )
            return super().compose_node(parent, index)

    try:
        value = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise DescriptorError(
            f"invalid YAML: {str(exc).splitlines()[0]}", code="descriptor-json", path=where
        ) from None
    except RecursionError:
        raise _error(f"nesting deeper than {MAX_DEPTH} levels", where) from None
    return _plain(value, where)


def _plain(value: Any, where: str) -> Any:
    """YAML values as JSON would give them: dates and other tags become strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v, where) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, where) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        raise DescriptorError(f"number {value} is out of range", path=where)
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and abs(value) >= 10**MAX_NUMBER_CHARS
    ):
        raise _error(f"a number of more than {MAX_NUMBER_CHARS} digits", where)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
