"""``sticoop download``: fetch a published release (verify its SHA-256, unpack it), or any data
package by URL (``sticoop.remote_package``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sticoop.errors import Interrupted
from sticoop.release_layout import FORMATS


def download(
    version: Annotated[
        str,
        typer.Argument(
            help="A version X.Y.Z or 'latest' of our releases; or the http(s) URL of any data "
            "package (a datapackage.json/.yaml, a zip holding one, or its folder); with "
            "--verify, a downloaded package folder.",
            show_default=True,
        ),
    ] = "latest",
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help=f"Artefact: {', '.join(FORMATS)}, or parquet:TABLE (one table's file).",
        ),
    ] = "csv",
    dest: Annotated[
        Path | None,
        typer.Option(
            "--dest",
            help="Folder to unpack into [default: ./<name>-<version> for csv, "
            "./<name>-<version>-parquet for parquet, the current folder for duckdb, "
            "./<package name> for a URL].",
            show_default=False,
        ),
    ] = None,
    index_url: Annotated[
        str | None,
        typer.Option(
            "--index-url",
            envvar="STICOOP_INDEX_URL",
            help="URL of releases.json [default: the project's GitHub releases].",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a non-empty --dest or an existing file.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            min=0.001,
            max=7 * 24 * 3600,
            help="Seconds the whole transfer (index and file) may take; each read also gives "
            "up after 30 s without data.",
        ),
    ] = 600.0,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline",
            help="Use no network: unpack the newest cached release (or VERSION) checked "
            "against the index kept in the cache; for a URL, the files cached last time.",
        ),
    ] = False,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Check a downloaded package folder (VERSION, default: the current folder) "
            "against its datapackage.lock.json, on disk and (unless --offline) upstream.",
        ),
    ] = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="For a URL: accept files that changed upstream since the last download "
            "(no declared hash, a different SHA-256 than recorded).",
        ),
    ] = False,
) -> None:
    """Download a release (or any data package by URL), verify it and unpack it.

    Cached in the user cache directory (STICOOP_CACHE_DIR overrides it; see 'sticoop cache').
    Only http(s) is fetched; nothing downloaded is trusted (SECURITY.md). Exit status: 0 ok,
    2 usage, 3 no network, HTTP error, refused redirect or --timeout reached, 4 unknown
    version or format (or not cached with --offline), 5 checksum mismatch, 6 truncated
    download, 7 disk write failure, 8 unsafe archive, 9 invalid index, 130 interrupted
    (Ctrl-C or SIGTERM; no temporary file is left).

    Given a URL, any data package is downloaded: its descriptor is checked as 'sticoop
    validate' checks it (exit 1), every file is checked against its declared bytes and hash
    (exit 5 on a mismatch), recorded in datapackage.lock.json, and written with a descriptor
    pointing at the local files; resources elsewhere than http(s) (file:, ftp:) or outside the
    package are refused (exit 9). Example: sticoop download https://example.org/pkg/
    """
    if verify or _is_url(version):
        if fmt != "csv":
            raise typer.BadParameter(
                "a data package URL is downloaded as it is", param_hint="--format"
            )
        _remote(version, dest, force, quiet, timeout, offline, verify, update)
        return
    if fmt not in FORMATS and not fmt.startswith("parquet:"):
        raise typer.BadParameter(
            f"choose one of {', '.join(FORMATS)}, parquet:TABLE", param_hint="--format"
        )
    from sticoop.download import download_release, terminate_as_interrupt

    try:
        with terminate_as_interrupt():
            result = download_release(
                version,
                fmt,
                dest,
                url=index_url,
                progress=not quiet,
                force=force,
                timeout=timeout,
                offline=offline,
            )
    except KeyboardInterrupt:
        raise Interrupted("download stopped, temporary files removed") from None
    origin = " (from cache)" if result.from_cache else ""
    typer.echo(f"{result.name} {result.version} ({result.fmt}){origin}: {result.path}")


def _is_url(text: str) -> bool:
    from sticoop.package_source import is_url

    return is_url(text)


def _remote(
    target: str,
    dest: Path | None,
    force: bool,
    quiet: bool,
    timeout: float,
    offline: bool,
    verify: bool,
    update: bool,
) -> None:
    """``download URL`` and ``download --verify FOLDER``."""
    from sticoop.download import terminate_as_interrupt
    from sticoop.remote_package import download_package, verify_package

    try:
        with terminate_as_interrupt():
            if verify:
                folder = Path.cwd() if target == "latest" else Path(target)
                checked = verify_package(
                    folder, offline=offline, timeout=timeout, progress=not quiet
                )
                where = "on disk" if offline else "on disk and upstream"
                typer.echo(f"{folder}: {checked.checked} file(s) match the lock {where}")
                return
            result = download_package(
                target,
                dest,
                progress=not quiet,
                force=force,
                timeout=timeout,
                offline=offline,
                accept_changes=update,
            )
    except KeyboardInterrupt:
        raise Interrupted("download stopped, temporary files removed") from None
    origin = " (from cache)" if result.from_cache else ""
    size = sum(f.bytes for f in result.files)
    typer.echo(
        f"{result.name or 'package'}: {len(result.files)} file(s), {size:,} bytes{origin}: "
        f"{result.path}"
    )
