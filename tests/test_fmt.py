"""``sticoop fmt`` end to end, and GitHub annotations for a broken contribution."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CASES, build_case
from contrib_fixtures import small_package

from sticoop.canonical import format_files
from sticoop.cli.app import main
from sticoop.descriptor import load_package
from sticoop.errors import DescriptorError
from sticoop.validators import validate

# Findings fmt must remove, and findings that make it refuse a file (leaving it untouched).
REPAIRED = {"bom", "line-ending", "not-nfc", "blank-line", "header-order", "whitespace"}
REFUSED = {"binary-file", "encoding-invalid", "file-empty", "file-missing", "row-width",
           "header-missing-column", "header-unknown-column", "header-duplicate-column",
           "delimiter", "csv-syntax"}  # fmt: skip


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI in-process like the console script: (exit code, stdout, stderr)."""
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def pkg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small valid package in the current directory."""
    root = small_package(tmp_path / "pkg")
    monkeypatch.chdir(root)
    return root


def crlf_with_bom(path: Path) -> bytes:
    data = b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(data)
    return data


def test_clean_package_needs_nothing(pkg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["fmt", "--check"], capsys)[0] == 0
    assert run(["fmt"], capsys)[:2] == (0, "all files already in canonical form\n")


def test_check_lists_files_and_exits_1_without_writing(
    pkg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parties = pkg / "resources" / "parties.csv"
    messy = crlf_with_bom(parties)
    code, out, _ = run(["fmt", "--check"], capsys)
    assert (code, out) == (1, "would reformat resources/parties.csv\n")
    assert parties.read_bytes() == messy


def test_fmt_repairs_then_is_idempotent(pkg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parties = pkg / "resources" / "parties.csv"
    original = parties.read_bytes()
    header, *rows = original.decode("utf-8").splitlines()
    parties.write_text("\r\n".join([header, *reversed(rows), ""]), encoding="utf-8")
    assert run(["fmt", str(pkg)], capsys)[:2] == (0, "reformatted resources/parties.csv\n")
    assert parties.read_bytes() == original
    assert run(["fmt", "--check", str(pkg / "datapackage.json")], capsys)[0] == 0


def test_unparseable_file_is_reported_untouched_and_exits_1(
    pkg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = pkg / "resources" / "sources.csv"
    latin1 = sources.read_text(encoding="utf-8").replace("\n", "\nextra,é\n", 1)
    sources.write_bytes(latin1.encode("latin-1", errors="replace"))
    broken = sources.read_bytes()
    parties = pkg / "resources" / "parties.csv"
    crlf_with_bom(parties)
    code, out, err = run(["fmt"], capsys)
    assert code == 1
    assert out == "reformatted resources/parties.csv\n"
    assert "error[fmt-failed]: cannot format 1 file (left untouched)" in err
    assert "resources/sources.csv:2: not valid UTF-8" in err
    assert "[encoding-invalid]" in err  # the code validate reports for the same file
    assert "Traceback" not in err
    assert sources.read_bytes() == broken
    assert run(["fmt", "--check"], capsys)[0] == 1


def test_broken_contribution_gets_github_annotations(
    pkg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agreements = pkg / "resources" / "agreements.csv"
    header = agreements.read_text(encoding="utf-8").splitlines()[0]
    names = header.split(",")
    bad = dict(zip(names, ["" for _ in names], strict=True))
    bad.update(agreement_id="zz-broken-example", agreement_type="memorandum_of_understanding")
    bad.update(title_en="Broken example", signed_date="12/03/2019", status="signed")
    with agreements.open("a", encoding="utf-8", newline="") as fh:
        fh.write(",".join(bad[n] for n in names) + "\n")
    line = len(agreements.read_text(encoding="utf-8").splitlines())

    code, out, _ = run(["validate", "--format", "github"], capsys)
    assert code == 1
    pattern = (
        r"^::error file=resources/agreements\.csv,line=(\d+)(?:,col=(\d+))?,title=date-invalid"
    )
    hits = [m for m in (re.match(pattern, x) for x in out.splitlines()) if m]
    assert hits, out
    assert int(hits[0].group(1)) == line
    if hits[0].group(2):  # the column is optional in the annotation contract
        assert int(hits[0].group(2)) == names.index("signed_date") + 1


def test_fmt_never_falls_back_to_the_installed_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["fmt"], capsys)
    assert (code, out) == (2, "")
    assert "holds no datapackage.json" in err


@pytest.mark.parametrize("name", CASES)
def test_fmt_on_the_bad_input_corpus_repairs_or_refuses_never_worsens(
    tmp_path: Path, name: str
) -> None:
    path, meta = build_case(name, tmp_path / name)
    snapshot = {p: p.read_bytes() for p in path.rglob("*") if p.is_file()}
    try:
        pkg = load_package(path)
    except DescriptorError:
        return  # an unreadable descriptor: nothing was touched (validate reports it)
    before = {code for code, *_ in meta["expected"]}
    result = format_files(pkg, check=False)

    refused = {pkg.csv_path(table) for code, table, *_ in meta["expected"] if code in REFUSED}
    assert {p.path for p in result.problems} == refused
    assert all(snapshot.get(p) == (p.read_bytes() if p.exists() else None) for p in refused)
    if result.changed:
        assert {f.code for f in validate(path).findings} <= before - REPAIRED
    else:
        assert not before & REPAIRED


def test_fmt_and_validate_name_a_problem_with_the_same_code(
    pkg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each problem fmt refuses carries the code of validators.rules that validate reports."""
    import json

    sources = pkg / "resources" / "sources.csv"
    header, rest = sources.read_bytes().split(b"\n", 1)
    sources.write_bytes(header + b",surplus\n" + rest)
    code, _, err = run(["fmt", "--check", str(pkg)], capsys)
    assert code == 1 and "[header-unknown-column]" in err
    code, out, _ = run(["validate", str(pkg), "--format", "json"], capsys)
    codes = {f["code"] for f in json.loads(out)["findings"]}
    assert code == 1 and "header-unknown-column" in codes


def test_every_code_fmt_refuses_with_is_registered() -> None:
    import re

    import sticoop.canonical
    from sticoop.validators.rules import RULES

    text = Path(sticoop.canonical.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'rule="([a-z0-9-]+)"', text))
    assert used and used <= set(RULES), used - set(RULES)
