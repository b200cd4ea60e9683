"""The one error hierarchy of the library; the CLI turns these into messages and exit codes."""

from __future__ import annotations


class SticoopError(Exception):
    """Base class. ``exit_code`` is what the CLI returns; ``code`` is a stable identifier."""

    exit_code = 2
    code = "error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(SticoopError):
    """Bad arguments or a path that does not exist (exit 2)."""

    code = "usage"


class EnvironmentProblem(SticoopError):
    """The machine cannot do what was asked: missing dependency, unwritable disk (exit 2)."""

    code = "environment"


class DataError(SticoopError):
    """The data is invalid (exit 1)."""

    exit_code = 1
    code = "invalid-data"


class DescriptorError(DataError):
    """``datapackage.json`` cannot be read or does not describe a usable package."""

    def __init__(self, message: str, *, code: str = "descriptor-invalid", path: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.path = path


class QueryError(SticoopError):
    """A SQL query failed: syntax error, unknown table, forbidden operation (exit 2)."""

    code = "query"
