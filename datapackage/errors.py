"""The one error hierarchy of the library; the CLI turns these into messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass


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


class MissingExtra(EnvironmentProblem):
    """An optional dependency is not installed; ``extra`` names what to install (exit 2)."""

    code = "missing-extra"

    def __init__(self, message: str, *, extra: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.extra = extra


class DataError(SticoopError):
    """The data is invalid (exit 1)."""

    exit_code = 1
    code = "invalid-data"


@dataclass(frozen=True)
class DescriptorProblem:
    """One problem in a descriptor, located by a JSON pointer (``/resources/0/schema``)."""

    pointer: str
    message: str
    code: str = "descriptor-invalid"


class DescriptorError(DataError):
    """``datapackage.json`` cannot be read or does not describe a usable package."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "descriptor-invalid",
        path: str = "",
        pointer: str = "",
        problems: tuple[DescriptorProblem, ...] = (),
    ) -> None:
        super().__init__(f"{pointer}: {message}" if pointer else message)
        self.code = code
        self.path = path
        self.problems = problems or (DescriptorProblem(pointer, message, code),)

    @classmethod
    def from_problems(cls, problems: list[DescriptorProblem], path: str) -> DescriptorError:
        """One error carrying every problem (the first is its message)."""
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return cls(
            first.message + more,
            code=first.code,
            path=path,
            pointer=first.pointer,
            problems=tuple(problems),
        )


class Verdict(DataError):
    """A command's negative verdict, already reported on standard output: invalid data, files
    that would change, stale generated files (exit 1). A MESSAGE, if any, goes to stderr."""

    def __init__(self, message: str = "", *, code: str = "invalid-data", hint: str | None = None):
        super().__init__(message, hint=hint)
        self.code = code


class Interrupted(SticoopError):
    """Ctrl-C or SIGTERM stopped the command; the message says what was left (exit 130)."""

    exit_code = 130
    code = "interrupted"


class QueryError(SticoopError):
    """A SQL query failed: syntax error, unknown table, forbidden operation (exit 2)."""

    code = "query"


class ContributionError(DataError):
    """A contribution file cannot be added: bad YAML, unknown keys, duplicates, invalid result."""

    code = "contribution-invalid"


class ReleaseRefused(DataError):
    """A release cannot be built or checked: invalid data or too small a version bump (exit 1)."""

    code = "release-refused"


class FileProblem(SticoopError):
    """Base of the archive and file I/O errors of any command (download, diff, release, fmt):
    a file that cannot be written, an archive that is not safe to unpack (exit 7-8)."""

    exit_code = 7
    code = "file-problem"


class DiskWriteFailure(FileProblem):
    """A downloaded, unpacked or generated file cannot be written (exit 7)."""

    exit_code = 7
    code = "disk-write-failure"


class UnsafeArchive(FileProblem):
    """An archive cannot be read, is not a valid zip, or holds a member sticoop will not write:
    an absolute or escaping path, a link or device, a name clash, nesting too deep, or more
    data than announced or allowed (exit 8)."""

    exit_code = 8
    code = "unsafe-archive"


class DownloadError(SticoopError):
    """Base of the download errors; each subclass has its own exit code (3-9)."""

    exit_code = 3
    code = "download"


class NetworkFailure(DownloadError):
    """The server cannot be reached or answered with an HTTP error (exit 3)."""

    exit_code = 3
    code = "no-network"


class DownloadTimeout(NetworkFailure):
    """The transfer took longer than the overall deadline (``--timeout``) (exit 3)."""

    exit_code = 3
    code = "download-timeout"


class UnknownVersion(DownloadError):
    """The release index (or, offline, the cache) has no such version or format (exit 4)."""

    exit_code = 4
    code = "unknown-version"


class ChecksumMismatch(DownloadError):
    """A downloaded file's SHA-256 differs from the index's; the file was deleted (exit 5)."""

    exit_code = 5
    code = "checksum-mismatch"


class TruncatedDownload(DownloadError):
    """The transfer ended before all the bytes arrived (exit 6)."""

    exit_code = 6
    code = "truncated-download"


class IndexInvalid(DownloadError):
    """The release index is not the JSON document sticoop expects: wrong types, unsafe names,
    URLs other than http(s), values beyond the limits (exit 9)."""

    exit_code = 9
    code = "index-invalid"


class NotCached(UnknownVersion):
    """With ``--offline``, a data package URL (or one of its files) is not in the cache
    (exit 4)."""

    exit_code = 4
    code = "not-cached"


class DeclaredMismatch(ChecksumMismatch):
    """A data package's file differs from the ``bytes`` or ``hash`` (md5, sha1, sha256,
    sha512) its descriptor declares; the file was deleted (exit 5)."""

    exit_code = 5
    code = "declared-hash-mismatch"


class UpstreamChanged(ChecksumMismatch):
    """A data package's file no longer has the size and SHA-256 recorded in
    ``datapackage.lock.json``: it changed upstream (or on disk) since it was downloaded
    (exit 5)."""

    exit_code = 5
    code = "upstream-changed"


class ResourceRefused(DownloadError):
    """A data package's resource is not fetched: a URL other than http(s) (``file:``,
    ``ftp:``, ``data:``), a path that leaves the package, a file beyond the size limit, or
    more resources than allowed (exit 9)."""

    exit_code = 9
    code = "resource-refused"
