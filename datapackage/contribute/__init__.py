"""Contribution files: YAML records that ``sticoop add`` turns into rows of the package.

- ``template(kind)``: the commented YAML template ``sticoop new event|agreement`` prints;
- ``add_files(package, files, dry_run=...)``: read, check, validate and (unless dry run)
  append the rows of one or more contribution files, atomically.

The file format is described in docs/contributing-records.md.
"""

from __future__ import annotations

from sticoop.contribute.apply import AddResult, add_files
from sticoop.contribute.template import template

__all__ = ["AddResult", "add_files", "template"]
