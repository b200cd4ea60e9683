"""Load ``datapackage.json`` into small typed objects: the single source of truth.

The descriptor is untrusted. ``load_package`` reads it within limits
(``descriptor_source``), checks it against the official profiles (``descriptor_profile``),
then builds typed objects here, checking every value that later reaches SQL or a regular
expression (types, ranges, RE2 patterns). Every problem is a ``DescriptorProblem`` with a JSON
pointer; none is a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sticoop.descriptor_values import (
    ValueProblem,
    check_pattern,
    typed_value,
)
from sticoop.errors import DescriptorError, DescriptorProblem, UsageError

DESCRIPTOR_NAME = "datapackage.json"
DESCRIPTOR_NAMES = (DESCRIPTOR_NAME, "datapackage.yaml", "datapackage.yml")
PROFILES = ("spec", "house")
ORDERED_TYPES = ("integer", "number", "year", "date", "time", "datetime", "yearmonth")
LENGTH_TYPES = ("string", "array", "object", "list")
HOUSE_KEY = "sticoop"  # {"sticoop": {"profile": "house"}} opts a package into the house rules
DEFAULT_TRUE = ("true", "True", "TRUE", "1")
DEFAULT_FALSE = ("false", "False", "FALSE", "0")
MAX_NAME = 256
MAX_FIELDS = 2048


@dataclass(frozen=True)
class Field:
    """One column of a table, as the descriptor defines it (constraints already typed)."""

    name: str
    type: str
    description: str = ""
    format: str = "default"
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None  # the values as text (as JSON gave them)
    pattern: str | None = None
    minimum: Any = None  # typed: int, float, date, time, datetime, (year, month)
    maximum: Any = None
    exclusive_minimum: Any = None
    exclusive_maximum: Any = None
    min_length: int | None = None
    max_length: int | None = None
    true_values: tuple[str, ...] = DEFAULT_TRUE
    false_values: tuple[str, ...] = DEFAULT_FALSE
    bare_number: bool = True
    decimal_char: str = "."
    group_char: str = ""
    missing_values: tuple[str, ...] = ("",)


@dataclass(frozen=True)
class ForeignKey:
    """A (possibly composite, possibly self-referencing) foreign key."""

    fields: tuple[str, ...]
    resource: str
    ref_fields: tuple[str, ...]


@dataclass(frozen=True)
class Dialect:
    """The CSV dialect a resource declares (Table Dialect / CSV Dialect)."""

    delimiter: str = ","
    quote_char: str = '"'
    double_quote: bool = True
    escape_char: str | None = None
    header: bool = True
    skip_initial_space: bool = False
    comment_char: str | None = None

    @property
    def is_default(self) -> bool:
        return self == Dialect()

    @property
    def escape(self) -> str:
        """The escape character a CSV reader uses ("" for none)."""
        if self.escape_char is not None:
            return self.escape_char
        return self.quote_char if self.double_quote else ""

    def csv_options(self) -> dict[str, Any]:
        """Keyword arguments of Python's ``csv.reader`` for this dialect."""
        return {
            "delimiter": self.delimiter,
            "quotechar": self.quote_char,
            "doublequote": self.double_quote,
            "escapechar": self.escape_char,
            "skipinitialspace": self.skip_initial_space,
        }


@dataclass(frozen=True)
class Resource:
    """One table: its CSV path, dialect and schema."""

    name: str
    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    dialect: Dialect = Dialect()
    missing_values: tuple[str, ...] = ("",)
    kind: str = "table"  # table (schema given), headed (no schema: the header names the
    # columns, every cell valid), file (not tabular: only presence and integrity checked)
    bytes: int | None = None  # declared size
    hash: str | None = None  # declared hash, "sha256:…" or a bare MD5
    format: str = "csv"  # csv, or parquet (read through DuckDB's read_parquet; no dialect)

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
    profile: str = "spec"

    @property
    def root(self) -> Path:
        return self.descriptor_path.parent

    @property
    def resource_names(self) -> list[str]:
        return [r.name for r in self.resources]

    @property
    def house(self) -> bool:
        """True when the house rules (our data model's file and cell hygiene) apply."""
        return self.profile == "house"

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
    """Turn PATH (a datapackage.json/.yaml, a directory holding one, or None) into a path.

    None means: the current directory when it holds a descriptor, else the bundled dataset.
    """
    if path is None:
        found = _descriptor_in(Path.cwd())
        return found if found is not None else bundled_descriptor()
    p = Path(path)
    if p.is_dir():
        found = _descriptor_in(p)
        if found is None:
            raise UsageError(f"{path}: directory holds no {DESCRIPTOR_NAME}")
        return found
    if not p.exists():
        raise UsageError(f"{path}: no such file or directory")
    if not p.is_file():
        raise UsageError(f"{path}: not a regular file")
    return p


def _is_installed_copy(descriptor: Path) -> bool:
    """Whether DESCRIPTOR is the copy of the dataset bundled inside the installed package."""
    bundled = Path(__file__).resolve().parent / "_bundled"
    return descriptor.resolve().parent == bundled


def _descriptor_in(folder: Path) -> Path | None:
    for name in DESCRIPTOR_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def load_package(
    path: str | Path | None = None, profile: str | None = None, *, writable: bool = False
) -> Package:
    """Read and check the descriptor at PATH (see ``resolve_descriptor``).

    PROFILE (``spec`` or ``house``) overrides the profile the descriptor opts into. WRITABLE
    is for commands that write into the package (fmt, generate, add, changelog --write): no
    PATH means the current directory only, never the bundled dataset, and the installed copy
    of the dataset is refused (UsageError, exit 2).
    """
    from sticoop.descriptor_source import read_descriptor_file

    if writable and path is None:
        try:
            descriptor_path = resolve_descriptor(Path.cwd())
        except UsageError as exc:
            raise UsageError(
                exc.message,
                hint="run it in the package's folder or pass its path; commands that write "
                "never use the dataset installed with sticoop",
            ) from None
    else:
        descriptor_path = resolve_descriptor(path)
    if writable and _is_installed_copy(descriptor_path):
        raise UsageError(
            f"{descriptor_path}: the dataset installed with sticoop is not written to",
            hint="run the command in (or pass) a checkout of the dataset",
        )
    raw = read_descriptor_file(descriptor_path)
    return parse_package(raw, descriptor_path, profile=profile)


def parse_package(
    raw: dict[str, Any], descriptor_path: Path, profile: str | None = None
) -> Package:
    """Build a Package from a parsed descriptor; DescriptorError lists every problem."""
    from sticoop.descriptor_profile import profile_problems

    where = str(descriptor_path)
    problems = profile_problems(raw)
    if problems:
        raise DescriptorError.from_problems(problems, where)
    builder = _Builder()
    resources = tuple(
        builder.resource(r, f"/resources/{i}") for i, r in enumerate(raw["resources"])
    )
    builder.package_keys(resources)
    if builder.problems:
        raise DescriptorError.from_problems(builder.problems, where)
    return Package(
        descriptor_path=descriptor_path,
        name=str(raw.get("name", "")),
        version=str(raw.get("version", "")),
        title=str(raw.get("title", "")),
        resources=resources,
        raw=raw,
        profile=profile or _declared_profile(raw),
    )


def _declared_profile(raw: dict[str, Any]) -> str:
    opted = raw.get(HOUSE_KEY)
    if isinstance(opted, dict) and opted.get("profile") in PROFILES:
        return str(opted["profile"])
    return "spec"


def _as_tuple(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value or ())


class _Builder:
    """Collects problems while typing the descriptor (the profile has checked the shapes)."""

    def __init__(self) -> None:
        self.problems: list[DescriptorProblem] = []

    def problem(self, pointer: str, message: str, code: str = "descriptor-invalid") -> None:
        self.problems.append(DescriptorProblem(pointer, message, code))

    def unsupported(self, pointer: str, what: str) -> None:
        self.problem(pointer, f"{what} is not supported by sticoop yet", "descriptor-unsupported")

    def resource(self, r: dict[str, Any], at: str) -> Resource:
        name = r["name"] if isinstance(r.get("name"), str) else ""
        self._safe_name(name, f"{at}/name", "resource name")
        kind = _resource_kind(r)
        path = self._path(r, at, kind)
        schema = self._schema(r, at) if kind == "table" else {}
        fields_raw = schema.get("fields", []) if isinstance(schema, dict) else []
        if len(fields_raw) > MAX_FIELDS:
            self.problem(f"{at}/schema/fields", f"{len(fields_raw)} fields; limit {MAX_FIELDS}")
            fields_raw = []
        missing = tuple(str(v) for v in schema.get("missingValues", [""]))
        fields = tuple(
            self.field(f, f"{at}/schema/fields/{i}", missing) for i, f in enumerate(fields_raw)
        )
        self._unique_names(fields, f"{at}/schema/fields")
        pk = _as_tuple(schema.get("primaryKey"))
        fields = tuple(_replace(f, required=True) if f.name in pk else f for f in fields)
        fks = tuple(
            self._foreign_key(fk, name, f"{at}/schema/foreignKeys/{i}")
            for i, fk in enumerate(schema.get("foreignKeys", []))
        )
        names = {f.name for f in fields}
        for col in pk:
            if col not in names:
                self.problem(f"{at}/schema/primaryKey", f"names unknown column {col!r}")
        for i, fk in enumerate(fks):
            for col in fk.fields:
                if col not in names:
                    self.problem(f"{at}/schema/foreignKeys/{i}", f"names unknown column {col!r}")
        return Resource(
            name=name,
            path=path,
            title=str(r.get("title", name)),
            description=str(r.get("description", "")),
            fields=fields,
            primary_key=pk,
            foreign_keys=fks,
            dialect=self._dialect(r.get("dialect"), f"{at}/dialect"),
            missing_values=missing,
            kind=kind,
            bytes=r.get("bytes"),
            hash=self._hash(r.get("hash"), f"{at}/hash"),
            format="parquet" if kind == "table" and _is_parquet(r) else "csv",
        )

    def _safe_name(self, name: str, at: str, what: str) -> None:
        from sticoop.names import unsafe_name_reason

        reason = unsafe_name_reason(name)
        if reason:
            self.problem(at, f"unsafe {what} {name[:80]!r}: {reason}")

    def _hash(self, value: Any, at: str) -> str | None:
        from sticoop.integrity import parse_hash

        if value is None:
            return None
        try:
            parse_hash(str(value))
        except ValueError as exc:
            self.problem(at, str(exc))
            return None
        return str(value)

    def _path(self, r: dict[str, Any], at: str, kind: str) -> str:
        if "data" in r and "path" not in r:
            self.unsupported(f"{at}/data", "inline data")
            return ""
        path = r.get("path")
        if isinstance(path, list):
            self.unsupported(f"{at}/path", "a multipart path (a list of files)")
            return ""
        if not isinstance(path, str) or not path:
            self.problem(f"{at}/path", "a resource needs a 'path'")
            return ""
        if "://" in path:
            self.unsupported(
                f"{at}/path", f"a remote path ({path[:80]}; sticoop never fetches silently)"
            )
            return ""
        parts = Path(path).parts
        if Path(path).is_absolute() or ".." in parts or "\\" in path or "\x00" in path:
            self.problem(f"{at}/path", f"unsafe path {path[:80]!r}: must stay inside the package")
            return ""
        if kind == "file":
            return path  # not read: only its presence and declared size and hash are checked
        if kind == "table" and _is_parquet(r):
            return path  # binary, compressed inside: no encoding, dialect or compression apply
        if r.get("compression") not in (None, "no"):
            self.unsupported(f"{at}/compression", f"compression {r.get('compression')!r}")
        if path.endswith((".gz", ".zip", ".bz2", ".xz")):
            self.unsupported(f"{at}/path", f"a compressed file ({path[:80]})")
        encoding = str(r.get("encoding", "utf-8")).lower().replace("_", "-")
        if encoding not in ("utf-8", "utf8", "utf-8-sig"):
            self.unsupported(f"{at}/encoding", f"encoding {encoding[:40]!r} (only UTF-8)")
        if kind == "table" and not _is_csv(r):
            what = r.get("format") or Path(path).suffix.lstrip(".") or "?"
            self.unsupported(
                f"{at}/format", f"a table in format {str(what)[:40]!r} (only CSV and Parquet)"
            )
        return path

    def _schema(self, r: dict[str, Any], at: str) -> dict[str, Any]:
        schema = r.get("schema")
        if isinstance(schema, str):
            self.unsupported(f"{at}/schema", "a schema given by path")
            return {}
        if not isinstance(schema, dict):
            self.problem(f"{at}/schema", "a tabular resource needs a schema with fields")
            return {}
        return schema

    def _unique_names(self, fields: tuple[Field, ...], at: str) -> None:
        seen: set[str] = set()
        for i, f in enumerate(fields):
            if f.name in seen:
                self.problem(f"{at}/{i}/name", f"duplicate field name {f.name!r}")
            seen.add(f.name)

    def _foreign_key(self, fk: dict[str, Any], own: str, at: str) -> ForeignKey:
        ref = fk.get("reference", {})
        fields = _as_tuple(fk.get("fields"))
        ref_fields = _as_tuple(ref.get("fields"))
        if len(fields) != len(ref_fields):
            self.problem(at, "fields and reference fields differ in number")
        return ForeignKey(fields=fields, resource=ref.get("resource") or own, ref_fields=ref_fields)

    def _dialect(self, raw: Any, at: str) -> Dialect:
        if raw is None:
            return Dialect()
        if isinstance(raw, str):
            self.unsupported(at, "a dialect given by path")
            return Dialect()
        header_rows = raw.get("headerRows", [1])
        if raw.get("header", True) and list(header_rows) != [1]:
            self.unsupported(f"{at}/headerRows", "a header on rows other than the first")
        for key in ("commentRows", "headerJoin", "nullSequence", "itemType", "itemKeys"):
            if key in raw:
                self.unsupported(f"{at}/{key}", f"dialect property {key!r}")
        dialect = Dialect(
            delimiter=str(raw.get("delimiter", ",")),
            quote_char=str(raw.get("quoteChar", '"')),
            double_quote=bool(raw.get("doubleQuote", True)),
            escape_char=raw.get("escapeChar"),
            header=bool(raw.get("header", True)),
            skip_initial_space=bool(raw.get("skipInitialSpace", False)),
            comment_char=raw.get("commentChar"),
        )
        chars = (
            ("delimiter", dialect.delimiter),
            ("quoteChar", dialect.quote_char),
            ("escapeChar", dialect.escape_char),
            ("commentChar", dialect.comment_char),
        )
        for key, value in chars:
            if value is not None and (len(value) != 1 or value in "\r\n"):
                shown = repr(value)[:40]
                self.problem(f"{at}/{key}", f"must be one character (not a line break): {shown}")
        return dialect

    def field(self, f: dict[str, Any], at: str, missing: tuple[str, ...]) -> Field:
        name = f.get("name", "")
        if not name or len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
            self.problem(f"{at}/name", f"a field name must be 1-{MAX_NAME} printable characters")
        ftype = f.get("type", "string")
        fmt = str(f.get("format", "default"))
        c = f.get("constraints", {})
        built = Field(
            name=name,
            type=ftype,
            description=str(f.get("description", "")),
            format=fmt,
            required=bool(c.get("required", False)),
            unique=bool(c.get("unique", False)),
            enum=self._enum(f, c, at),
            pattern=self._pattern(c.get("pattern"), f"{at}/constraints/pattern"),
            min_length=self._length(c, "minLength", ftype, at),
            max_length=self._length(c, "maxLength", ftype, at),
            true_values=tuple(f.get("trueValues", DEFAULT_TRUE)),
            false_values=tuple(f.get("falseValues", DEFAULT_FALSE)),
            bare_number=bool(f.get("bareNumber", True)),
            decimal_char=str(f.get("decimalChar", ".")),
            group_char=str(f.get("groupChar", "")),
            missing_values=tuple(str(v) for v in f.get("missingValues", missing)),
        )
        bounds = {}
        for key, attr in (
            ("minimum", "minimum"),
            ("maximum", "maximum"),
            ("exclusiveMinimum", "exclusive_minimum"),
            ("exclusiveMaximum", "exclusive_maximum"),
        ):
            if key in c and ftype not in ORDERED_TYPES:
                self.problem(f"{at}/constraints/{key}", f"{key} does not apply to {ftype} fields")
            elif key in c:
                bounds[attr] = self._typed(built, c[key], f"{at}/constraints/{key}")
        self._format(built, f"{at}/format")
        return _replace(built, **bounds) if bounds else built

    def _length(self, c: dict[str, Any], key: str, ftype: str, at: str) -> int | None:
        value = c.get(key)
        if value is None:
            return None
        where = f"{at}/constraints/{key}"
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(where, f"must be a non-negative integer, got {str(value)[:40]!r}")
            return None
        if ftype not in LENGTH_TYPES:
            self.problem(where, f"{key} does not apply to {ftype} fields")
            return None
        return value

    def _typed(self, fld: Field, value: Any, at: str) -> Any:
        try:
            return typed_value(fld, value)
        except ValueProblem as exc:
            self.problem(at, str(exc))
            return None

    def _enum(self, f: dict[str, Any], c: dict[str, Any], at: str) -> tuple[str, ...] | None:
        if "enum" not in c:
            return None
        probe = Field(
            name=str(f.get("name", "")),
            type=f.get("type", "string"),
            format=str(f.get("format", "default")),
            true_values=tuple(f.get("trueValues", DEFAULT_TRUE)),
            false_values=tuple(f.get("falseValues", DEFAULT_FALSE)),
        )
        values = []
        for i, value in enumerate(c["enum"]):
            if isinstance(value, (dict, list)) or value is None:
                self.problem(f"{at}/constraints/enum/{i}", "an enum value must be a scalar")
                continue
            self._typed(probe, value, f"{at}/constraints/enum/{i}")
            values.append(_text(value))
        return tuple(values)

    def _pattern(self, pattern: Any, at: str) -> str | None:
        if pattern is None:
            return None
        reason = check_pattern(pattern)
        if reason:
            self.problem(at, f"pattern {str(pattern)[:80]!r} {reason}", "descriptor-pattern")
            return None
        return str(pattern)

    def _format(self, fld: Field, at: str) -> None:
        from sticoop.descriptor_values import format_problem

        reason = format_problem(fld)
        if reason:
            self.unsupported(at, reason) if "not supported" in reason else self.problem(at, reason)

    def package_keys(self, resources: tuple[Resource, ...]) -> None:
        names = [r.name for r in resources]
        for i, res in enumerate(resources):
            if names.count(res.name) > 1 and names.index(res.name) != i:
                self.problem(f"/resources/{i}/name", f"duplicate resource name {res.name!r}")
            for j, fk in enumerate(res.foreign_keys):
                at = f"/resources/{i}/schema/foreignKeys/{j}/reference"
                if fk.resource not in names:
                    self.problem(at, f"references unknown resource {fk.resource!r}")
                    continue
                target = resources[names.index(fk.resource)]
                for col in fk.ref_fields:
                    if col not in target.field_names:
                        self.problem(at, f"references unknown column {fk.resource}.{col}")


def _is_csv(r: dict[str, Any]) -> bool:
    fmt = r.get("format")
    if fmt is not None:
        return str(fmt).lower() in ("csv", "tsv")
    path = r.get("path")
    return not isinstance(path, str) or Path(path).suffix.lower() in (".csv", ".tsv", ".txt", "")


def _is_parquet(r: dict[str, Any]) -> bool:
    """A Parquet table: ``format: parquet`` (Frictionless v2), or a ``.parquet`` path."""
    fmt = r.get("format")
    if fmt is not None:
        return str(fmt).lower() == "parquet"
    path = r.get("path")
    return isinstance(path, str) and Path(path).suffix.lower() == ".parquet"


def _resource_kind(r: dict[str, Any]) -> str:
    """table (a schema is given), headed (a CSV without schema), file (anything else)."""
    if "schema" in r:
        return "table"
    return "headed" if _is_csv(r) else "file"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _replace(fld: Field, **changes: Any) -> Field:
    from dataclasses import replace

    return replace(fld, **changes)
