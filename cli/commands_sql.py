"""``sticoop sql`` and ``sticoop query list|show|run``: SQL over the dataset with DuckDB."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sticoop.errors import Interrupted

if TYPE_CHECKING:
    import pyarrow

    from sticoop.query_output import Rows


DataOpt = Annotated[
    str | None,
    typer.Option(
        "--data",
        "-d",
        help="datapackage.json, a directory holding one (or an unpacked release), a .duckdb "
        "file, or the http(s) URL of any data package (downloaded once into the cache) "
        "[default: the current directory if it holds one, else the bundled dataset]",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="table, csv, json, jsonl or markdown [default: table, or as --output's extension]",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the result to FILE instead of standard output (Parquet if it ends .parquet).",
        show_default=False,
    ),
]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        "-p",
        help="A named parameter NAME=VALUE, used as $NAME in the SQL (repeatable).",
        show_default=False,
    ),
]
LIMITED_FORMATS = ("table", "markdown")  # formats for reading on a terminal: --max-rows applies
MaxRowsOpt = Annotated[
    int,
    typer.Option(
        "--max-rows",
        min=0,
        help="Rows a table or markdown on the terminal shows (0: all); only these are fetched.",
    ),
]
TimeoutOpt = Annotated[
    float,
    typer.Option(
        "--timeout",
        min=0,
        help="Stop the query after this many seconds (exit 2); 0: no limit.",
    ),
]
MemoryOpt = Annotated[
    str,
    typer.Option(
        "--memory-limit",
        help="DuckDB's memory limit, e.g. 512MB or 4GB; beyond it data spills to a private "
        "temporary folder.",
    ),
]
DEFAULT_TIMEOUT = 60.0


def _terminal_width() -> int | None:
    """Columns to fit a table into: the terminal's, COLUMNS if set, else no limit (a pipe)."""
    if sys.stdout.isatty() or os.environ.get("COLUMNS"):
        return shutil.get_terminal_size().columns
    return None


def emit(table: pyarrow.Table | Rows, fmt: str | None, output: Path | None, max_rows: int) -> None:
    """Print TABLE to standard output in FMT, or write it to OUTPUT; notes go to stderr."""
    from sticoop.query_output import output_format, render, visible_columns, write_output

    kind = output_format(fmt, output)
    rows = table.num_rows
    more = bool(getattr(table, "more", False))  # Rows fetched up to the display limit
    if output is not None:
        write_output(table, output, kind)
        typer.echo(f"wrote {rows} row{'s' if rows != 1 else ''} to {output}", err=True)
        return
    shown, width, hidden = table, _terminal_width(), 0
    if kind in LIMITED_FORMATS and max_rows and rows > max_rows:
        shown = table.slice(0, max_rows)
    if kind == "table":
        keep = visible_columns(shown, width)
        hidden = shown.num_columns - keep
        shown = shown.select(list(range(keep)))
    typer.echo(render(shown, kind, width=width), nl=False)
    if hidden:
        typer.echo(
            f"({hidden} more column{'s' if hidden != 1 else ''} not shown: select fewer "
            "columns, widen the terminal, or use --format csv)",
            err=True,
        )
    if kind in LIMITED_FORMATS:
        if more:
            typer.echo(
                f"(first {shown.num_rows} rows shown, the rest not fetched; --max-rows 0 shows "
                "all, --format csv or --output FILE exports them)",
                err=True,
            )
        elif shown.num_rows < rows:
            typer.echo(
                f"({shown.num_rows} of {rows} rows shown; --max-rows 0 shows all, "
                "--format csv or --output FILE exports them)",
                err=True,
            )
        else:
            typer.echo(f"({rows} row{'s' if rows != 1 else ''})", err=True)


def sql_command(
    query: Annotated[
        str,
        typer.Argument(help="One SELECT statement, or - to read it from standard input."),
    ],
    data: DataOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    param: ParamOpt = None,
    max_rows: MaxRowsOpt = 100,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT,
    memory_limit: MemoryOpt = "1GB",
) -> None:
    """Run a SQL query against the dataset's tables and views.

    Tables: sources, parties, sectors, events, agreements and their link tables; views:
    agreement_overview, event_overview, agreement_party_details, cooperation_counts.
    Queries only read: COPY, ATTACH, SET, INSTALL, DDL and writes are refused (exit 2); a CSV
    row that does not parse is invalid data (exit 1); --timeout stops a query (exit 2);
    Ctrl-C or SIGTERM interrupts it (exit 130).

    Example: sticoop sql "SELECT event_id, start_date FROM events ORDER BY start_date"
    """
    from sticoop.named_queries import parse_param_options
    from sticoop.query import run_query, run_query_rows
    from sticoop.query_output import output_format

    text = sys.stdin.read() if query == "-" else query
    params = parse_param_options(param or [])
    kind = output_format(fmt, output)
    from sticoop.interrupts import sigterm_as_interrupt

    limit, memory = timeout or None, _memory(memory_limit)
    try:
        data = _local_data(data)
        with sigterm_as_interrupt():
            if kind == "parquet":  # text needs no pyarrow (start-up time)
                table: pyarrow.Table | Rows = run_query(
                    text, data=data, params=params, timeout=limit, memory_limit=memory
                )
            else:
                shown = max_rows if kind in LIMITED_FORMATS and output is None else None
                table = run_query_rows(
                    text,
                    data=data,
                    params=params,
                    max_rows=shown,
                    timeout=limit,
                    memory_limit=memory,
                )
    except KeyboardInterrupt:
        raise Interrupted("the query was stopped") from None
    emit(table, fmt, output, max_rows)


def _local_data(data: str | None) -> str | None:
    """DATA, or for the URL of a data package the folder it is downloaded to (cached)."""
    from sticoop.package_source import is_url

    if data is None or not is_url(data):
        return data
    from sticoop.remote_package import ensure_package

    return str(ensure_package(data, progress=True))


def _memory(value: str) -> str:
    """VALUE if it reads as a size DuckDB accepts (digits and a unit); else a usage error."""
    import re

    if not re.fullmatch(r"\d+(?:\.\d+)?\s*(?:[KMGT]i?B|B)", value.strip(), re.IGNORECASE):
        raise typer.BadParameter("expected a size such as 4GB", param_hint="--memory-limit")
    return value.strip()


def list_command() -> None:
    """List the named queries with their parameters."""
    from sticoop.named_queries import list_queries

    queries = list_queries()
    width = max(len(q.name) for q in queries)
    for q in queries:
        typer.echo(f"{q.name:<{width}}  {q.title}")
        pwidth = max((len(p.name) for p in q.params), default=0)
        for p in q.params:
            need = "required" if p.required else "optional"
            typer.echo(f"{'':<{width}}    --param {p.name:<{pwidth}}  {need}: {p.description}")


def show_command(name: Annotated[str, typer.Argument(help="Name of the query.")]) -> None:
    """Print a named query's SQL (with its documentation comment)."""
    from sticoop.named_queries import get_query

    typer.echo(get_query(name).sql, nl=False)


def run_command(
    name: Annotated[str, typer.Argument(help="Name of the query ('sticoop query list').")],
    param: ParamOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    max_rows: MaxRowsOpt = 100,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT,
) -> None:
    """Run a named query, e.g. sticoop query run who_signed_what --param sector=nuclear-energy."""
    from sticoop.named_queries import parse_param_options, run_named_query

    try:
        table = run_named_query(
            name,
            parse_param_options(param or []),
            data=_local_data(data),
            timeout=timeout or None,
        )
    except KeyboardInterrupt:
        raise Interrupted("the query was stopped") from None
    emit(table, fmt, output, max_rows)
