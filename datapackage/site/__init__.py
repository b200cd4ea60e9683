"""``sticoop site build``: a static website of the dataset (plain files, no external asset).

``build_site(data, dest)`` reads the dataset through the DuckDB query layer, renders Jinja2
templates (autoescaped) and writes the site atomically. Same data, same bytes.
"""

from __future__ import annotations

from sticoop.site.build import SiteResult, build_site

__all__ = ["SiteResult", "build_site"]
