"""Reading a contribution file: YAML (PyYAML, imported lazily) into checked records.

Only the structure is checked here (known keys, single values, lists where lists belong);
ids, references and duplicates are the builder's job, types and rules the validator's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sticoop.contribute.text import NotScalar, cell
from sticoop.descriptor import Package
from sticoop.errors import ContributionError, EnvironmentProblem, UsageError

MAX_BYTES = 1_000_000
SECTIONS = ("event", "agreements", "parties", "sources")
# Keys of the link lists inside an event or agreement, mapped to their link-table columns.
EVENT_PARTY_KEYS = {"party": "party_id", "role": "role", "position_title": "position_title"}
AGREEMENT_PARTY_KEYS = {
    "party": "party_id",
    "role": "role",
    "on_behalf_of": "on_behalf_of_party_id",
    "position_title": "position_title",
}
SOURCE_LINK_KEYS = {"source": "source_id", "quote": "quote"}
# For each record section: its table, its id column, and the lists it may carry.
RECORDS = {
    "event": ("events", "event_id", ("parties", "sectors", "sources")),
    "agreements": ("agreements", "agreement_id", ("parties", "sectors", "sources")),
    "parties": ("parties", "party_id", ()),
    "sources": ("sources", "source_id", ()),
}


class Problems:
    """Problems found in one file, each with its YAML key path and the offending value."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.items: list[str] = []

    def add(self, path: str, message: str, value: object = None) -> None:
        shown = "" if value is None else f" (value: {_short(value)})"
        self.items.append(f"{path}: {message}{shown}")

    def raise_if_any(self) -> None:
        if self.items:
            noun = "problem" if len(self.items) == 1 else "problems"
            lines = "\n".join(f"  {item}" for item in self.items)
            raise ContributionError(
                f"{self.file}: {len(self.items)} {noun}, nothing was added:\n{lines}",
                hint="fix the file (format: docs/contributing-records.md) and run again",
            )


@dataclass
class Link:
    """One entry of a record's parties or sources list: link-table columns and their values."""

    path: str
    values: dict[str, str]


@dataclass
class Record:
    """One event, agreement, party or source of a file, as cells keyed by column name."""

    path: str
    table: str
    values: dict[str, str]
    new: bool = False
    parties: list[Link] = field(default_factory=list)
    sectors: list[tuple[str, str]] = field(default_factory=list)  # (path, sector_id)
    sources: list[Link] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.values.get(_ID[self.table], "")


_ID = {table: key for table, key, _ in RECORDS.values()}


@dataclass
class Contribution:
    """Everything one file declares."""

    file: Path
    event: Record | None
    agreements: list[Record]
    parties: list[Record]
    sources: list[Record]


def read_contribution(path: Path, pkg: Package) -> Contribution:
    """Parse and structurally check the contribution file at PATH."""
    data = _load_yaml(path)
    problems = Problems(path)
    if not isinstance(data, dict):
        problems.add("(top level)", f"expected a mapping with keys {', '.join(SECTIONS)}")
        problems.raise_if_any()
    assert isinstance(data, dict)  # raise_if_any raised otherwise
    for key in data:
        if key not in SECTIONS:
            problems.add(str(key), f"unknown section; expected one of {', '.join(SECTIONS)}")
    if not any(data.get(k) for k in ("event", "agreements", "parties", "sources")):
        problems.add("(top level)", "the file declares nothing")
    event = None
    if data.get("event") is not None:
        event = _record("event", "event", data["event"], pkg, problems)
    lists: dict[str, list[Any]] = {}
    for section in ("agreements", "parties", "sources"):
        raw = data.get(section)
        if raw is None:
            lists[section] = []
        elif not isinstance(raw, list):
            problems.add(section, "expected a list (each item starting with '- ')")
            lists[section] = []
        else:
            lists[section] = [
                r
                for i, item in enumerate(raw)
                if (r := _record(f"{section}[{i}]", section, item, pkg, problems)) is not None
            ]
    problems.raise_if_any()
    return Contribution(path, event, lists["agreements"], lists["parties"], lists["sources"])


def record_keys(pkg: Package, section: str) -> list[str]:
    """The keys a record of SECTION accepts: 'id', its table's other columns, its lists."""
    table, id_column, lists = RECORDS[section]
    columns = [c for c in pkg.resource(table).field_names if c != id_column]
    extra = ["new"] if section in ("parties", "sources", "event") else []
    return ["id", *columns, *lists, *extra]


def _record(
    path: str, section: str, raw: object, pkg: Package, problems: Problems
) -> Record | None:
    table, id_column, lists = RECORDS[section]
    if not isinstance(raw, dict):
        problems.add(path, "expected a mapping of keys to values")
        return None
    allowed = set(record_keys(pkg, section))
    record = Record(path, table, {})
    for key, value in raw.items():
        where = f"{path}.{key}"
        if key not in allowed:
            problems.add(where, "unknown key", None)
            continue
        if key in lists:
            _lists(record, key, value, where, problems)
        elif key == "new":
            if not isinstance(value, bool):
                problems.add(where, "expected true or false", value)
            record.new = value is True
        else:
            text = _cell(value, where, problems)
            if text:
                record.values[id_column if key == "id" else key] = text
    return record


def _lists(record: Record, key: str, value: object, where: str, problems: Problems) -> None:
    if not isinstance(value, list):
        problems.add(where, "expected a list", value)
        return
    if key == "sectors":
        for i, item in enumerate(value):
            text = _cell(item, f"{where}[{i}]", problems)
            if text:
                record.sectors.append((f"{where}[{i}]", text))
        return
    if key == "sources":
        keys = SOURCE_LINK_KEYS
    else:
        keys = EVENT_PARTY_KEYS if record.table == "events" else AGREEMENT_PARTY_KEYS
    target = record.sources if key == "sources" else record.parties
    for i, item in enumerate(value):
        path = f"{where}[{i}]"
        if not isinstance(item, dict):
            problems.add(path, f"expected a mapping with keys {', '.join(keys)}", item)
            continue
        cells: dict[str, str] = {}
        for k, v in item.items():
            if k not in keys:
                problems.add(f"{path}.{k}", f"unknown key; expected one of {', '.join(keys)}")
                continue
            text = _cell(v, f"{path}.{k}", problems)
            if text:
                cells[keys[k]] = text
        first = next(iter(keys))
        if keys[first] not in cells:
            problems.add(path, f"'{first}' is required")
            continue
        target.append(Link(path, cells))


def _cell(value: object, where: str, problems: Problems) -> str:
    try:
        return cell(value)
    except NotScalar as exc:
        problems.add(where, str(exc))
        return ""


def _load_yaml(path: Path) -> object:
    try:
        import yaml
    except ImportError:  # pragma: no cover - pyyaml is a runtime dependency
        raise EnvironmentProblem(
            "reading contribution files needs PyYAML", hint="pip install 'pyyaml>=6,<7'"
        ) from None
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ContributionError(f"{path}: larger than {MAX_BYTES:,} bytes; split it")
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a YAML file") from None
    except UnicodeDecodeError as exc:
        raise ContributionError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContributionError(f"{path}{where}: not valid YAML: {problem}") from None


def _short(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
