"""Key injections (duplicate keys, dangling foreign keys, self-reference cycles) and retired ids."""

from __future__ import annotations

from benchmarks.inject_context import Injector

RETIRABLE = ("agreements", "events", "parties", "sectors", "sources")


def pk_duplicate(inj: Injector, n: int) -> int:
    """Repeat an event_sources or agreement_sectors row: the copy (later line) is reported."""
    done = 0
    for i in range(n):
        table = ("event_sources", "agreement_sectors")[i % 2]
        rows = inj.pick(table, 1)
        if rows:
            copy = list(rows[0])
            inj.t[table].rows.append(copy)
            inj.expect("pk-duplicate", table, copy, inj.t[table].resource.primary_key[-1])
            done += 1
    return done


def fk_missing(inj: Injector, n: int) -> int:
    """Cite a source (or a sector) that does not exist."""
    done = 0
    for i in range(n):
        owner, table, column = (
            ("events", "event_sources", "source_id"),
            ("agreements", "agreement_sectors", "sector_id"),
        )[i % 2]
        rows = inj.pick(owner, 1)
        if rows:
            key = "event_id" if owner == "events" else "agreement_id"
            values = {key: rows[0][0], column: f"ghost-{column[:-3]}-{i}"}
            if table == "event_sources":
                values["quote"] = "A passage of a source that does not exist."
            row = inj.t[table].new_row(**values)
            inj.expect("fk-missing", table, row, column)
            done += 1
    return done


def hierarchy_cycle(inj: Injector, n: int) -> int:
    """Make a leaf sector, or a party nobody hangs under, its own parent (a 1-cycle)."""
    done = 0
    sectors, parties = inj.t["sectors"], inj.t["parties"]
    children: dict[str, int] = {}
    for r in sectors.rows:
        parent = sectors.get(r, "parent_sector_id")
        children[parent] = children.get(parent, 0) + 1
    for i in range(n):
        if i % 2 == 0:
            # Keep every top-level sector with at least one sub-sector (else: sector-unused).
            rows = inj.pick(
                "sectors",
                1,
                lambda r: (
                    sectors.get(r, "parent_sector_id") != ""
                    and children[sectors.get(r, "parent_sector_id")] > 1
                ),
            )
            if rows:
                children[sectors.get(rows[0], "parent_sector_id")] -= 1
            table, column = "sectors", "parent_sector_id"
        else:
            rows = inj.pick(
                "parties",
                1,
                lambda r: (
                    parties.get(r, "parent_party_id") == ""
                    and r[0] not in inj.party_parents
                    and parties.get(r, "party_type") not in ("country", "government_body")
                ),
            )
            table, column = "parties", "parent_party_id"
        if rows:
            inj.t[table].set(rows[0], column, rows[0][0])
            inj.expect("hierarchy-cycle", table, rows[0], column)
            done += 1
    return done


def _retired_row(inj: Injector, i: int, retired: str, replaced: str, reason: str):
    table = RETIRABLE[i % len(RETIRABLE)]
    return inj.t["retired_ids"].new_row(
        table_name=table,
        retired_id=retired,
        replaced_by_id=replaced,
        retired_in_version="1.0.0",
        reason=reason,
    )


def retired_id_reused(inj: Injector, n: int) -> int:
    """Retire an id that is still in its table."""
    done = 0
    for i in range(n):
        table = RETIRABLE[i % len(RETIRABLE)]
        rows = inj.pick(table, 1)
        if rows:
            row = _retired_row(inj, i, rows[0][0], "", "withdrawn")
            inj.expect("retired-id-reused", "retired_ids", row, "retired_id")
            done += 1
    return done


def retired_replacement_missing(inj: Injector, n: int) -> int:
    """Retire an id in favour of one that does not exist."""
    done = 0
    for i in range(n):
        table = RETIRABLE[i % len(RETIRABLE)]
        rows = inj.pick(table, 1)
        if rows:
            gone = inj.new_id(rows[0][0], "gone")
            row = _retired_row(inj, i, gone, f"ghost-{table}-{i}", "merged")
            inj.expect("retired-replacement-missing", "retired_ids", row, "replaced_by_id")
            done += 1
    return done


KEY_INJECTIONS = {
    "pk-duplicate": pk_duplicate,
    "fk-missing": fk_missing,
    "hierarchy-cycle": hierarchy_cycle,
    "retired-id-reused": retired_id_reused,
    "retired-replacement-missing": retired_replacement_missing,
}
