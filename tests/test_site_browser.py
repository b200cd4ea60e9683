"""The built site in a real browser: headless Chromium (Debian's package) driven by playwright.

Skipped, with the reason, when chromium or playwright is missing; ``.ci/run`` installs both.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections import deque
from html.parser import HTMLParser
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


class _Links(HTMLParser):
    """The href and src attributes of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.targets.append(value)


def _crawl(site: Path) -> tuple[list[Path], list[str]]:
    """Every page reachable from the home page, and the broken internal links met."""
    start = (site / "index.html").resolve()
    seen, queue, broken = {start}, deque([start]), []
    while queue:
        current = queue.popleft()
        parser = _Links()
        parser.feed(current.read_text(encoding="utf-8"))
        for target in parser.targets:
            url, _ = urldefrag(target)
            if urlparse(url).scheme in ("http", "https"):
                continue
            assert not urlparse(url).scheme, f"{current}: odd link {target}"
            path = (current.parent / unquote(urlparse(url).path)).resolve()
            if not url or path.is_dir():
                path = path / "index.html" if url else current
            if not path.is_file():
                broken.append(f"{current.relative_to(site.resolve())} -> {target}")
            elif path.suffix == ".html" and path not in seen:
                seen.add(path)
                queue.append(path)
    return sorted(seen), broken


def test_crawl_reaches_every_page_with_no_broken_link(site):
    pages, broken = _crawl(site)
    assert broken == []
    reached = {p.relative_to(site.resolve()).as_posix() for p in pages}
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


# What a page may hold and still be unable to log a console error by itself: no script of any
# kind (element, event-handler attribute, javascript: URL), no style sheet or style attribute
# that fetches (url(), @import), nothing embedded; every href and src it has resolves (the
# crawl checks it). Anything else, e.g. an attribute not listed here, sends the page to the
# browser.
_INERT_ATTRIBUTES = frozenset(
    ("action", "aria-current", "aria-label", "aria-labelledby", "aria-live", "autocomplete")
    + ("charset", "class", "colspan", "content", "data-filter", "data-filter-count", "fill")
    + ("for", "height", "href", "id", "lang", "method", "name", "placeholder", "rel", "role")
    + ("rowspan", "scope", "style", "text-anchor", "title", "type", "value", "viewbox")
    + ("width", "x", "x1", "x2", "xmlns", "y", "y1", "y2")
)
_ACTIVE_TAGS = frozenset(
    ("script", "style", "iframe", "frame", "frameset", "object", "embed", "img", "picture")
    + ("source", "video", "audio", "track", "base", "template", "portal", "applet")
)
# Script-free pages of each kind (folder, or top-level file) loaded in the browser anyway, so
# that every template and the shared style sheet are seen there too.
SAMPLE_PER_KIND = 3


class _Inert(HTMLParser):
    """Whether a page is script-free and fetches nothing beyond its checked href/src links."""

    def __init__(self) -> None:
        super().__init__()
        self.inert = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _ACTIVE_TAGS:
            self.inert = False
        for name, value in attrs:
            text = (value or "").lower().replace(" ", "")
            fetching_style = name == "style" and any(c in text for c in "(@\\")
            if name not in _INERT_ATTRIBUTES or "javascript:" in text or fetching_style:
                self.inert = False


def _is_inert(path: Path) -> bool:
    parser = _Inert()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.inert


def _pages_for_the_browser(site: Path, pages: list[Path]) -> list[Path]:
    """Every page with a script or anything else active, plus SAMPLE_PER_KIND inert pages of
    each kind (pages in sorted order, so the choice is deterministic)."""
    chosen, sampled = [], {}
    for path in pages:
        rel = path.relative_to(site.resolve())
        kind = rel.parts[0] if len(rel.parts) > 1 else rel.name
        if not _is_inert(path):
            chosen.append(path)
        elif sampled.get(kind, 0) < SAMPLE_PER_KIND:
            sampled[kind] = sampled.get(kind, 0) + 1
            chosen.append(path)
    return chosen


def test_no_console_error_on_any_page(site, browser):
    """No page logs a console error, raises a script error or fails to load a resource.

    Every page with a script, or with anything else that could fetch or run (see
    ``_INERT_ATTRIBUTES`` and ``_ACTIVE_TAGS``), is loaded in Chromium, with a few inert pages
    of each kind. An inert page has no script to fail, and the only resources it can load are
    its href/src links, which must all resolve (asserted here on every page, from the HTML):
    so every page is covered, and Chromium no longer spends ~40 ms on each of ~750 record
    pages that hold no script.
    """
    pages, broken = _crawl(site)
    assert len(pages) > 700
    assert broken == []
    visit = _pages_for_the_browser(site, pages)
    scripted = [p for p in pages if "<script" in p.read_text(encoding="utf-8")]
    assert scripted and set(scripted) <= set(visit)
    kinds = {p.relative_to(site.resolve()).parts[0] for p in pages}
    assert kinds <= {p.relative_to(site.resolve()).parts[0] for p in visit}
    page = browser.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.on("requestfailed", lambda req: errors.append(f"{page.url}: failed {req.url}"))
    for path in visit:
        page.goto(_url(path), wait_until="load")
    page.close()
    assert errors == []


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
