"""Proposed ids, following the data model's conventions (docs/contributing-records.md).

- event: ``<start date>-<partner alpha-3, lower case>-<kind>`` (the partner, not the venue);
- source: ``<outlet>-<published date>-<topic>``;
- agreement: ``<signed date>-<words of the English title>``;
- party: a country's alpha-3 in lower case; otherwise ``<short name or name>-<alpha-3>``.

Every id is a slug of at most 80 characters, cut at a hyphen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sticoop.contribute.text import join_id, slug_words, slugify

if TYPE_CHECKING:
    from sticoop.contribute.reader import Link
    from sticoop.contribute.state import PackageState

TOPIC_WORDS = 6


def event_id(values: dict[str, str], partner: str) -> str:
    kind = values.get("event_type", "").replace("_", "-")
    return join_id(values.get("start_date", ""), partner, slugify(kind))


def partner(parties: list[Link], state: PackageState) -> str:
    """The partner fragment: the first non-Vietnamese country party, else the first
    non-Vietnamese party's country, else an international organisation's short name."""
    found = (state.find("parties", link.values["party_id"]) for link in parties)
    rows = [r for r in found if r is not None]
    for row in rows:
        if row.get("party_type") == "country" and row.get("country_code") not in ("", "VNM"):
            return row["country_code"].lower()
    for row in rows:
        if row.get("country_code") not in ("", "VNM"):
            return row["country_code"].lower()
    for row in rows:
        if row.get("party_type") == "international_organization":
            return slugify(row.get("short_name") or row["party_id"])
    return ""


def source_id(values: dict[str, str]) -> str:
    outlet = values.get("outlet", "")
    if "." in outlet and " " not in outlet:  # a domain name: its first label
        outlet = outlet.removeprefix("www.").split(".")[0]
    topic = slug_words(values.get("title", ""), drop_stop_words=True)[:TOPIC_WORDS]
    return join_id(slugify(outlet), values.get("published_date", ""), "-".join(topic))


def agreement_id(values: dict[str, str]) -> str:
    title = slugify(values.get("title_en", ""), drop_stop_words=True)
    return join_id(values.get("signed_date", ""), title) if title else ""


def party_id(values: dict[str, str]) -> str:
    country = values.get("country_code", "").lower()
    if values.get("party_type") == "country":
        return country
    name = slugify(values.get("short_name") or values.get("name_en", ""))
    if not name:
        return ""
    if values.get("party_type") == "international_organization" or not country:
        return join_id(name)
    return join_id(name[: 80 - len(country) - 1].rstrip("-"), country)


def unique(proposal: str, taken: set[str]) -> str:
    """PROPOSAL, or PROPOSAL-2, -3, ... (still at most 80 characters) when it is taken."""
    if proposal not in taken:
        return proposal
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = join_id(proposal)[: 80 - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        n += 1
