"""``sticoop sql`` and ``sticoop query``: data locations, output formats, files, named queries."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sticoop.database import build_database
from sticoop.descriptor import load_package
from sticoop.query_output import column_widths, fit, text_width, to_table

REPO = Path(__file__).resolve().parents[1]
KREMLIN_SQL = (
    "SELECT agreement_id, signed_date, partner_countries, parties FROM agreement_overview "
    "WHERE event_id = '2025-05-10-rus-kremlin-signing' ORDER BY agreement_id"
)


def csv_count(name: str) -> int:
    with (REPO / "resources" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("COLUMNS", "70")
    return 70


def test_table_fits_the_terminal_and_notes_go_to_stderr(cli, narrow: int) -> None:
    result = cli("sql", KREMLIN_SQL, "--data", str(REPO))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["agreement_id", "signed_date", "partner_countries", "parties"]
    assert len(lines) == 2 + 5
    assert all(text_width(line) <= narrow for line in lines)
    assert "…" in result.stdout  # long cells were cut to fit
    assert result.stderr.strip() == "(5 rows)"


def test_csv_output_parses_back(cli) -> None:
    result = cli("sql", KREMLIN_SQL, "--data", str(REPO), "--format", "csv")
    assert result.exit_code == 0 and result.stderr == ""
    records = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(records) == 5
    assert records[0]["signed_date"] == "2025-05-10"
    assert json.loads(records[0]["partner_countries"]) == ["RUS"]


def test_json_and_jsonl_output(cli) -> None:
    as_json = json.loads(cli("sql", KREMLIN_SQL, "-d", str(REPO), "-f", "json").stdout)
    lines = cli("sql", KREMLIN_SQL, "-d", str(REPO), "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == as_json
    assert len(as_json) == 5 and as_json[0]["signed_date"] == "2025-05-10"
    assert as_json[0]["partner_countries"] == ["RUS"]


def test_markdown_output(cli) -> None:
    result = cli(
        "sql",
        "SELECT event_id, year FROM event_overview LIMIT 2",
        "-d",
        str(REPO),
        "-f",
        "markdown",
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "| event_id | year |"
    assert lines[1] == "|---|---:|"
    assert len(lines) == 4


def test_parquet_output_round_trips(cli, tmp_path: Path) -> None:
    target = tmp_path / "events.parquet"
    result = cli(
        "sql", "SELECT * FROM events ORDER BY event_id", "-d", str(REPO), "-o", str(target)
    )
    assert result.exit_code == 0 and result.stdout == ""
    assert f"wrote {csv_count('events')} rows" in result.stderr
    table = pq.read_table(target)
    assert table.num_rows == csv_count("events")
    assert table.schema.field("start_date").type == pa.date32()
    assert table.schema.field("date_inferred").type == pa.bool_()
    as_json = json.loads(
        cli("sql", "SELECT * FROM events ORDER BY event_id", "-d", str(REPO), "-f", "json").stdout
    )
    assert json.loads(json.dumps(table.to_pylist(), default=str)) == as_json
    assert [p.name for p in tmp_path.iterdir()] == ["events.parquet"]  # no temporary left


def test_output_format_follows_the_extension(cli, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    assert cli("sql", KREMLIN_SQL, "-d", str(REPO), "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("agreement_id,signed_date,")
    md = tmp_path / "out.txt"
    assert cli("sql", KREMLIN_SQL, "-d", str(REPO), "-o", str(md), "-f", "markdown").exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("| agreement_id |")


def test_unknown_format_is_a_usage_error(cli) -> None:
    result = cli("sql", "SELECT 1", "-d", str(REPO), "-f", "xml")
    assert result.exit_code == 2 and "unknown format" in result.stderr


def test_max_rows_limits_the_terminal_table(cli) -> None:
    result = cli("sql", "SELECT * FROM sectors", "-d", str(REPO), "--max-rows", "3")
    assert len(result.stdout.splitlines()) == 2 + 3
    assert "first 3 rows shown, the rest not fetched" in result.stderr
    full = cli("sql", "SELECT * FROM sectors", "-d", str(REPO), "--max-rows", "0")
    assert len(full.stdout.splitlines()) == 2 + csv_count("sectors")


def test_sql_from_stdin_and_params(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "sys.stdin", io.StringIO("SELECT count(*) AS n FROM events WHERE year(start_date) >= $y")
    )
    result = cli("sql", "-", "-d", str(REPO), "-f", "json", "--param", "y=2025")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["n"] > 0
    bad = cli("sql", "SELECT 1", "-d", str(REPO), "--param", "novalue")
    assert bad.exit_code == 2 and "NAME=VALUE" in bad.stderr


def test_data_as_descriptor_directory_release_and_duckdb(cli, tmp_path: Path) -> None:
    # an unpacked release: <dir>/<name>-<version>/datapackage.json
    nested = tmp_path / "download" / "vn-sti-cooperation-0.1.0"
    nested.mkdir(parents=True)
    shutil.copyfile(REPO / "datapackage.json", nested / "datapackage.json")
    shutil.copytree(REPO / "resources", nested / "resources")
    # a release directory holding a built .duckdb
    release = tmp_path / "release"
    build_database(load_package(REPO), release / "vn-sti-cooperation-0.1.0.duckdb")
    sql = "SELECT count(*) AS n FROM agreement_overview"
    want = csv_count("agreements")
    for data in (REPO, REPO / "datapackage.json", tmp_path / "download", release):
        result = cli("sql", sql, "--data", str(data), "-f", "json")
        assert result.exit_code == 0, (data, result.stderr)
        assert json.loads(result.stdout) == [{"n": want}]
    escape = cli("sql", "SELECT * FROM read_text('/etc/passwd')", "--data", str(release))
    assert escape.exit_code == 2
    missing = cli("sql", "SELECT 1", "--data", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_default_data_is_the_current_repository(cli, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copyfile(REPO / "datapackage.json", root / "datapackage.json")
    shutil.copytree(REPO / "resources", root / "resources")
    with (root / "resources" / "sectors.csv").open("a", encoding="utf-8") as fh:
        fh.write("zz-test-sector,,Test sector,Lĩnh vực thử\n")
    result = cli("sql", "SELECT count(*) AS n FROM sectors", "-f", "json", cwd=root)
    assert json.loads(result.stdout) == [{"n": csv_count("sectors") + 1}]


def test_mismatched_header_is_reported_as_invalid_data(cli, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copyfile(REPO / "datapackage.json", root / "datapackage.json")
    shutil.copytree(REPO / "resources", root / "resources")
    path = root / "resources" / "sectors.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name_en,name_vi", "name_vi,name_en", 1), encoding="utf-8")
    result = cli("sql", "SELECT * FROM sectors", "-d", str(root))
    assert result.exit_code == 1
    assert "sectors.csv, line 1: header" in result.stderr
    assert "[header-order]" in result.stderr  # the code validate reports for the same header
    validated = cli("validate", str(root), "--format", "json")
    assert "header-order" in validated.stdout


def test_query_list_show_and_run(cli) -> None:
    listed = cli("query", "list")
    assert listed.exit_code == 0
    assert "who_signed_what" in listed.stdout and "--param sector" in listed.stdout
    shown = cli("query", "show", "who_signed_what")
    assert shown.stdout.startswith("-- Who signed what") and "$sector" in shown.stdout
    ran = cli(
        "query", "run", "who_signed_what", "--param", "sector=nuclear-energy",
        "--param", "since=2024", "-d", str(REPO), "-f", "json",
    )  # fmt: skip
    assert ran.exit_code == 0, ran.stderr
    ids = {r["agreement_id"] for r in json.loads(ran.stdout)}
    assert "2025-05-10-most-rosatom-peaceful-atomic-energy" in ids


def test_query_run_errors(cli) -> None:
    missing = cli("query", "run", "partnership_timeline", "-d", str(REPO))
    assert missing.exit_code == 2 and "needs --param country" in missing.stderr
    unknown = cli("query", "run", "no_such_query")
    assert unknown.exit_code == 2 and "hint: known queries:" in unknown.stderr
    extra = cli("query", "run", "sources_of", "-p", "id=x", "-p", "colour=red", "-d", str(REPO))
    assert extra.exit_code == 2 and "no parameter colour" in extra.stderr


def test_table_rendering_helpers() -> None:
    assert column_widths([10, 50, 4], None) == [10, 50, 4]
    widths = column_widths([10, 50, 40], 60)
    assert sum(widths) + 4 <= 60 and widths[0] == 10
    assert fit("abcdefgh", 5) == "abcd…" and fit("abc", 5) == "abc"
    assert text_width("Việt Nam") == 8  # precomposed Vietnamese letters are one column each
    assert text_width("北京") == 4
    table = pa.table({"n": [1, 22], "name": ["a", None], "tags": [["x", "y"], []]})
    lines = to_table(table).splitlines()
    assert lines[0] == " n  name  tags"
    assert lines[2] == " 1  a     [x, y]"
    assert lines[3] == "22  NULL  []"


def test_too_many_columns_for_the_terminal_are_left_out_with_a_note(cli, narrow: int) -> None:
    result = cli("sql", "SELECT * FROM event_overview", "-d", str(REPO), "--max-rows", "0")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("event_id")
    assert all(text_width(line) <= narrow for line in lines)
    assert "more columns not shown" in result.stderr
    assert len(lines) == 2 + csv_count("events")


def _readme_command(comment: str) -> list[str]:
    """The sticoop command printed under COMMENT in the README, split like a shell would."""
    import shlex

    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == f"# {comment}")
    return shlex.split(lines[at + 1].strip())[1:]


def test_readme_sample_questions_have_real_answers(cli):
    korea = cli(*_readme_command("agreements with Korea since 2019, by field"), "-f", "json")
    assert korea.exit_code == 0, korea.stderr
    fields = json.loads(korea.stdout)
    assert len(fields) >= 3 and all(row["agreements"] >= 1 for row in fields)
    three = cli(
        *_readme_command("STI agreements with Japan, France or India since 2019"), "-f", "json"
    )
    assert three.exit_code == 0, three.stderr
    partners = {c for row in json.loads(three.stdout) for c in row["partner_countries"]}
    assert {"JPN", "FRA", "IND"} <= partners
