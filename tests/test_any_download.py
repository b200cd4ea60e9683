"""``sticoop download URL``: any data package served from 127.0.0.1 (never the internet).

The packages are real-shaped: copies of the Frictionless example data packages in
tests/remote_packages/ (MIT, see its README), served with relative and absolute resource
URLs, zipped, with declared hashes that match or not, by a server that stops mid-file, and by
one that redirects to file://.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from http_site import Route, Site, serving

PACKAGES = Path(__file__).parent / "remote_packages"
CC = "countries-and-currencies"


@pytest.fixture
def server() -> Iterator[Site]:
    with serving(Site(max_requests=100, ranges=True)) as site:
        site.serve_folder(PACKAGES / CC, CC)
        yield site


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder, with a private cache beside it."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.setenv("STICOOP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(folder)
    return folder


def _descriptor() -> dict:
    return json.loads((PACKAGES / CC / "datapackage.json").read_text(encoding="utf-8"))


def _csv(name: str) -> bytes:
    return (PACKAGES / CC / "data" / name).read_bytes()


def _leftovers(root: Path) -> list[str]:
    return [
        p.name
        for p in root.rglob("*")
        if p.name.endswith((".part", ".tmp")) or (p.is_dir() and p.name.startswith("."))
    ]


def test_folder_url_downloads_validates_and_answers_sql(server: Site, work: Path, run) -> None:
    result = run("download", f"{server.base}/{CC}/")
    assert result.exit_code == 0, result.stderr
    folder = work / CC
    assert (folder / "data" / "currencies.csv").read_bytes() == _csv("currencies.csv")
    local = json.loads((folder / "datapackage.json").read_text())
    assert [r["path"] for r in local["resources"]] == [
        "data/currencies.csv",
        "data/countries-using-usd-and-gbp.csv",
    ]
    lock = json.loads((folder / "datapackage.lock.json").read_text())
    entry = next(f for f in lock["files"] if f["path"] == "data/currencies.csv")
    assert entry["sha256"] == hashlib.sha256(_csv("currencies.csv")).hexdigest()
    assert entry["url"] == f"{server.base}/{CC}/data/currencies.csv"
    assert entry["bytes"] == len(_csv("currencies.csv")) and entry["date"]
    assert run("info", str(folder)).exit_code == 0
    valid = run("validate", "--profile", "spec", str(folder))
    assert valid.exit_code == 0, valid.stdout + valid.stderr
    sql = run("sql", "--data", str(folder), "SELECT symbol FROM currencies ORDER BY 1")
    assert sql.exit_code == 0 and "£" in sql.stdout
    verified = run("download", "--verify", str(folder))
    assert verified.exit_code == 0 and "2 file(s) match" in verified.stdout
    assert _leftovers(work) == []


def test_sql_data_url_downloads_once_and_queries(server: Site, work: Path, run) -> None:
    url = f"{server.base}/{CC}/datapackage.json"
    query = "SELECT count(*) AS n FROM currencies"
    first = run("sql", "--data", url, query)
    assert first.exit_code == 0, first.stderr
    assert re.search(r"\b2\b", first.stdout)
    hits = len(server.hits)
    again = run("sql", "--data", url, query)
    assert again.exit_code == 0 and len(server.hits) == hits  # the cached copy answers


def test_absolute_resource_urls_are_fetched_and_made_local(server: Site, work: Path, run) -> None:
    descriptor = _descriptor()
    server.routes["/elsewhere/currencies.csv"] = Route(_csv("currencies.csv"))
    descriptor["resources"][0]["path"] = f"{server.base}/elsewhere/currencies.csv"
    url = server.serve_json("/abs/datapackage.json", descriptor)
    server.routes["/abs/data/countries-using-usd-and-gbp.csv"] = Route(
        _csv("countries-using-usd-and-gbp.csv")
    )
    result = run("download", url, "--dest", "abs")
    assert result.exit_code == 0, result.stderr
    local = json.loads((work / "abs" / "datapackage.json").read_text())
    path = local["resources"][0]["path"]
    assert "://" not in path and (work / "abs" / path).read_bytes() == _csv("currencies.csv")
    assert run("validate", "--profile", "spec", "abs").exit_code == 0


def _zip(prefix: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((PACKAGES / CC).rglob("*")):
            if path.is_file():
                zf.writestr(prefix + path.relative_to(PACKAGES / CC).as_posix(), path.read_bytes())
    return buf.getvalue()


def test_zip_holding_a_package(server: Site, work: Path, run) -> None:
    server.routes["/pkg.zip"] = Route(_zip(f"{CC}/"))
    result = run("download", f"{server.base}/pkg.zip")
    assert result.exit_code == 0, result.stderr
    assert (work / CC / "data" / "currencies.csv").read_bytes() == _csv("currencies.csv")
    assert run("validate", "--profile", "spec", CC).exit_code == 0


@pytest.mark.parametrize("algorithm", ["md5", "sha1", "sha256", "sha512"])
def test_declared_hash_that_matches(server: Site, work: Path, run, algorithm: str) -> None:
    descriptor = _descriptor()
    data = _csv("currencies.csv")
    digest = hashlib.new(algorithm, data).hexdigest()
    descriptor["resources"][0]["hash"] = digest if algorithm == "md5" else f"{algorithm}:{digest}"
    descriptor["resources"][0]["bytes"] = len(data)
    server.serve_json(f"/{CC}/datapackage.json", descriptor)
    result = run("download", f"{server.base}/{CC}/datapackage.json", "--dest", "ok")
    assert result.exit_code == 0, result.stderr
    assert (work / "ok" / "data" / "currencies.csv").read_bytes() == data


@pytest.mark.parametrize("what", ["hash", "bytes"])
def test_declared_mismatch_deletes_and_exits_5(server: Site, work: Path, run, what) -> None:
    descriptor = _descriptor()
    data = _csv("currencies.csv")
    wrong = hashlib.sha256(b"something else").hexdigest()
    if what == "hash":
        descriptor["resources"][0]["hash"] = f"sha256:{wrong}"
    else:
        descriptor["resources"][0]["bytes"] = len(data) + 7
    server.serve_json(f"/{CC}/datapackage.json", descriptor)
    result = run("download", f"{server.base}/{CC}/datapackage.json", "--dest", "bad")
    assert result.exit_code == 5, result.stderr
    if what == "hash":
        assert wrong in result.stderr and hashlib.sha256(data).hexdigest() in result.stderr
    else:
        assert f"{len(data) + 7:,}" in result.stderr and f"{len(data):,}" in result.stderr
    assert "deleted" in result.stderr or "more" in result.stderr
    assert not (work / "bad").exists() and _leftovers(work.parent) == []
    objects = work.parent / "cache" / "sha256"
    assert hashlib.sha256(data).hexdigest() not in {p.name for p in objects.rglob("*")}


def test_server_that_stops_mid_file_is_resumed(server: Site, work: Path, run) -> None:
    route = server.routes[f"/{CC}/data/countries-using-usd-and-gbp.csv"]
    route.stop_after = 100
    result = run("download", f"{server.base}/{CC}/", "--dest", "resumed")
    assert result.exit_code == 0, result.stderr
    assert (work / "resumed" / "data" / "countries-using-usd-and-gbp.csv").read_bytes() == (
        route.body
    )
    assert (f"/{CC}/data/countries-using-usd-and-gbp.csv", "bytes=100-") in server.asked


def test_server_that_ignores_ranges_is_read_again(server: Site, work: Path, run) -> None:
    route = server.routes[f"/{CC}/data/currencies.csv"]
    route.stop_after, route.ranges = 20, False
    result = run("download", f"{server.base}/{CC}/", "--dest", "again")
    assert result.exit_code == 0, result.stderr
    assert (work / "again" / "data" / "currencies.csv").read_bytes() == route.body


def test_redirect_to_file_is_refused(server: Site, work: Path, run) -> None:
    server.routes[f"/{CC}/data/currencies.csv"] = Route(location="file:///etc/passwd")
    result = run("download", f"{server.base}/{CC}/", "--dest", "redirected")
    assert result.exit_code == 3
    assert "file:///etc/passwd" in result.stderr and "only http and https" in result.stderr
    assert not (work / "redirected").exists() and _leftovers(work.parent) == []


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("file:///etc/passwd", 9),
        ("ftp://127.0.0.1/x.csv", 9),
        ("../../outside.csv", 9),
        ("data/%2e%2e/%2e%2e/outside.csv", 9),
        ("/etc/passwd", 9),
    ],
)
def test_resource_urls_that_are_refused(
    server: Site, work: Path, run, path: str, code: int
) -> None:
    descriptor = _descriptor()
    descriptor["resources"][0]["path"] = path
    url = server.serve_json("/evil/datapackage.json", descriptor)
    result = run("download", url, "--dest", "evil")
    assert result.exit_code == code, result.stderr
    assert "/resources/0/path" in result.stderr
    assert not (work / "evil").exists()
    assert not any(p.startswith("/evil/") and p != "/evil/datapackage.json" for p in server.hits)


def test_the_top_url_must_be_http(work: Path, run) -> None:
    result = run("download", "file:///etc/passwd")
    assert result.exit_code == 2 and "only http and https" in result.stderr


def test_descriptor_refused_by_the_model(server: Site, work: Path, run) -> None:
    server.serve_folder(PACKAGES / "periodic-table", "periodic-table")
    result = run("download", f"{server.base}/periodic-table/datapackage.json")
    assert result.exit_code == 1
    assert "/licenses/0" in result.stderr
    assert not any(p.endswith("data.csv") for p in server.hits)  # no data fetched


def test_silent_upstream_change_is_detected(server: Site, work: Path, run) -> None:
    url = f"{server.base}/{CC}/"
    assert run("download", url).exit_code == 0
    old = hashlib.sha256(_csv("currencies.csv")).hexdigest()
    changed = _csv("currencies.csv") + b"EUR,Euro,\xe2\x82\xac\r\n"
    server.routes[f"/{CC}/data/currencies.csv"] = Route(changed)
    new = hashlib.sha256(changed).hexdigest()
    verify = run("download", "--verify", CC)
    assert verify.exit_code == 5 and old in verify.stderr and new in verify.stderr
    for _ in range(2):  # a refused change is not remembered: it is refused again
        again = run("download", url, "--dest", "second")
        assert again.exit_code == 5 and old in again.stderr and new in again.stderr
        assert not (work / "second").exists()
    accepted = run("download", url, "--dest", "second", "--update")
    assert accepted.exit_code == 0, accepted.stderr
    assert (work / "second" / "data" / "currencies.csv").read_bytes() == changed


def test_file_modified_on_disk_is_detected_offline(server: Site, work: Path, run) -> None:
    assert run("download", f"{server.base}/{CC}/").exit_code == 0
    (work / CC / "data" / "currencies.csv").write_bytes(b"tampered\n")
    result = run("download", "--verify", CC, "--offline")
    assert result.exit_code == 5 and "modified on disk" in result.stderr


def test_offline_uses_the_cache(server: Site, work: Path, run) -> None:
    url = f"{server.base}/{CC}/"
    assert run("download", url, "--dest", "online").exit_code == 0
    hits = len(server.hits)
    result = run("download", url, "--offline", "--dest", "offline")
    assert result.exit_code == 0, result.stderr
    assert len(server.hits) == hits and "(from cache)" in result.stdout
    assert (work / "offline" / "data" / "currencies.csv").read_bytes() == _csv("currencies.csv")
    missing = run("download", f"{server.base}/other/", "--offline")
    assert missing.exit_code == 4 and "not in the cache" in missing.stderr


def test_many_resources_are_fetched_in_parallel(server: Site, work: Path, run) -> None:
    descriptor = _descriptor()
    template = descriptor["resources"][0]
    descriptor["resources"] = []
    for i in range(10):
        server.routes[f"/many/t{i}.csv"] = Route(_csv("currencies.csv"))
        descriptor["resources"].append({**template, "name": f"t{i}", "path": f"t{i}.csv"})
    url = server.serve_json("/many/datapackage.json", descriptor)
    result = run("download", url, "--dest", "many")
    assert result.exit_code == 0, result.stderr
    assert "10 file(s)" in result.stdout
    assert run("validate", "--profile", "spec", "many").exit_code == 0


def test_existing_destination_is_kept_without_force(server: Site, work: Path, run) -> None:
    (work / "taken").mkdir()
    (work / "taken" / "mine.txt").write_text("keep\n")
    result = run("download", f"{server.base}/{CC}/", "--dest", "taken")
    assert result.exit_code == 2 and "not empty" in result.stderr
    assert (work / "taken" / "mine.txt").read_text() == "keep\n"


def test_cache_list_and_clear_cover_the_content_store(server: Site, work: Path, run) -> None:
    assert run("sql", "--data", f"{server.base}/{CC}/", "SELECT 1").exit_code == 0
    cache = work.parent / "cache"
    (cache / "notes.txt").write_text("mine")
    listed = run("cache", "list")
    digest = hashlib.sha256(_csv("currencies.csv")).hexdigest()
    assert f"content sha256  {digest}" in listed.stdout
    assert "3 file(s)" in listed.stdout  # the descriptor and the two tables
    cleared = run("cache", "clear")
    assert cleared.exit_code == 0 and "removed 3 file(s)" in cleared.stdout
    assert sorted(p.name for p in cache.iterdir()) == ["notes.txt"]


def _readme_example() -> list[list[str]]:
    """The commands of the README's worked example (sticoop dropped), split like a shell."""
    import shlex

    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- download-example")[1].split("<!-- end download-example")[0]
    lines = [line.strip() for line in block.splitlines() if line.strip().startswith("sticoop ")]
    return [shlex.split(line)[1:] for line in lines]


def test_the_readme_example_works(server: Site, work: Path, run) -> None:
    commands = _readme_example()
    assert len(commands) == 5
    for args in commands:
        args = [a.replace("http://127.0.0.1:8000", server.base) for a in args]
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
    assert (work / CC / "datapackage.lock.json").is_file()
    assert "US Dollar" in run(*commands[3]).stdout


def test_folder_serving_a_yaml_descriptor(server: Site, work: Path, run) -> None:
    import yaml

    del server.routes[f"/{CC}/datapackage.json"]
    server.routes[f"/{CC}/datapackage.yaml"] = Route(yaml.safe_dump(_descriptor()).encode())
    result = run("download", f"{server.base}/{CC}", "--dest", "from-yaml")
    assert result.exit_code == 0, result.stderr
    assert json.loads((work / "from-yaml" / "datapackage.json").read_text())["name"] == CC
    nothing = run("download", f"{server.base}/nothing/", "--dest", "none")
    assert nothing.exit_code == 3 and "no datapackage.json or datapackage.yaml" in nothing.stderr


def test_format_other_than_csv_is_refused_for_a_url(work: Path, run) -> None:
    result = run("download", "http://127.0.0.1:9/x/", "--format", "duckdb")
    assert result.exit_code == 2 and "--format" in result.stderr


def test_the_cache_is_shared_with_our_releases(server: Site, work: Path, run) -> None:
    archive = _zip("")
    server.routes["/rel/pkg-1.0.0-csv.zip"] = Route(archive)
    assert run("download", f"{server.base}/rel/pkg-1.0.0-csv.zip", "--dest", "any").exit_code == 0
    artefact = {
        "url": "pkg-1.0.0-csv.zip",
        "file": "pkg-1.0.0-csv.zip",
        "size": len(archive),
        "sha256": hashlib.sha256(archive).hexdigest(),
    }
    release = {"version": "1.0.0", "date": "2025-01-01", "artefacts": {"csv": artefact}}
    index = {"index_version": 1, "name": "pkg", "releases": [release]}
    url = server.serve_json("/rel/releases.json", index)
    hits = len(server.hits)
    result = run("download", "1.0.0", "--index-url", url, "--dest", "ours", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert server.hits[hits:] == ["/rel/releases.json"]  # the zip came from the store
    assert (work / "ours" / "data" / "currencies.csv").read_bytes() == _csv("currencies.csv")
