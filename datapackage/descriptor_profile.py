"""Check a descriptor against the official Data Package profiles (JSON Schema, draft-07).

The profiles in ``profiles/`` are the Data Package v2 JSON Schemas published by the
Frictionless Data project (public domain, see ``profiles/README.md``), with their prose
(titles, descriptions, examples) stripped. v2 accepts every v1 descriptor.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from sticoop.errors import DescriptorProblem

# The field types of Table Schema (v1 and v2).
KNOWN_TYPES = (
    "string",
    "number",
    "integer",
    "boolean",
    "object",
    "array",
    "list",
    "date",
    "time",
    "datetime",
    "year",
    "yearmonth",
    "duration",
    "geopoint",
    "geojson",
    "any",
)

MAX_PROBLEMS = 50


@cache
def _validator(name: str) -> Any:
    import jsonschema

    text = resources.files("sticoop").joinpath("profiles", f"{name}.json").read_text("utf-8")
    return jsonschema.Draft7Validator(json.loads(text))


def pointer(path: Any) -> str:
    """A JSON pointer (RFC 6901) for a sequence of keys and indexes."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts) if parts else ""


def profile_problems(raw: dict[str, Any], profile: str = "datapackage") -> list[DescriptorProblem]:
    """Every way RAW breaks the PROFILE schema, most specific first, at most MAX_PROBLEMS.

    The check takes ~80 ms on the bundled descriptor, which is loaded many times per process
    (validate, queries, tests): a plain JSON value is checked once per distinct JSON text.
    """
    key = _json_text(raw)
    if key is None:
        return _problems(raw, profile)
    return list(_cached_problems(key, profile))


@lru_cache(maxsize=16)
def _cached_problems(text: str, profile: str) -> tuple[DescriptorProblem, ...]:
    return tuple(_problems(json.loads(text), profile))


_PLAIN_SCALARS = (str, int, float, bool, type(None))


def _json_text(raw: Any) -> str | None:
    """RAW's JSON text when RAW is a plain JSON value (dicts with str keys, lists, str, int,
    float, bool, None: exact types), which the text then identifies; None otherwise."""
    stack, seen = [raw], set()
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind in (dict, list):
            if id(item) in seen:  # shared or cyclic: not what a JSON parser makes
                return None
            seen.add(id(item))
        if kind is dict:
            if any(type(k) is not str for k in item):
                return None
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind not in _PLAIN_SCALARS:
            return None
    try:
        return json.dumps(raw, ensure_ascii=False)
    except (ValueError, RecursionError):
        return None


def _problems(raw: Any, profile: str) -> list[DescriptorProblem]:
    problems: list[DescriptorProblem] = []
    for error in sorted(_validator(profile).iter_errors(raw), key=lambda e: list(e.path)):
        for leaf in _leaves(error):
            problems.append(DescriptorProblem(pointer(leaf.absolute_path), _message(leaf)))
            if len(problems) >= MAX_PROBLEMS:
                return problems
    return problems


def _leaves(error: Any) -> list[Any]:
    """The errors that explain ERROR: for oneOf/anyOf, those of the branch meant.

    A field's schema is a oneOf over its type; the branch meant is the one whose ``type`` (or
    other discriminating keyword) matched, i.e. whose errors lie deepest.
    """
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return [error]
    branches: dict[int, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    meant = [errs for errs in branches.values() if not _rejects_discriminator(errs)]
    if len(meant) != 1:
        return [error]
    leaves = [leaf for sub in meant[0] for leaf in _leaves(sub)]
    return leaves or [error]


def _rejects_discriminator(errors: list[Any]) -> bool:
    """True when a branch fails on the keyword that selects it (a field's type, a string
    where an object is needed)."""
    for err in errors:
        if err.validator in ("type", "const") and not err.relative_path:
            return True
        if list(err.relative_path) in (["type"], ["format"]) and err.validator in ("enum", "const"):
            return True
    return False


def _message(error: Any) -> str:
    value = json.dumps(error.instance, ensure_ascii=False, default=str)
    shown = value if len(value) <= 80 else value[:79] + "…"
    if error.validator == "oneOf" and isinstance(error.instance, dict) and "type" in error.instance:
        kind = error.instance.get("type")
        if kind not in KNOWN_TYPES:
            return f"unknown field type {json.dumps(kind)[:60]} (known: {', '.join(KNOWN_TYPES)})"
        return f"not a valid {kind} field: a property has the wrong type or value"
    if error.validator in ("oneOf", "anyOf"):
        forms = [b.get("type") for b in error.validator_value if isinstance(b, dict)]
        if all(forms):
            return (
                f"must be {' or '.join(_describe(b) for b in error.validator_value)}, got {shown}"
            )
    if error.validator == "pattern":
        where = [str(p) for p in error.absolute_path]
        if "path" in where[-2:]:
            return (
                f"unsafe path {shown}: must be a relative path inside the package (no '..', "
                "no leading '/', '.' or '~') or an http(s) URL"
            )
        return f"{shown} does not have the form the specification requires here"
    if error.validator == "required":
        return f"{error.message.split(' is a required')[0]} is required"
    if error.validator == "additionalProperties":
        return error.message.split(" (")[0]
    if error.validator == "type":
        return f"must be of type {error.validator_value}, got {shown}"
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return f"{shown} is not one of: {allowed}"
    return f"{error.validator} {json.dumps(error.validator_value, default=str)[:80]}: {shown}"


def _describe(branch: dict[str, Any]) -> str:
    """A short name for a JSON Schema branch: 'a string', 'an array of strings'."""
    kind = branch.get("type")
    items = branch.get("items")
    if kind == "array" and isinstance(items, dict) and items.get("type"):
        return f"an array of {items['type']}s"
    return f"an {kind}" if str(kind)[:1] in "aeiou" else f"a {kind}"
