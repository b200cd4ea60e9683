"""Synthetic events, agreements and link tables, generated one chunk of months at a time.

Event ids start with ``YYYY-MM-`` and each chunk holds whole months in ascending order, so
sorting a chunk by primary key sorts the whole file: chunks are written as they are made
and memory stays bounded by the chunk size. Every array operation is vectorised (numpy
draws, polars string building); there is no per-row Python code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from benchmarks import synth_vocab as V
from benchmarks.synth_entities import FIRST_YEAR, MONTHS, Pools

CHUNK_EVENTS = 100_000


@dataclass
class Counters:
    """Running offsets across chunks, so cyclic draws cover every party, sector and source."""

    extra_party: int = 0


def month_chunks(n_events: int, chunk: int = CHUNK_EVENTS) -> list[tuple[int, int]]:
    """Split event indices 0..N into [start, stop) ranges that hold whole months."""
    bounds = [-(-m * n_events // MONTHS) for m in range(MONTHS + 1)]
    chunks: list[tuple[int, int]] = []
    start = 0
    for m in range(1, MONTHS + 1):
        if bounds[m] - start >= chunk or m == MONTHS:
            if bounds[m] > start:
                chunks.append((start, bounds[m]))
            start = bounds[m]
    return chunks


def _gather(series: pl.Series, idx: np.ndarray) -> pl.Series:
    return series.gather(pl.Series(idx, dtype=pl.UInt32))


def _vocab(values: list[str] | tuple[str, ...], idx: np.ndarray) -> pl.Series:
    return _gather(pl.Series(V.normalised(list(values)), dtype=pl.String), idx)


def _str(values: np.ndarray) -> pl.Series:
    return pl.Series(values).cast(pl.String)


def _dates(values: np.ndarray) -> pl.Series:
    return pl.Series(values.astype("datetime64[D]")).cast(pl.String)


def _null_unless(series: pl.Series, keep: np.ndarray) -> pl.Series:
    return pl.select(pl.when(pl.Series(keep)).then(series)).to_series()


def generate_chunk(
    rng: np.random.Generator, start: int, stop: int, n_events: int, pools: Pools, ctr: Counters
) -> dict[str, pl.DataFrame]:
    """Events [start, stop) with their agreements and every link table, each sorted by PK."""
    ev = _events(rng, start, stop, n_events, pools)
    out = {"events": ev.frame}
    out.update(_event_links(rng, ev, pools, ctr))
    out.update(_agreements(rng, ev, pools))
    return out


@dataclass
class _Events:
    """Per-event arrays that the link tables and agreements reuse."""

    frame: pl.DataFrame
    ids: pl.Series
    index: np.ndarray  # global event index
    vn_party: np.ndarray
    foreign_party: np.ndarray
    start: np.ndarray  # datetime64[D]
    end: np.ndarray
    precision: np.ndarray  # 0 day, 1 month, 2 year
    country: np.ndarray  # index into COUNTRIES (0 is Vietnam)
    first_sector: np.ndarray
    first_source: np.ndarray


def _events(rng: np.random.Generator, start: int, stop: int, n: int, pools: Pools) -> _Events:
    gi = np.arange(start, stop, dtype=np.int64)
    size = len(gi)
    local = np.arange(size)
    month = gi * MONTHS // n
    year = FIRST_YEAR + month // 12
    mon = month % 12 + 1
    etype = rng.choice(len(V.EVENT_TYPES), size=size, p=np.array(V.EVENT_TYPE_WEIGHTS))
    precision = rng.choice(3, size=size, p=[0.85, 0.1, 0.05])
    is_child = (local % 2 == 1) & (rng.random(size) < 0.15)
    parent_local = np.where(is_child, local - 1, -1)
    precision[is_child] = 0
    precision[parent_local[is_child]] = 0
    first_of_month = (
        year.astype("U4").astype("datetime64[Y]").astype("datetime64[M]") + (mon - 1)
    ).astype("datetime64[D]")
    day_start = first_of_month + rng.integers(0, 28, size=size)
    duration = rng.choice(5, size=size, p=[0.4, 0.25, 0.15, 0.1, 0.1])
    jan1 = year.astype("U4").astype("datetime64[D]")
    start_d = np.where(precision == 0, day_start, np.where(precision == 1, first_of_month, jan1))
    end_d = np.where(precision == 0, start_d + duration, start_d)
    # A child lies within its parent's dates.
    ci = np.nonzero(is_child)[0]
    pi = ci - 1
    span = (end_d[pi] - start_d[pi]).astype(np.int64)
    child_start = start_d[pi] + (rng.random(len(ci)) * (span + 1)).astype(np.int64)
    child_len = ((end_d[pi] - child_start).astype(np.int64) * rng.random(len(ci))).astype(np.int64)
    start_d[ci] = child_start
    end_d[ci] = child_start + child_len

    vn_party = pools.vn_core[gi % len(pools.vn_core)]
    foreign_party = pools.foreign_core[(gi * 7 + 3) % len(pools.foreign_core)]
    foreign_country = pools.party_country[foreign_party]
    random_foreign = rng.integers(1, len(V.COUNTRIES), size=size)
    partner_country = np.where(foreign_country >= 0, foreign_country, random_foreign)
    hosted_home = rng.random(size) < 0.5
    country = np.where(hosted_home, 0, partner_country)
    country[ci] = country[pi]
    iso = [c.iso3 for c in V.COUNTRIES]
    city_flat = [city for c in V.COUNTRIES for city in c.cities]
    city_offset = np.cumsum([0] + [len(c.cities) for c in V.COUNTRIES])[:-1]
    city_count = np.array([len(c.cities) for c in V.COUNTRIES])
    city_idx = city_offset[country] + rng.integers(0, 1 << 20, size=size) % city_count[country]

    first_sector = gi % len(pools.leaf_ids)
    first_source = gi % len(pools.source_ids)
    ids = pl.select(
        pl.concat_str(
            pl.lit(_str(year)),
            pl.lit("-"),
            pl.lit(_str(mon).str.zfill(2)),
            pl.lit("-"),
            pl.lit(_vocab([i.lower() for i in iso], country)),
            pl.lit("-"),
            pl.lit(_vocab([t[1] for t in V.EVENT_TYPES], etype)),
            pl.lit("-"),
            pl.lit(_str(gi)),
        )
    ).to_series()
    partner_en = _gather(pools.party_partner_en, foreign_party)
    partner_vi = _gather(pools.party_partner_vi, foreign_party)
    sector_en = _gather(pools.leaf_en, first_sector).str.to_lowercase()
    sector_vi = _gather(pools.leaf_vi, first_sector).str.to_lowercase()
    title_en = pl.select(
        pl.concat_str(
            pl.lit(_vocab([t[2] for t in V.EVENT_TYPES], etype)),
            pl.lit(" with "),
            pl.lit(partner_en),
            pl.lit(" on "),
            pl.lit(sector_en),
        )
    ).to_series()
    title_vi = pl.select(
        pl.concat_str(
            pl.lit(_vocab(V.EVENT_TITLE_VI, etype)),
            pl.lit(" với "),
            pl.lit(partner_vi),
            pl.lit(" về "),
            pl.lit(sector_vi),
        )
    ).to_series()
    summary = pl.select(
        pl.concat_str(
            pl.lit(_vocab(V.SUMMARY_PHRASES, rng.integers(0, len(V.SUMMARY_PHRASES), size=size))),
            pl.lit(", with "),
            pl.lit(partner_en),
            pl.lit("."),
        )
    ).to_series()
    parent_ids = _gather(ids, np.maximum(parent_local, 0))
    frame = pl.DataFrame(
        {
            "event_id": ids,
            "event_type": _vocab([t[0] for t in V.EVENT_TYPES], etype),
            "mode": _vocab(
                ["in_person", "online", "hybrid"], rng.choice(3, size=size, p=[0.8, 0.1, 0.1])
            ),
            "parent_event_id": _null_unless(parent_ids, is_child),
            "title_en": title_en,
            "title_vi": _null_unless(title_vi, rng.random(size) < 0.8),
            "start_date": _dates(start_d),
            "end_date": _dates(end_d),
            "date_precision": _vocab(["day", "month", "year"], precision),
            "date_inferred": _vocab(["false", "true"], (rng.random(size) < 0.1).astype(int)),
            "city": _null_unless(_vocab(city_flat, city_idx), rng.random(size) < 0.9),
            "country_code": _vocab(iso, country),
            "summary_en": _null_unless(summary, rng.random(size) < 0.7),
        }
    ).sort("event_id")
    return _Events(
        frame=frame,
        ids=ids,
        index=gi,
        vn_party=vn_party,
        foreign_party=foreign_party,
        start=start_d,
        end=end_d,
        precision=precision,
        country=country,
        first_sector=first_sector,
        first_source=first_source,
    )


def _event_links(
    rng: np.random.Generator, ev: _Events, pools: Pools, ctr: Counters
) -> dict[str, pl.DataFrame]:
    size = len(ev.index)
    local = np.arange(size)
    role_vn = np.where(ev.country == 0, 0, 1)  # Vietnam hosts at home: 0 host, 1 guest
    role_foreign = 1 - role_vn
    # Extra participants: 0..4 per event, cycling through every party.
    n_extra = rng.choice(5, size=size, p=[0.15, 0.25, 0.3, 0.2, 0.1])
    extra_ev = np.repeat(local, n_extra)
    pos = ctr.extra_party + np.arange(len(extra_ev))
    ctr.extra_party += len(extra_ev)
    extra_party = pools.all_parties[pos % len(pools.all_parties)]
    person = np.isin(extra_party, pools.persons)
    extra_role = np.where(
        person,
        rng.choice([2, 3, 4, 5], size=len(extra_ev), p=[0.3, 0.1, 0.4, 0.2]),
        rng.choice([4, 5], size=len(extra_ev), p=[0.8, 0.2]),
    )
    roles = ["host", "guest", "head_of_delegation", "co_chair", "participant", "witness"]
    titles = _vocab(V.POSITION_TITLES, rng.integers(0, len(V.POSITION_TITLES), len(extra_ev)))
    ev_idx = np.concatenate([local, local, extra_ev])
    party_idx = np.concatenate([ev.vn_party, ev.foreign_party, extra_party])
    role_idx = np.concatenate([role_vn, role_foreign, extra_role])
    position = pl.concat(
        [pl.Series([None] * (2 * size), dtype=pl.String), _null_unless(titles, person)]
    )
    event_parties = pl.DataFrame(
        {
            "event_id": _gather(ev.ids, ev_idx),
            "party_id": _gather(pools.party_ids, party_idx),
            "role": _vocab(roles, role_idx),
            "position_title": position,
        }
    )
    n_leaf = len(pools.leaf_ids)
    n_sec = rng.choice(3, size=size, p=[0.4, 0.4, 0.2])
    sec_ev = np.repeat(local, n_sec)
    event_sectors = pl.DataFrame(
        {
            "event_id": _gather(ev.ids, np.concatenate([local, sec_ev])),
            "sector_id": _gather(
                pools.leaf_ids,
                np.concatenate([ev.first_sector, rng.integers(0, n_leaf, len(sec_ev))]),
            ),
        }
    )
    n_src = rng.choice(3, size=size, p=[0.55, 0.35, 0.1])
    src_ev = np.repeat(local, n_src)
    event_sources = pl.DataFrame(
        {
            "event_id": _gather(ev.ids, np.concatenate([local, src_ev])),
            "source_id": _gather(
                pools.source_ids,
                np.concatenate(
                    [ev.first_source, rng.integers(0, len(pools.source_ids), len(src_ev))]
                ),
            ),
        }
    )
    return {
        "event_parties": _dedupe_sort(event_parties, ["event_id", "party_id", "role"]),
        "event_sectors": _dedupe_sort(event_sectors, ["event_id", "sector_id"]),
        "event_sources": _dedupe_sort(event_sources, ["event_id", "source_id"]),
    }


def _dedupe_sort(frame: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    return frame.unique(subset=key, keep="first", maintain_order=True).sort(key)


def _agreements(rng: np.random.Generator, ev: _Events, pools: Pools) -> dict[str, pl.DataFrame]:
    size = len(ev.index)
    per_event = rng.choice(4, size=size, p=[0.55, 0.35, 0.08, 0.02])
    a_ev = np.repeat(np.arange(size), per_event)
    n = len(a_ev)
    occurrence = np.arange(n) - np.repeat(np.cumsum(per_event) - per_event, per_event)
    atype = rng.choice(len(V.AGREEMENT_TYPES), size=n, p=np.array(V.AGREEMENT_TYPE_WEIGHTS))
    suffix = pl.select(
        pl.when(pl.lit(pl.Series(occurrence)) > 0)
        .then(pl.concat_str(pl.lit("-"), pl.lit(_str(occurrence + 1))))
        .otherwise(pl.lit(""))
    ).to_series()
    ids = pl.select(
        pl.concat_str(
            pl.lit(_gather(ev.ids, a_ev)),
            pl.lit("-"),
            pl.lit(_vocab([t[1] for t in V.AGREEMENT_TYPES], atype)),
            pl.lit(suffix),
        )
    ).to_series()
    status_idx = rng.choice(6, size=n, p=[0.55, 0.15, 0.05, 0.05, 0.12, 0.08])
    statuses = ["signed", "in_force", "expired", "superseded", "announced", "planned"]
    has_signed = status_idx < 4
    prec = ev.precision[a_ev]
    ev_start, ev_end = ev.start[a_ev], ev.end[a_ev]
    span = (ev_end - ev_start).astype(np.int64)
    signed = ev_start + (rng.random(n) * (span + 1)).astype(np.int64) * (prec == 0)
    signed_year = signed.astype("datetime64[Y]").astype(np.int64) + 1970
    has_valid = has_signed & (rng.random(n) < 0.4)
    valid_len = rng.choice([2, 4, 9], size=n)
    supersedes = (np.arange(n) > 0) & (rng.random(n) < 0.05)
    ids_prev = _gather(ids, np.maximum(np.arange(n) - 1, 0))
    sector_en = _gather(pools.leaf_en, ev.first_sector[a_ev]).str.to_lowercase()
    sector_vi = _gather(pools.leaf_vi, ev.first_sector[a_ev]).str.to_lowercase()
    partner_en = _gather(pools.party_partner_en, ev.foreign_party[a_ev])
    partner_vi = _gather(pools.party_partner_vi, ev.foreign_party[a_ev])
    title_en = pl.select(
        pl.concat_str(
            pl.lit(_vocab([t[2] for t in V.AGREEMENT_TYPES], atype)),
            pl.lit(" on "),
            pl.lit(sector_en),
            pl.lit(" between Vietnam and "),
            pl.lit(partner_en),
        )
    ).to_series()
    title_vi = pl.select(
        pl.concat_str(
            pl.lit(_vocab([t[3] for t in V.AGREEMENT_TYPES], atype)),
            pl.lit(" về "),
            pl.lit(sector_vi),
            pl.lit(" giữa Việt Nam và "),
            pl.lit(partner_vi),
        )
    ).to_series()
    summary = pl.select(
        pl.concat_str(
            pl.lit("The parties agree to cooperate on "),
            pl.lit(sector_en),
            pl.lit(", including joint research and training."),
        )
    ).to_series()
    agreements = pl.DataFrame(
        {
            "agreement_id": ids,
            "agreement_type": _vocab([t[0] for t in V.AGREEMENT_TYPES], atype),
            "title_en": title_en,
            "title_vi": _null_unless(title_vi, rng.random(n) < 0.75),
            "event_id": _null_unless(_gather(ev.ids, a_ev), rng.random(n) < 0.9),
            "signed_date": _null_unless(_dates(signed), has_signed),
            "signed_date_precision": _null_unless(_vocab(["day", "month", "year"], prec), has_signed),
            "date_inferred": _vocab(["false", "true"], (rng.random(n) < 0.1).astype(int)),
            "valid_from_year": _null_unless(_str(signed_year), has_valid),
            "valid_to_year": _null_unless(_str(signed_year + valid_len), has_valid),
            "status": _vocab(statuses, status_idx),
            "supersedes_agreement_id": _null_unless(ids_prev, supersedes),
            "summary_en": _null_unless(summary, rng.random(n) < 0.6),
        }
    ).sort("agreement_id")
    out = {"agreements": agreements}
    out.update(_agreement_links(rng, ids, a_ev, ev, pools))
    return out


def _agreement_links(
    rng: np.random.Generator, ids: pl.Series, a_ev: np.ndarray, ev: _Events, pools: Pools
) -> dict[str, pl.DataFrame]:
    n = len(a_ev)
    agr = np.arange(n)
    vn, foreign = ev.vn_party[a_ev], ev.foreign_party[a_ev]
    # Parties bound: the event's Vietnamese and foreign parties, sometimes a third body.
    third = agr[rng.random(n) < 0.3]
    third_party = pools.non_person[rng.integers(0, len(pools.non_person), len(third))]
    # Signatories (persons) sign for the first or second party; sometimes a witness.
    n_sign = rng.choice(3, size=n, p=[0.3, 0.4, 0.3])
    sign_agr = np.repeat(agr, n_sign)
    sign_no = np.arange(len(sign_agr)) - np.repeat(np.cumsum(n_sign) - n_sign, n_sign)
    signer = pools.persons[rng.integers(0, len(pools.persons), len(sign_agr))]
    principal = np.where(sign_no == 0, vn[sign_agr], foreign[sign_agr])
    witness = agr[rng.random(n) < 0.2]
    witness_party = pools.all_parties[rng.integers(0, len(pools.all_parties), len(witness))]
    agr_idx = np.concatenate([agr, agr, third, sign_agr, witness])
    party_idx = np.concatenate([vn, foreign, third_party, signer, witness_party])
    role_idx = np.concatenate(
        [
            np.zeros(2 * n + len(third), dtype=np.int64),
            np.ones(len(sign_agr), dtype=np.int64),
            np.full(len(witness), 2),
        ]
    )
    behalf = pl.concat(
        [
            pl.Series([None] * (2 * n + len(third)), dtype=pl.String),
            _gather(pools.party_ids, principal),
            pl.Series([None] * len(witness), dtype=pl.String),
        ]
    )
    agreement_parties = pl.DataFrame(
        {
            "agreement_id": _gather(ids, agr_idx),
            "party_id": _gather(pools.party_ids, party_idx),
            "role": _vocab(["party", "signatory", "witness"], role_idx),
            "on_behalf_of_party_id": behalf,
        }
    )
    n_leaf = len(pools.leaf_ids)
    extra_sec = agr[rng.random(n) < 0.4]
    agreement_sectors = pl.DataFrame(
        {
            "agreement_id": _gather(ids, np.concatenate([agr, extra_sec])),
            "sector_id": _gather(
                pools.leaf_ids,
                np.concatenate(
                    [ev.first_sector[a_ev], rng.integers(0, n_leaf, len(extra_sec))]
                ),
            ),
        }
    )
    extra_src = agr[rng.random(n) < 0.3]
    agreement_sources = pl.DataFrame(
        {
            "agreement_id": _gather(ids, np.concatenate([agr, extra_src])),
            "source_id": _gather(
                pools.source_ids,
                np.concatenate(
                    [
                        ev.first_source[a_ev],
                        rng.integers(0, len(pools.source_ids), len(extra_src)),
                    ]
                ),
            ),
        }
    )
    return {
        "agreement_parties": _dedupe_sort(
            agreement_parties, ["agreement_id", "party_id", "role"]
        ),
        "agreement_sectors": _dedupe_sort(agreement_sectors, ["agreement_id", "sector_id"]),
        "agreement_sources": _dedupe_sort(agreement_sources, ["agreement_id", "source_id"]),
    }
