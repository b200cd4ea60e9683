"""Injections of the rules across tables and of the warnings.

Edits pick rows whose change cannot trip a second rule (e.g. a day-precision event that is no
parent and hosts no agreement, when its end is moved before its start). New records (clones
of an event or agreement missing some link rows, extra parties, sectors, sources) are used
where a rule is about what is absent.
"""

from __future__ import annotations

from datetime import date, timedelta

from benchmarks.inject_context import Injector
from benchmarks.inject_model import Row


def _shift(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def _edit(inj: Injector, code: str, table: str, n: int, where, change, column: str) -> int:
    rows = inj.pick(table, n, where)
    for row in rows:
        change(inj.t[table], row)
        inj.expect(code, table, row, column)
    return len(rows)


def end_before_start(inj: Injector, n: int) -> int:
    return _edit(
        inj,
        "end-before-start",
        "events",
        n,
        inj.plain_event,
        lambda t, r: t.set(r, "end_date", _shift(t.get(r, "start_date"), -1)),
        "end_date",
    )


def valid_years_reversed(inj: Injector, n: int) -> int:
    ag = inj.t["agreements"]
    return _edit(
        inj,
        "valid-years-reversed",
        "agreements",
        n,
        lambda r: ag.get(r, "valid_from_year") != "",
        lambda t, r: t.set(r, "valid_to_year", str(int(t.get(r, "valid_from_year")) - 1)),
        "valid_to_year",
    )


def signed_precision_mismatch(inj: Injector, n: int) -> int:
    ag = inj.t["agreements"]
    return _edit(
        inj,
        "signed-precision-mismatch",
        "agreements",
        n,
        lambda r: ag.get(r, "signed_date") == "",
        lambda t, r: t.set(r, "signed_date_precision", "day"),
        "signed_date_precision",
    )


def date_precision_mismatch(inj: Injector, n: int) -> int:
    """A month-precision event ending on the 15th, or a month-precision signing on the 15th."""
    ev, ag = inj.t["events"], inj.t["agreements"]
    done = 0
    for i in range(n):
        if i % 2 == 0:
            done += _edit(
                inj,
                "date-precision-mismatch",
                "events",
                1,
                lambda r: ev.get(r, "date_precision") == "month",
                lambda t, r: t.set(r, "end_date", _shift(t.get(r, "start_date"), 14)),
                "end_date",
            )
        else:
            done += _edit(
                inj,
                "date-precision-mismatch",
                "agreements",
                1,
                lambda r: ag.get(r, "signed_date_precision") == "month",
                lambda t, r: t.set(r, "signed_date", _shift(t.get(r, "signed_date"), 14)),
                "signed_date",
            )
    return done


def signed_outside_event(inj: Injector, n: int) -> int:
    ag, ev = inj.t["agreements"], inj.t["events"]

    def eligible(r: Row) -> bool:
        event = inj.by_id["events"].get(ag.get(r, "event_id"))
        return ag.get(r, "signed_date_precision") == "day" and event is not None

    def move(t, r: Row) -> None:
        event = inj.by_id["events"][t.get(r, "event_id")]
        t.set(r, "signed_date", _shift(ev.get(event, "end_date"), 30))

    return _edit(inj, "signed-outside-event", "agreements", n, eligible, move, "signed_date")


def child_event_outside_parent(inj: Injector, n: int) -> int:
    """Move a child event (with no agreements) to three days before its parent starts."""
    ev = inj.t["events"]

    def eligible(r: Row) -> bool:
        parent = ev.get(r, "parent_event_id")
        return (
            parent != ""
            and r[0] not in inj.events_with_agreements
            and ("events", parent) not in inj.touched
        )

    def move(t, r: Row) -> None:
        parent = inj.by_id["events"][t.get(r, "parent_event_id")]
        inj.touched.add(("events", parent[0]))
        day = _shift(t.get(parent, "start_date"), -3)
        t.set(r, "start_date", day)
        t.set(r, "end_date", day)

    return _edit(inj, "child-event-outside-parent", "events", n, eligible, move, "start_date")


def _new_party(inj: Injector, tag: str, ptype: str, country: str, **extra: str) -> Row:
    pid = inj.new_id(f"{ptype.split('_')[0]}-{(country or 'int').lower()}", tag)
    return inj.t["parties"].new_row(
        party_id=pid,
        party_type=ptype,
        name_en=f"Synthetic {ptype.replace('_', ' ')} {pid}",
        country_code=country,
        **extra,
    )


def _attend(inj: Injector, event: Row, party: Row) -> Row:
    return inj.t["event_parties"].new_row(event_id=event[0], party_id=party[0], role="participant")


def country_required(inj: Injector, n: int) -> int:
    """A company without a country, taking part in an event (so it is not unused)."""
    events = inj.pick("events", n)
    for event in events:
        party = _new_party(inj, "nocountry", "company", "")
        _attend(inj, event, party)
        inj.expect("country-required", "parties", party, "country_code")
    return len(events)


def party_inactive(inj: Injector, n: int) -> int:
    """A party dissolved in 2000 attends an event after that year."""
    ev = inj.t["events"]
    events = inj.pick("events", n, lambda r: int(ev.get(r, "start_date")[:4]) > 2000)
    for event in events:
        party = _new_party(inj, "dissolved", "company", "KOR", active_to_year="2000")
        link = _attend(inj, event, party)
        inj.expect("party-inactive", "event_parties", link, "party_id")
    return len(events)


def party_unused(inj: Injector, n: int) -> int:
    for _ in range(n):
        party = _new_party(inj, "unused", "research_organization", "VNM")
        inj.expect("party-unused", "parties", party, "party_id")
    return n


def sector_unused(inj: Injector, n: int) -> int:
    sectors = inj.t["sectors"]
    for i in range(n):
        row = sectors.new_row(
            sector_id=f"quantum-computing-{i + 1}",
            parent_sector_id="digital-technology",
            name_en=f"Quantum computing {i + 1}",
            name_vi=f"Điện toán lượng tử {i + 1}",
        )
        inj.expect("sector-unused", "sectors", row, "sector_id")
    return n


def source_unused(inj: Injector, n: int) -> int:
    sources = inj.t["sources"]
    for i in range(n):
        sid = f"vnexpress-2025-12-01-uncited-{i + 1}"
        row = sources.new_row(
            source_id=sid,
            url=f"https://vnexpress.net/{sid}.html",
            title="Hợp tác khoa học và công nghệ",
            outlet="VnExpress",
            language="vi",
            source_type="media",
        )
        inj.expect("source-unused", "sources", row, "source_id")
    return n


def clone_event(inj: Injector, keep: dict[str, object]) -> Row | None:
    """Copy an untouched plain event under a new id with the link rows KEEP allows.

    KEEP maps a link table to True (copy all), False (none) or a predicate on party ids.
    """
    bases = inj.pick("events", 1, inj.plain_event)
    if not bases:
        return None
    base, ev = bases[0], inj.t["events"]
    row = list(base)
    ev.set(row, "event_id", inj.new_id(base[0], "copy"))
    ev.rows.append(row)
    inj.touched.add(("events", row[0]))
    for link in ("event_parties", "event_sectors", "event_sources"):
        rule = keep.get(link, True)
        for lrow in inj.links[link].get(base[0], []):
            if rule is True or (callable(rule) and rule(lrow[1])):
                inj.t[link].rows.append([row[0], *lrow[1:]])
    return row


def _event_clone_injection(code: str, keep: dict[str, object]):
    def inject(inj: Injector, n: int) -> int:
        done = 0
        for _ in range(n):
            row = clone_event(inj, keep)
            if row is not None:
                inj.expect(code, "events", row, "event_id")
                done += 1
        return done

    inject.__doc__ = f"Clone an event so that it triggers {code}."
    return inject


def clone_agreement(
    inj: Injector, parties: list[tuple[str, str]] | None, sources: bool = True
) -> Row | None:
    """Copy an untouched agreement under a new id, with PARTIES (id, role) or its own rows."""
    bases = inj.pick("agreements", 1)
    if not bases:
        return None
    base, ag = bases[0], inj.t["agreements"]
    row = list(base)
    ag.set(row, "agreement_id", inj.new_id(base[0], "copy"))
    ag.rows.append(row)
    inj.touched.add(("agreements", row[0]))
    links = inj.links
    if parties is None:
        for lrow in links["agreement_parties"].get(base[0], []):
            inj.t["agreement_parties"].rows.append([row[0], *lrow[1:]])
    else:
        for pid, role in parties:
            inj.t["agreement_parties"].new_row(agreement_id=row[0], party_id=pid, role=role)
    for link, wanted in (("agreement_sectors", True), ("agreement_sources", sources)):
        if wanted:
            for lrow in links[link].get(base[0], []):
                inj.t[link].rows.append([row[0], *lrow[1:]])
    return row


def agreement_no_source(inj: Injector, n: int) -> int:
    return _agreement_clones(inj, n, ["agreement-no-source"], lambda: None, sources=False)


def agreement_no_vn_party(inj: Injector, n: int) -> int:
    return _agreement_clones(
        inj,
        n,
        ["agreement-no-vn-party"],
        lambda: [(p, "party") for p in inj.parties_where(inj.is_foreign, 2)],
    )


def agreement_no_foreign_party(inj: Injector, n: int) -> int:
    return _agreement_clones(
        inj,
        n,
        ["agreement-no-foreign-party"],
        lambda: [(p, "party") for p in inj.parties_where(inj.is_vn, 2)],
    )


def agreement_too_few_parties(inj: Injector, n: int) -> int:
    """One Vietnamese party only: too few parties, and (necessarily) no foreign party."""
    return _agreement_clones(
        inj,
        n,
        ["agreement-too-few-parties", "agreement-no-foreign-party"],
        lambda: [(p, "party") for p in inj.parties_where(inj.is_vn, 1)],
    )


def _agreement_clones(inj: Injector, n: int, codes: list[str], parties, sources=True) -> int:
    done = 0
    for _ in range(n):
        row = clone_agreement(inj, parties(), sources)
        if row is not None:
            for code in codes:
                inj.expect(code, "agreements", row, "agreement_id")
            done += 1
    return done


def signatory_no_principal(inj: Injector, n: int) -> int:
    return _signatory(inj, n, "signatory-no-principal", lambda row: "")


def signatory_principal_not_party(inj: Injector, n: int) -> int:
    """The signatory signs for a body that is not a party of the agreement."""

    def outsider(row: Row) -> str:
        bound = {r[1] for r in inj.links["agreement_parties"][row[0]] if r[2] == "party"}
        return next(p for p in inj.parties_where(lambda p: p not in bound, 5) if p not in bound)

    return _signatory(inj, n, "signatory-principal-not-party", outsider)


def _signatory(inj: Injector, n: int, code: str, principal) -> int:
    ap = inj.t["agreement_parties"]
    rows = inj.pick("agreement_parties", n, lambda r: ap.get(r, "role") == "signatory")
    for row in rows:
        ap.set(row, "on_behalf_of_party_id", principal(row))
        inj.expect(code, "agreement_parties", row, "on_behalf_of_party_id")
    return len(rows)


def person_as_party(inj: Injector, n: int) -> int:
    persons = inj.persons()
    agreements = inj.pick("agreements", n)
    for i, agreement in enumerate(agreements):
        row = inj.t["agreement_parties"].new_row(
            agreement_id=agreement[0], party_id=persons[(i * 7) % len(persons)], role="party"
        )
        inj.expect("person-as-party", "agreement_parties", row, "role")
    return len(agreements)


RULE_INJECTIONS = {
    "end-before-start": end_before_start,
    "valid-years-reversed": valid_years_reversed,
    "signed-precision-mismatch": signed_precision_mismatch,
    "date-precision-mismatch": date_precision_mismatch,
    "country-required": country_required,
    "event-no-source": _event_clone_injection("event-no-source", {"event_sources": False}),
    "agreement-no-source": agreement_no_source,
    "event-no-vn-party": None,  # filled below: needs the injector's look-ups
    "event-no-foreign-party": None,
    "agreement-no-vn-party": agreement_no_vn_party,
    "agreement-no-foreign-party": agreement_no_foreign_party,
    "agreement-too-few-parties": agreement_too_few_parties,
    "signatory-no-principal": signatory_no_principal,
    "signatory-principal-not-party": signatory_principal_not_party,
    "person-as-party": person_as_party,
    "signed-outside-event": signed_outside_event,
    "child-event-outside-parent": child_event_outside_parent,
    "party-unused": party_unused,
    "sector-unused": sector_unused,
    "source-unused": source_unused,
    "event-no-sector": _event_clone_injection("event-no-sector", {"event_sectors": False}),
    "party-inactive": party_inactive,
}


def _event_party_filter(code: str, vietnamese: bool):
    def inject(inj: Injector, n: int) -> int:
        test = (lambda p: not inj.is_vn(p)) if vietnamese else inj.is_vn
        return _event_clone_injection(code, {"event_parties": test})(inj, n)

    return inject


RULE_INJECTIONS["event-no-vn-party"] = _event_party_filter("event-no-vn-party", True)
RULE_INJECTIONS["event-no-foreign-party"] = _event_party_filter("event-no-foreign-party", False)
