"""Load ``datapackage.json`` into small typed objects: the single source of truth."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sticoop.errors import DescriptorError, UsageError

DESCRIPTOR_NAME = "datapackage.json"
KNOWN_TYPES = {"string", "integer", "number", "boolean", "date"}


@dataclass(frozen=True)
class Field:
    """One column of a table, as the descriptor defines it."""

    name: str
    type: str
    description: str = ""
    format: str = "default"
    required: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    true_values: tuple[str, ...] = ("true",)
    false_values: tuple[str, ...] = ("false",)

    @property
    def is_text(self) -> bool:
        """True for free or constrained strings (the columns that hold text)."""
        return self.type == "string"


@dataclass(frozen=True)
class ForeignKey:
    """A (possibly composite, possibly self-referencing) foreign key."""

    fields: tuple[str, ...]
    resource: str
    ref_fields: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    """One table: its CSV path and schema."""

    name: str
    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no column {name!r}")


@dataclass(frozen=True)
class Package:
    """A whole data package: descriptor metadata plus its resources."""

    descriptor_path: Path
    name: str
    version: str
    title: str
    resources: tuple[Resource, ...]
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def root(self) -> Path:
        return self.descriptor_path.parent

    @property
    def resource_names(self) -> list[str]:
        return [r.name for r in self.resources]

    def resource(self, name: str) -> Resource:
        for r in self.resources:
            if r.name == name:
                return r
        raise KeyError(f"no table named {name!r}; tables: {', '.join(self.resource_names)}")

    def csv_path(self, name: str) -> Path:
        return self.root / self.resource(name).path


def bundled_descriptor() -> Path:
    """Path of the dataset shipped with the package (wheel) or of the source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_bundled" / DESCRIPTOR_NAME, here.parent / DESCRIPTOR_NAME):
        if candidate.is_file():
            return candidate
    raise UsageError("no bundled dataset found in this installation", hint="pass a PATH")


def resolve_descriptor(path: str | Path | None = None) -> Path:
    """Turn PATH (a datapackage.json, a directory holding one, or None) into a descriptor path.

    None means: the current directory when it holds a descriptor, else the bundled dataset.
    """
    if path is None:
        here = Path.cwd() / DESCRIPTOR_NAME
        return here if here.is_file() else bundled_descriptor()
    p = Path(path)
    if p.is_dir():
        p = p / DESCRIPTOR_NAME
        if not p.is_file():
            raise UsageError(f"{path}: directory holds no {DESCRIPTOR_NAME}")
    elif not p.exists():
        raise UsageError(f"{path}: no such file or directory")
    return p


def load_package(path: str | Path | None = None) -> Package:
    """Read and check the descriptor at PATH (see ``resolve_descriptor``)."""
    descriptor_path = resolve_descriptor(path)
    raw = _read_json(descriptor_path)
    return parse_package(raw, descriptor_path)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DescriptorError(f"not UTF-8: {exc}", code="descriptor-json", path=str(path)) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DescriptorError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            code="descriptor-json",
            path=str(path),
        ) from None
    if not isinstance(raw, dict):
        raise DescriptorError("the descriptor must be a JSON object", path=str(path))
    return raw


def parse_package(raw: dict[str, Any], descriptor_path: Path) -> Package:
    """Build a Package from a parsed descriptor, raising DescriptorError on structural problems."""
    where = str(descriptor_path)
    resources_raw = raw.get("resources")
    if not isinstance(resources_raw, list) or not resources_raw:
        raise DescriptorError("'resources' must be a non-empty list", path=where)
    resources = tuple(_parse_resource(r, i, where) for i, r in enumerate(resources_raw))
    names = [r.name for r in resources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise DescriptorError(f"duplicate resource names: {', '.join(dupes)}", path=where)
    for res in resources:
        for fk in res.foreign_keys:
            if fk.resource not in names:
                raise DescriptorError(
                    f"resource {res.name!r}: foreign key references unknown resource "
                    f"{fk.resource!r}",
                    path=where,
                )
    return Package(
        descriptor_path=descriptor_path,
        name=str(raw.get("name", "")),
        version=str(raw.get("version", "")),
        title=str(raw.get("title", "")),
        resources=resources,
        raw=raw,
    )


def _as_tuple(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value or ())


def _parse_resource(r: Any, index: int, where: str) -> Resource:
    if not isinstance(r, dict) or not isinstance(r.get("name"), str):
        raise DescriptorError(f"resource #{index + 1} has no name", path=where)
    name = r["name"]
    path = r.get("path")
    if not isinstance(path, str) or not path:
        raise DescriptorError(f"resource {name!r} has no 'path'", path=where)
    if Path(path).is_absolute() or ".." in Path(path).parts:
        raise DescriptorError(f"resource {name!r}: unsafe path {path!r}", path=where)
    schema = r.get("schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        raise DescriptorError(f"resource {name!r} has no schema fields", path=where)
    fields = tuple(_parse_field(f, name, where) for f in schema["fields"])
    field_names = {f.name for f in fields}
    pk = _as_tuple(schema.get("primaryKey"))
    fks = []
    for fk in schema.get("foreignKeys", []):
        ref = fk.get("reference", {})
        fks.append(
            ForeignKey(
                fields=_as_tuple(fk.get("fields")),
                resource=ref.get("resource") or name,
                ref_fields=_as_tuple(ref.get("fields")),
            )
        )
    for col in pk + tuple(c for k in fks for c in k.fields):
        if col not in field_names:
            raise DescriptorError(
                f"resource {name!r}: key names unknown column {col!r}", path=where
            )
    return Resource(
        name=name,
        path=path,
        title=str(r.get("title", name)),
        description=str(r.get("description", "")),
        fields=fields,
        primary_key=pk,
        foreign_keys=tuple(fks),
    )


def _parse_field(f: Any, resource: str, where: str) -> Field:
    if not isinstance(f, dict) or not isinstance(f.get("name"), str):
        raise DescriptorError(f"resource {resource!r}: a field has no name", path=where)
    ftype = f.get("type", "string")
    if ftype not in KNOWN_TYPES:
        raise DescriptorError(
            f"resource {resource!r}, field {f['name']!r}: unsupported type {ftype!r}", path=where
        )
    c = f.get("constraints", {})
    enum = c.get("enum")
    return Field(
        name=f["name"],
        type=ftype,
        description=str(f.get("description", "")),
        format=str(f.get("format", "default")),
        required=bool(c.get("required", False)),
        enum=tuple(str(v) for v in enum) if enum is not None else None,
        pattern=c.get("pattern"),
        minimum=c.get("minimum"),
        maximum=c.get("maximum"),
        max_length=c.get("maxLength"),
        true_values=tuple(f.get("trueValues", ("true",))),
        false_values=tuple(f.get("falseValues", ("false",))),
    )
