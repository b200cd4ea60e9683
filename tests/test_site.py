"""``sticoop site build`` without a browser: pages, determinism, hostile data, destinations."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO

from sticoop.site import build_site
from sticoop.site.model import file_name

HOSTILE_NAME = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _copy_package(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copyfile(REPO / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(REPO / "resources", dest / "resources")
    return dest


def _edit_csv(path: Path, key: str, record_id: str, changes: dict[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    fields = list(rows[0].keys())
    for row in rows:
        if row[key] == record_id:
            row.update(changes)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


EPOCH = "1700000000"  # SOURCE_DATE_EPOCH of the shared build (2023-11-14)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The bundled dataset's site, built once, at the fixed SOURCE_DATE_EPOCH."""
    dest = tmp_path_factory.mktemp("site") / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build_site(None, dest)
    return dest


def _ids(name: str, key: str) -> list[str]:
    with (REPO / "resources" / name).open(encoding="utf-8", newline="") as fh:
        return [row[key] for row in csv.DictReader(fh)]


def test_every_record_has_a_page(site):
    for folder, table, key in (
        ("events", "events.csv", "event_id"),
        ("agreements", "agreements.csv", "agreement_id"),
        ("parties", "parties.csv", "party_id"),
        ("sectors", "sectors.csv", "sector_id"),
    ):
        ids = _ids(table, key)
        assert ids, table
        missing = [i for i in ids if not (site / folder / f"{file_name(i)}.html").is_file()]
        assert missing == [], (folder, missing[:5])
    partners = [p for p in (site / "partners").glob("*.html") if p.name != "index.html"]
    assert len(partners) == 47


def _rows(table: str) -> int:
    """Rows of the bundled dataset's TABLE (the header line aside)."""
    path = Path(__file__).resolve().parents[1] / "resources" / f"{table}.csv"
    return len(path.read_text(encoding="utf-8").splitlines()) - 1


def test_home_shows_counts_charts_release_and_citation(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    counts = {name: _rows(name) for name in ("events", "agreements", "parties", "sources")}
    assert min(counts.values()) > 0, counts
    for text in [str(n) for n in counts.values()] + ["<svg", "<title id=", "<desc id="]:
        assert text in html, text
    assert "How to cite" in html and "0.2.0" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_no_external_asset(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert '<script src="http' not in html and '<link rel="stylesheet" href="http' not in html
        assert "<img " not in html or 'src="http' not in html


def test_vietnamese_names_have_lang(site):
    html = (site / "parties" / "most-vn.html").read_text(encoding="utf-8")
    assert '<p class="title-vi" lang="vi">Bộ Khoa học và Công nghệ</p>' in html


def test_same_data_same_bytes(site, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build_site(None, tmp_path / "b")  # a second build, compared with the shared one
    first, second = _tree_digest(site), _tree_digest(tmp_path / "b")
    assert first == second
    assert "built 2023-11-14" in (site / "index.html").read_text(encoding="utf-8")


def test_hostile_values_do_not_inject(tmp_path):
    pkg = _copy_package(tmp_path / "pkg")
    _edit_csv(pkg / "resources" / "parties.csv", "party_id", "most-vn", {"name_en": HOSTILE_NAME})
    source_id = _ids("sources.csv", "source_id")[0]
    _edit_csv(
        pkg / "resources" / "sources.csv",
        "source_id",
        source_id,
        {"url": "javascript:alert(1)", "archive_url": 'https://ok.example/"onmouseover=x'},
    )
    dest = tmp_path / "out"
    build_site(pkg, dest)
    party = (dest / "parties" / "most-vn.html").read_text(encoding="utf-8")
    assert HOSTILE_NAME not in party
    assert "&lt;/script&gt;&lt;script&gt;" in party
    for page in dest.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert 'href="javascript:' not in html, page
        assert "onmouseover=x" not in html.replace("&#34;onmouseover=x", ""), page
    index = (dest / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert "</script>" not in index and "\\u003c/script\\u003e" in index


def test_refuses_a_folder_that_is_not_a_site(tmp_path, cli):
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "keep.txt").write_text("precious", encoding="utf-8")
    result = cli("site", "build", "--dest", str(dest))
    assert result.exit_code == 2
    assert "holds no earlier site" in result.stderr
    assert (dest / "keep.txt").read_text(encoding="utf-8") == "precious"


def test_cli_rebuilds_over_an_earlier_site(tmp_path, cli):
    dest = tmp_path / "site"
    for _ in range(2):
        result = cli("site", "build", "--dest", str(dest))
        assert result.exit_code == 0, result.stderr
    assert "pages in" in result.stdout
    assert (dest / "search.html").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_search_index_lists_every_event_and_agreement(site):
    text = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    index = json.loads(text.removeprefix("window.STICOOP_INDEX = ").rstrip(";\n"))
    kinds = {(row[0], row[1]) for row in index}
    assert all(("event", file_name(i)) in kinds for i in _ids("events.csv", "event_id"))
    assert all(("agreement", file_name(i)) in kinds for i in _ids("agreements.csv", "agreement_id"))


def test_odd_ids_become_safe_file_names():
    assert file_name("most-vn") == "most-vn"
    for odd in ("../etc/passwd", "a/b", "..", "A B", "x" * 300):
        name = file_name(odd)
        assert name.startswith("x-") and "/" not in name and ".." not in name


def test_data_that_does_not_load_is_an_error_not_a_traceback(tmp_path, cli):
    pkg = _copy_package(tmp_path / "pkg")
    event_id = _ids("events.csv", "event_id")[0]
    _edit_csv(pkg / "resources" / "events.csv", "event_id", event_id, {"start_date": "2025-02-30"})
    result = cli("site", "build", str(pkg), "--dest", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert "2025-02-30" in result.stderr and "sticoop validate" in result.stderr
    assert not (tmp_path / "out").exists()


def test_synthetic_package_paginates_its_big_lists(tmp_path):
    import subprocess
    import sys

    pkg = tmp_path / "pkg"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), "--events", "450"]
        + ["--seed", "3", "--out", str(pkg), "--quiet"],
        check=True,
        timeout=300,
    )
    result = build_site(pkg, tmp_path / "out")
    events = tmp_path / "out" / "events"
    assert (events / "page-2.html").is_file() and (events / "page-3.html").is_file()
    assert not (events / "page-4.html").exists()
    first = (events / "index.html").read_text(encoding="utf-8")
    assert first.count('<td class="date">') == 200
    assert 'href="page-3.html"' in first
    assert result.pages == sum(1 for _ in (tmp_path / "out").rglob("*.html"))
