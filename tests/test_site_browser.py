"""The built site in a real browser: headless Chromium (Debian's package) driven by playwright.

Skipped, with the reason, when chromium or playwright is missing; ``.ci/run`` installs both.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from conftest import REPO

from sticoop.site.model import file_name

CHROMIUM = os.environ.get("STICOOP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
KNOWN_AGREEMENT = "2019-05-22-most-rosatom-nuclear-centre-implementation-mou"


def _browser_or_skip():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)")
    return sync_playwright


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from sticoop.site import build_site

    dest = tmp_path_factory.mktemp("site") / "out"
    build_site(None, dest)
    return dest


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _browser_or_skip()
    with sync_playwright() as pw:
        try:
            instance = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
        except Exception as exc:  # playwright raises its own Error types
            pytest.skip(f"chromium at {CHROMIUM} does not start: {exc}")
        yield instance
        instance.close()


def _url(path: Path) -> str:
    return path.resolve().as_uri()


def _ids(name: str, key: str) -> list[str]:
    with (REPO / "resources" / name).open(encoding="utf-8", newline="") as fh:
        return [row[key] for row in csv.DictReader(fh)]


def test_crawl_every_page_no_console_error_no_broken_link(site, browser):
    page = browser.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on(
        "console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    start = (site / "index.html").resolve()
    seen = {start}
    queue = deque([start])
    broken: list[str] = []
    while queue:
        current = queue.popleft()
        page.goto(_url(current), wait_until="load")
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            url, _ = urldefrag(href)
            parsed = urlparse(url)
            if parsed.scheme in ("http", "https"):
                continue
            assert parsed.scheme == "file", f"{current}: odd link {href}"
            target = Path(unquote(parsed.path))
            if not target.is_file():
                broken.append(f"{current.relative_to(site)} -> {href}")
            elif target.suffix == ".html" and target not in seen:
                seen.add(target)
                queue.append(target)
    page.close()
    assert errors == []
    assert broken == []
    reached = {p.relative_to(site.resolve()).as_posix() for p in seen}
    for folder, table, key in (
        ("events", "events.csv", "event_id"),
        ("agreements", "agreements.csv", "agreement_id"),
    ):
        ids = _ids(table, key)
        assert ids
        missing = [i for i in ids if f"{folder}/{file_name(i)}.html" not in reached]
        assert missing == [], missing[:5]
    all_pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert all_pages - reached == set()


def test_search_finds_a_known_record(site, browser):
    page = browser.new_page()
    page.goto(_url(site / "search.html"))
    page.fill("#search-q", "rosatom nuclear centre")
    link = page.locator(f'#search-results a[href="agreements/{KNOWN_AGREEMENT}.html"]')
    link.wait_for(timeout=5_000)
    assert "found" in page.inner_text("#search-status")
    page.select_option("#search-kind", "party")
    page.wait_for_function("document.querySelectorAll('#search-results a').length === 0")
    page.fill("#search-q", "Bộ Khoa học")  # Vietnamese, with diacritics
    page.locator('#search-results a[href="parties/most-vn.html"]').wait_for(timeout=5_000)
    page.close()


def test_home_search_box_and_table_filter(site, browser):
    page = browser.new_page()
    page.goto(_url(site / "index.html"))
    page.fill("#q", "Rosatom")
    page.click(".quick-search button")
    page.wait_for_url("**/search.html?q=Rosatom")
    page.locator(f'#search-results a[href="agreements/{KNOWN_AGREEMENT}.html"]').wait_for()
    page.goto(_url(site / "agreements" / "index.html"))
    total = page.locator("table.filterable tbody tr").count()
    page.fill("#filter", "Rosatom")
    visible = page.locator("table.filterable tbody tr:visible").count()
    assert 0 < visible < total
    page.close()


def test_screenshots_of_home_and_a_record(site, browser, tmp_path):
    shots = {}
    for name, rel, width in (
        ("home", "index.html", 1280),
        ("record", f"agreements/{KNOWN_AGREEMENT}.html", 1280),
        ("home-phone", "index.html", 390),
    ):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(_url(site / rel))
        shots[name] = tmp_path / f"{name}.png"
        page.screenshot(path=str(shots[name]), full_page=True)
        if width < 500:  # readable on a phone: nothing wider than the screen
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, scroll
        page.close()
    for path in shots.values():
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 10_000
