"""What ``fmt``, ``diff`` and ``sql`` refuse, with the exit code: a section of
docs/error-codes.md (``sticoop generate``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sticoop.errors import SticoopError


@dataclass(frozen=True)
class Refusal:
    commands: str
    situation: str
    message: str
    exit_code: int


EXIT_CODES = (
    (0, "success (for `diff`: whatever the changes)"),
    (1, "invalid data: a CSV that does not parse, a special file, a broken descriptor"),
    (2, "usage or environment: bad option, a refused or failing SQL statement, a query timeout"),
    (8, "unsafe archive (`diff` given a zip): a bomb, a '..' or absolute member, a link"),
    (130, "interrupted by Ctrl-C (SIGINT) or SIGTERM; no temporary file is left behind"),
)

REFUSALS = (
    Refusal(
        "fmt, diff, sql",
        "a resource is a FIFO, device, socket or directory",
        "`resources/events.csv is a FIFO (named pipe), not a file`",
        1,
    ),
    Refusal(
        "fmt, diff, sql",
        "a resource is a symbolic link (or a path) leading outside the package",
        "`… is a symbolic link pointing outside the package, not a file`",
        1,
    ),
    Refusal(
        "fmt, diff, sql",
        "a resource's file does not exist / is a broken link",
        "`…: file not found` / `… is a broken symbolic link, not a file`",
        1,
    ),
    Refusal(
        "diff, sql",
        "a row does not parse (wrong number of cells, garbage appended, a line over 2 MiB)",
        '`resources/events.csv, line 15: row does not parse: 1 cells, the header has 13: "…"`',
        1,
    ),
    Refusal(
        "diff, sql",
        "a file mixes encodings (not UTF-8)",
        "`…, line 15: row does not parse: not valid UTF-8 (re-save the file as 'CSV UTF-8')`",
        1,
    ),
    Refusal(
        "diff",
        "a zip member compressed more than 200 times, or larger than the free temp space",
        "`…: member 'x' unpacks to … bytes from … (more than 200 times): a zip bomb?`",
        8,
    ),
    Refusal(
        "fmt",
        "the descriptor repeats a column or table, names a missing key column or a path "
        "leaving the package; two tables are one file (a link)",
        "`datapackage.json: cannot format: sectors: column 'name_vi' is described twice "
        "(no file was changed)`",
        1,
    ),
    Refusal(
        "sql",
        "any statement but a read (SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, "
        "EXPLAIN of those)",
        "`CREATE statements are not allowed: queries may only read the dataset`",
        2,
    ),
    Refusal(
        "sql",
        "INSTALL / LOAD of an extension",
        "`INSTALL statements are not allowed: extensions cannot be installed or loaded …`",
        2,
    ),
    Refusal(
        "sql",
        "SET, RESET, PRAGMA (settings are locked)",
        "`SET statements are not allowed: settings are locked in the sandbox`",
        2,
    ),
    Refusal(
        "sql",
        "PIVOT without an IN list (it would create a type first)",
        "`PIVOT without an IN list is not allowed: …`",
        2,
    ),
    Refusal(
        "sql",
        "reading a file other than the dataset's (including `.tmp/`)",
        "`Permission Error: Cannot access file …`",
        2,
    ),
    Refusal(
        "sql",
        "the query runs longer than --timeout (default 60 s)",
        "`the query ran longer than 60 s and was stopped`",
        2,
    ),
    Refusal(
        "sql, fmt",
        "Ctrl-C or SIGTERM",
        "`interrupted: …`",
        130,
    ),
)


def render_refusals() -> str:
    """Markdown: the exit codes, then every refusal of fmt, diff and sql."""
    lines = [
        "## Refusals of fmt, diff and sql",
        "",
        "These commands read files a stranger may have written. They refuse, without a "
        "traceback and without writing anything, what they cannot trust:",
        "",
        "| exit code | meaning |",
        "|---|---|",
    ]
    lines += [f"| {code} | {meaning} |" for code, meaning in EXIT_CODES]
    lines += ["", "| command | situation | message | exit |", "|---|---|---|---|"]
    lines += [f"| {r.commands} | {r.situation} | {r.message} | {r.exit_code} |" for r in REFUSALS]
    lines += ["", render_exit_codes()]
    return "\n".join(lines)


# Modules defining errors of their own (subclasses of those of sticoop.errors).
ERROR_MODULES = ("sticoop.canonical", "sticoop.csvread", "sticoop.interrupts", "sticoop.safefiles")


def _error_classes() -> list[type[SticoopError]]:
    """Every subclass of ``SticoopError``, depth first (the modules that define some outside
    ``sticoop.errors`` are imported first, so that the table never depends on what happens to
    be imported)."""
    import importlib

    for module in ERROR_MODULES:
        importlib.import_module(module)

    from sticoop.errors import SticoopError

    classes: list[type[SticoopError]] = []
    todo: list[type[SticoopError]] = [SticoopError]
    while todo:
        cls = todo.pop()
        classes.append(cls)
        todo += cls.__subclasses__()
    return classes


def render_exit_codes() -> str:
    """Markdown: the exit code and printed code of every library error, from the classes."""
    lines = [
        "## Exit codes of every command",
        "",
        "Every failure of a command is one of these errors, printed on stderr as "
        "`error[code]: message` (an interruption as `interrupted: …`) by the one exit path "
        "of the command line, which exits with its code. A bad option exits 2 too. Download "
        "failures (3-6, 9) come from `sticoop download` and `sticoop cache`; archive and file "
        "failures (7-8) from any command that unpacks or writes (`download`, `diff`, "
        "`release`); every refusal of a download is described in [releases.md](releases.md).",
        "",
        "| exit code | code | meaning |",
        "|---|---|---|",
    ]
    rows = sorted({(c.exit_code, c.code, _summary(c)) for c in _error_classes()[1:]})
    lines += [f"| {exit_code} | `{code}` | {text} |" for exit_code, code, text in rows]
    return "\n".join(lines) + "\n"


def _summary(cls: type) -> str:
    return " ".join((cls.__doc__ or "").split("\n\n")[0].split())
