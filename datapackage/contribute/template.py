"""The commented YAML templates printed by ``sticoop new event|agreement``.

They follow docs/contributing-records.md (the file format) key for key; tests check that every
key the reader accepts appears here and that both templates add cleanly to the dataset.
Optional keys that need a real value are commented out.
"""

from __future__ import annotations

from sticoop.errors import UsageError

_HEAD = """\
# sticoop contribution file (data model 1.1). Format: docs/contributing-records.md
# Fill in, then check with `sticoop add --dry-run FILE.yaml` and add with `sticoop add FILE.yaml`.
# Keys are the data model's column names; leave a key out when the value is unknown (never N/A).
"""

_EVENT = """\
event:
  # id: 2024-03-12-jpn-ministerial-meeting   # optional: <start date>-<partner alpha-3 lower>-<kind>
  event_type: ministerial_meeting          # state_visit official_visit working_visit summit_talks
                                           # ministerial_meeting joint_committee_session
                                           # signing_ceremony site_visit forum press_conference
  mode: in_person                          # in_person online hybrid
  # parent_event_id: 2024-03-11-jpn-official-visit   # optional, existing or in this batch
  title_en: Talks between the science ministers of Vietnam and Japan
  title_vi: Hội đàm giữa Bộ trưởng KH&CN Việt Nam và Nhật Bản   # as reported, optional
  start_date: 2024-03-12
  end_date: 2024-03-12
  date_precision: day                      # day month year (month => first day of month)
  date_inferred: false                     # true when year/day comes from context, not words
  city: Tokyo                              # English name, optional
  country_code: JPN                        # where it took place (ISO 3166 alpha-3)
  place_inferred: false                    # true when city/country comes from context
  summary_en: One or two sentences in your own words.
  parties:
    - {party: most-vn, role: head_of_delegation}
    - {party: huynh-thanh-dat, role: head_of_delegation,
       position_title: Minister of Science and Technology}
    - {party: mext-jpn, role: host}
    # roles: host guest head_of_delegation co_chair participant witness
  sectors: [nuclear-energy, joint-research]   # existing sector ids (resources/sectors.csv)
  sources:
    - source: nhandan-2024-03-12-vn-japan-sti  # existing source id or one under `sources:` below
      # the source's exact words, in its language: one or two sentences, ≤ 400 chars, no
      # line break, supporting the date, the parties and what happened
      quote: "Exact passage of that source that supports the date, parties and what happened."
  # new: true                              # only if a recorded event of the same type, partner
                                           # and date (±1 day) is really a different event
"""

_AGREEMENTS = """\
agreements:
  - # id: 2024-03-12-most-mext-jpn-nuclear-mou   # optional: <signed date>-<short party ids>-<topic>
    agreement_type: memorandum_of_understanding  # joint_statement memorandum_of_understanding
                                 # cooperation_agreement letter_of_intent programme roadmap protocol
    title_en: Memorandum on nuclear energy research between the science ministries
    title_vi: Bản ghi nhớ về hợp tác nghiên cứu năng lượng hạt nhân   # name as reported, optional
    signed_date: 2024-03-12      # optional
    signed_date_precision: day   # required with signed_date
    date_inferred: false
    valid_from_year: 2024        # optional
    valid_to_year: 2028          # optional
    status: signed               # signed announced planned in_force expired superseded
    # supersedes_agreement_id: ...   # optional: the earlier agreement this renews
    summary_en: One or two sentences in your own words.
{event_id}    parties:
      - {{party: most-vn, role: party}}
      - {{party: mext-jpn, role: party}}
      - {{party: huynh-thanh-dat, role: signatory, on_behalf_of: most-vn,
         position_title: Minister of Science and Technology}}
      # - {{party: pham-minh-chinh-vnm, role: witness, position_title: Prime Minister}}
      # roles: party (bound by it; never a person)
      #        signatory (needs on_behalf_of, itself a party) witness
    sectors: [nuclear-energy]
    sources:
      - source: nhandan-2024-03-12-vn-japan-sti
        quote: "Exact passage of that source that supports the signing, its date and its parties."
"""

_EVENT_ID_IMPLIED = """\
    # event_id is implied: the file's event (give `event_id:` only to point elsewhere)
"""
_EVENT_ID_FREE = """\
    # event_id: 2024-03-12-jpn-ministerial-meeting   # optional: an existing event
"""

_DECLARATIONS = """\
parties:        # only parties not yet in resources/parties.csv
  - id: mext-jpn                 # ends with the party's country alpha-3, lower case
    party_type: government_body  # country government_body state_enterprise company
                                 # research_organization university fund association
                                 # international_organization person
    name_en: Ministry of Education, Culture, Sports, Science and Technology of Japan
    name_vi: Bộ Giáo dục, Văn hóa, Thể thao, Khoa học và Công nghệ Nhật Bản
    short_name: MEXT
    country_code: JPN            # omit for international_organization
    # parent_party_id: jpn       # optional
    # wikidata_id: Q...          # only when certain; else omit
    # active_to_year: 2025       # optional: last year under this identity
    # successor_party_id: ...    # optional
    # new: true                  # required when the name resembles an existing party
sources:        # only sources not yet in resources/sources.csv
  - id: nhandan-2024-03-12-vn-japan-sti   # <outlet>-<published date>-<topic>
    url: https://example.org/vn-japan-sti
    title: Title in the article's language
    outlet: Nhân Dân
    published_date: 2024-03-12
    language: vi
    source_type: media           # official media international_organization other
    # archive_url: https://web.archive.org/...   # optional: a web-archive copy
    retrieved_date: 2026-12-03
    # new: true                  # only if a recorded source has the same URL on purpose
"""

TEMPLATES = {
    "event": _HEAD + _EVENT + _AGREEMENTS.format(event_id=_EVENT_ID_IMPLIED) + _DECLARATIONS,
    "agreement": _HEAD
    + "# One or more agreements with no event of their own.\n"
    + _AGREEMENTS.format(event_id=_EVENT_ID_FREE)
    + _DECLARATIONS,
}


def template(kind: str) -> str:
    """The template for KIND ('event' or 'agreement')."""
    try:
        return TEMPLATES[kind]
    except KeyError:
        raise UsageError(
            f"unknown record kind {kind!r}", hint=f"choose one of {', '.join(TEMPLATES)}"
        ) from None
