"""CITATION.cff cites the dataset as released: its version is the descriptor's, and its date
the date of that version's section in CHANGELOG.md (the site's "How to cite" shows it)."""

from __future__ import annotations

import json
import re

from conftest import REPO


def test_citation_matches_the_released_version() -> None:
    citation = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    version = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert re.search(rf"^version: {re.escape(version)}$", citation, re.MULTILINE), version
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    heading = rf"^## \[{re.escape(version)}\] - (\d{{4}}-\d{{2}}-\d{{2}})$"
    dated = re.search(heading, changelog, re.MULTILINE)
    assert dated, f"CHANGELOG.md has no dated section for {version}"
    assert f'date-released: "{dated.group(1)}"' in citation
