"""Arguments shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

PathArg = Annotated[
    Path | None,
    typer.Argument(
        help="datapackage.json or a directory holding one [default: the current directory "
        "if it holds one, else the bundled dataset]",
        show_default=False,
    ),
]
