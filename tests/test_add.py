"""``sticoop new`` and ``sticoop add``: template, ids, duplicate detection, dry run, atomicity."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from sticoop.contribute import add_files, template
from sticoop.contribute import ids as id_rules
from sticoop.contribute.reader import RECORDS, read_contribution, record_keys
from sticoop.contribute.text import fold, join_id, url_key
from sticoop.descriptor import load_package
from sticoop.errors import ContributionError, EnvironmentProblem

URL = "https://example.org/nhandan/vn-japan-sti"
# The example declares a party the bundled dataset does not hold (JSPS; MEXT is recorded since
# the 0.2.0 coverage batches), so that it is added, not refused as a near-duplicate.
EVENT = {
    "event": {
        "event_type": "ministerial_meeting",
        "mode": "in_person",
        "title_en": "Talks between the science ministers of Vietnam and Japan",
        "start_date": "2024-03-12",
        "end_date": "2024-03-12",
        "date_precision": "day",
        "date_inferred": False,
        "city": "Tokyo",
        "country_code": "JPN",
        "place_inferred": False,
        "parties": [
            {"party": "most-vn", "role": "guest"},
            {"party": "jsps-jpn", "role": "host"},
        ],
        "sectors": ["joint-research"],
        "sources": [{"source": URL, "quote": "Hai bộ trưởng hội đàm."}],
    },
    "agreements": [
        {
            "agreement_type": "memorandum_of_understanding",
            "title_en": "Memorandum on joint research between the science ministries",
            "signed_date": "2024-03-12",
            "signed_date_precision": "day",
            "date_inferred": False,
            "status": "signed",
            "parties": [
                {"party": "most-vn", "role": "party"},
                {"party": "jsps-jpn", "role": "party"},
            ],
            "sectors": ["joint-research"],
            "sources": [{"source": URL, "quote": "Hai bên ký bản ghi nhớ."}],
        }
    ],
    "parties": [
        {
            "party_type": "government_body",
            "name_en": "Japan Society for the Promotion of Science",
            "short_name": "JSPS",
            "country_code": "JPN",
        }
    ],
    "sources": [
        {
            "url": URL,
            "title": "Việt Nam và Nhật Bản thúc đẩy hợp tác khoa học",
            "outlet": "Nhân Dân",
            "published_date": "2024-03-12",
            "language": "vi",
            "source_type": "media",
        }
    ],
}


@pytest.fixture
def pkg(tmp_path: Path) -> Path:
    """A copy of the bundled dataset (descriptor and CSVs) in a temporary directory."""
    root = tmp_path / "pkg"
    root.mkdir()
    shutil.copyfile(REPO / "datapackage.json", root / "datapackage.json")
    shutil.copytree(REPO / "resources", root / "resources")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "resources").iterdir())}


def write(tmp_path: Path, name: str, doc: dict | str) -> Path:
    path = tmp_path / name
    text = doc if isinstance(doc, str) else yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def event_doc(**changes) -> dict:
    """EVENT with the source's id fixed (so tests can refer to it) and CHANGES applied."""
    doc = copy.deepcopy(EVENT)
    doc["sources"][0]["id"] = "nhandan-2024-03-12-vn-japan-sti"
    doc["parties"][0]["id"] = "jsps-jpn"
    for dotted, value in changes.items():
        *head, last = dotted.split(".")
        target = doc
        for part in head:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is None:
            del target[last]
        else:
            target[last] = value
    return doc


def csv_text(root: Path, table: str) -> str:
    return (root / "resources" / f"{table}.csv").read_text(encoding="utf-8")


# -- template --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["event", "agreement"])
def test_template_parses_and_adds_cleanly(pkg, tmp_path, kind):
    from sticoop.validators import validate

    path = write(tmp_path, f"{kind}.yaml", template(kind))
    result = add_files(pkg, [path])
    assert result.added["agreements"], result
    assert "mext-jpn" in csv_text(pkg, "parties")
    report = validate(pkg)
    assert report.passed(strict=True), [f.code for f in report.findings]


def test_both_templates_in_one_call_share_their_declarations(pkg, tmp_path):
    files = [write(tmp_path, f"{k}.yaml", template(k)) for k in ("event", "agreement")]
    result = add_files(pkg, files)
    assert ("parties", "mext-jpn") in result.referenced  # the second file only refers to it
    assert csv_text(pkg, "parties").count("\nmext-jpn,") == 1
    assert result.added["events"] == ["2024-03-12-jpn-ministerial-meeting"]


def test_template_holds_every_key_the_reader_accepts():
    pkg = load_package(REPO)
    text = template("event") + template("agreement")
    for section in RECORDS:
        for key in record_keys(pkg, section):
            assert re.search(rf"^[ #-]*{key}:", text, re.M), (section, key)
    for key in ("party", "role", "position_title", "on_behalf_of", "source", "quote"):
        assert f"{key}:" in text


def test_documented_format_uses_only_known_keys(tmp_path):
    doc = (REPO / "docs" / "contributing-records.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", doc, re.S).group(1)
    contribution = read_contribution(write(tmp_path, "doc.yaml", block), load_package(REPO))
    assert contribution.event is not None and contribution.agreements


def test_new_cli_prints_template_and_refuses_unknown_kind(cli):
    ok = cli("new", "agreement")
    assert ok.exit_code == 0 and ok.stdout == template("agreement")
    bad = cli("new", "treaty")
    assert bad.exit_code == 2 and "Traceback" not in bad.stderr


# -- ids -------------------------------------------------------------------------------------


def test_ids_are_proposed_from_the_conventions(pkg, tmp_path):
    result = add_files(pkg, [write(tmp_path, "a.yaml", EVENT)])
    assert result.added["events"] == ["2024-03-12-jpn-ministerial-meeting"]
    assert result.added["parties"] == ["jsps-jpn"]
    assert result.added["sources"] == ["nhan-dan-2024-03-12-viet-nam-va-nhat-ban-thuc"]
    assert result.added["agreements"] == ["2024-03-12-memorandum-joint-research-science-ministries"]
    # the agreement points at the file's event
    assert "2024-03-12-jpn-ministerial-meeting,2024-03-12,day" in csv_text(pkg, "agreements")


def test_id_helpers():
    long = "word-" * 30
    assert len(join_id("2024-03-12", long)) <= 80
    assert not join_id("2024-03-12", long).endswith("-")
    assert id_rules.party_id({"party_type": "country", "country_code": "FRA"}) == "fra"
    assert id_rules.party_id({"party_type": "person", "name_en": "Phạm Minh Chính",
                              "country_code": "VNM"}) == "pham-minh-chinh-vnm"  # fmt: skip
    assert id_rules.unique("x", {"x", "x-2"}) == "x-3"
    assert fold("Bộ Khoa học và Công nghệ") == fold("BO KHOA HOC VA CONG NGHE")
    assert fold("Việt Nam") == fold("Vietnam")
    assert url_key("http://www.Example.org/a/#top") == url_key("https://example.org/a")


def test_an_event_id_is_proposed_from_the_partner_not_the_venue(pkg, tmp_path):
    doc = event_doc(**{"event.country_code": "VNM", "event.city": "Hanoi"})
    result = add_files(pkg, [write(tmp_path, "a.yaml", doc)], dry_run=True)
    assert result.added["events"] == ["2024-03-12-jpn-ministerial-meeting"]


# -- duplicates ------------------------------------------------------------------------------


def test_a_party_resembling_an_existing_one_is_refused_with_the_candidate(pkg, tmp_path):
    doc = event_doc()
    doc["parties"].append(
        {
            "id": "bo-khcn-vnm",
            "party_type": "government_body",
            "name_en": "MOST Vietnam",
            "name_vi": "Bo Khoa hoc va Cong nghe",
            "country_code": "VNM",
        }
    )
    before = snapshot(pkg)
    with pytest.raises(ContributionError, match=r"parties\[1\]: .*did you mean `most-vn`"):
        add_files(pkg, [write(tmp_path, "a.yaml", doc)])
    assert snapshot(pkg) == before
    doc["parties"][1]["new"] = True
    result = add_files(pkg, [write(tmp_path, "b.yaml", doc)])
    assert "bo-khcn-vnm" in result.added["parties"]


def test_a_party_matching_by_short_name_or_wikidata_is_refused(pkg, tmp_path):
    doc = event_doc(**{"parties.0.short_name": "MSIT"})
    with pytest.raises(ContributionError, match="did you mean `msit-kor`"):
        add_files(pkg, [write(tmp_path, "a.yaml", doc)])


def test_a_declared_existing_party_is_a_reference_or_a_refused_difference(pkg, tmp_path):
    same = event_doc()
    same["parties"].append({"id": "most-vn", "short_name": "MOST", "country_code": "VNM"})
    result = add_files(pkg, [write(tmp_path, "a.yaml", same)], dry_run=True)
    assert ("parties", "most-vn") in result.referenced
    assert "most-vn" not in result.added["parties"]
    other = event_doc()
    other["parties"].append({"id": "most-vn", "name_en": "Ministry of Science"})
    with pytest.raises(ContributionError) as info:
        add_files(pkg, [write(tmp_path, "b.yaml", other)])
    assert "`most-vn` already exists with different values" in info.value.message
    assert "name_en: recorded 'Ministry of Science and Technology of Vietnam'" in info.value.message


def test_a_source_with_a_recorded_url_is_refused(pkg, tmp_path):
    url = "http://www.vnexpress.net/viet-nam-han-quoc-se-dua-hop-tac-khcn-thanh-diem-sang-moi-4925440.html/"
    doc = event_doc(**{"sources.0.url": url})
    with pytest.raises(ContributionError, match=r"sources\[0\]\.url: already recorded as "
                       r"`vnexpress-2025-08-11-vn-korea-sti`"):  # fmt: skip
        add_files(pkg, [write(tmp_path, "a.yaml", doc)])


def test_an_event_recorded_within_a_day_is_refused(pkg, tmp_path):
    doc = event_doc()
    doc["event"].update(event_type="summit_talks", start_date="2025-08-12", end_date="2025-08-12")
    doc["event"]["parties"] = [{"party": "vnm", "role": "guest"}, {"party": "kor", "role": "host"}]
    del doc["agreements"]
    with pytest.raises(
        ContributionError, match="already recorded as `2025-08-11-kor-summit-talks`"
    ):
        add_files(pkg, [write(tmp_path, "a.yaml", doc)])
    doc["event"]["start_date"] = doc["event"]["end_date"] = "2025-08-14"  # two days later
    result = add_files(pkg, [write(tmp_path, "b.yaml", doc)], dry_run=True)
    assert result.added["events"] == ["2025-08-14-kor-summit-talks"]


def test_later_files_see_the_parties_of_earlier_ones(pkg, tmp_path):
    first = event_doc()
    second = event_doc()
    del second["parties"], second["sources"]
    second["event"].update(start_date="2024-06-01", end_date="2024-06-01", event_type="forum")
    del second["agreements"]
    result = add_files(pkg, [write(tmp_path, "1.yaml", first), write(tmp_path, "2.yaml", second)])
    assert result.added["events"] == ["2024-03-12-jpn-ministerial-meeting", "2024-06-01-jpn-forum"]


# -- dry run, validation, atomicity ------------------------------------------------------------


def test_dry_run_prints_a_diff_and_writes_nothing(pkg, tmp_path, cli):
    before = snapshot(pkg)
    out = cli("add", "--dry-run", "-p", str(pkg), str(write(tmp_path, "a.yaml", event_doc())))
    assert out.exit_code == 0, out.stderr
    assert "+++ b/resources/events.csv" in out.stdout
    assert "\n+2024-03-12-jpn-ministerial-meeting,ministerial_meeting," in out.stdout
    assert "would add events: 2024-03-12-jpn-ministerial-meeting" in out.stderr
    assert snapshot(pkg) == before


def test_add_writes_canonical_rows(pkg, tmp_path, cli):
    out = cli("add", "-p", str(pkg), str(write(tmp_path, "a.yaml", event_doc())))
    assert out.exit_code == 0, out.stderr
    assert cli("fmt", str(pkg), "--check").exit_code == 0
    assert cli("validate", str(pkg)).exit_code == 0
    assert not list((pkg / "resources").glob(".*.tmp"))


def test_an_invalid_result_is_refused_with_the_findings(pkg, tmp_path, cli):
    doc = event_doc(**{"agreements.0.parties": [{"party": "most-vn", "role": "party"}]})
    before = snapshot(pkg)
    out = cli("add", "-p", str(pkg), str(write(tmp_path, "a.yaml", doc)))
    assert out.exit_code == 1
    assert "agreement-too-few-parties" in out.stderr
    assert "a.yaml: agreements[0]" in out.stderr
    assert "Traceback" not in out.stdout + out.stderr
    assert snapshot(pkg) == before


def test_a_failed_write_leaves_every_file_as_it_was(pkg, tmp_path, monkeypatch):
    before = snapshot(pkg)
    real_write_bytes, calls = Path.write_bytes, []

    def failing_write_bytes(self, data):
        if not (self.name.startswith(".") and self.name.endswith(".tmp")):
            return real_write_bytes(self, data)  # not a temporary file of sticoop.atomic
        calls.append(self)
        if len(calls) == 3:  # the third table's temp file cannot be written
            raise OSError(28, "No space left on device")
        return real_write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing_write_bytes)
    with pytest.raises(EnvironmentProblem, match="No space left"):
        add_files(pkg, [write(tmp_path, "a.yaml", event_doc())])
    assert len(calls) == 3
    assert snapshot(pkg) == before
    assert not list((pkg / "resources").glob(".*"))


# -- error messages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "expected"),
    [
        ("event: [unclosed\n", 1, r"bad\.yaml:\d+:\d+: not valid YAML"),
        ("- just a list\n", 1, r"expected a mapping"),
        ("event:\n  event_typo: forum\n", 1, r"event\.event_typo: unknown key"),
        ("sources:\n  - id: x\n    title: [a, b]\n", 1, r"sources\[0\]\.title: a list or mapping"),
    ],
)
def test_bad_files_give_a_message_without_traceback(pkg, tmp_path, cli, text, code, expected):
    out = cli("add", "-p", str(pkg), str(write(tmp_path, "bad.yaml", text)))
    assert out.exit_code == code
    assert re.search(expected, out.stderr), out.stderr
    assert "Traceback" not in out.stdout + out.stderr


def test_unknown_references_name_the_key_path_and_value(pkg, tmp_path, cli):
    doc = event_doc(**{"event.parties.1.party": "jsps"})
    doc["event"]["sectors"] = ["quantum-teleportation"]
    out = cli("add", "-p", str(pkg), str(write(tmp_path, "a.yaml", doc)))
    assert out.exit_code == 1
    assert "event.parties[1].party: unknown party" in out.stderr
    assert "did you mean `jsps-jpn`?" in out.stderr  # declared in the same file
    assert "event.sectors[0]: unknown sector (see resources/sectors.csv) (value: " in out.stderr


def test_a_missing_file_is_a_usage_error(pkg, cli):
    out = cli("add", "-p", str(pkg), "no-such-file.yaml")
    assert out.exit_code == 2 and "no such file" in out.stderr
