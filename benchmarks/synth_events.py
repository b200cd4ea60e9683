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


def _concat(*parts: pl.Series | str) -> pl.Series:
    """Element-wise concatenation of string Series and literal strings."""
    return pl.select(pl.concat_str([pl.lit(p) for p in parts])).to_series()


def _dedupe_sort(frame: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    return frame.unique(subset=key, keep="first", maintain_order=True).sort(key)


def _links(
    rng: np.random.Generator,
    ids: pl.Series,
    first: np.ndarray,
    pool: pl.Series,
    extra_counts: tuple[list[int], list[float]],
    names: tuple[str, str],
) -> pl.DataFrame:
    """A link table: each owner (ids) gets FIRST plus 0..k random extra targets from POOL."""
    size = len(ids)
    owners = np.arange(size)
    n_extra = rng.choice(extra_counts[0], size=size, p=extra_counts[1])
    extra = np.repeat(owners, n_extra)
    frame = pl.DataFrame(
        {
            names[0]: _gather(ids, np.concatenate([owners, extra])),
            names[1]: _gather(
                pool, np.concatenate([first, rng.integers(0, len(pool), len(extra))])
            ),
        }
    )
    frame = _dedupe_sort(frame, list(names))
    if names[1] == "source_id":  # data model 1.1: every source link carries a quote
        frame = frame.with_columns(
            pl.concat_str(
                [pl.lit("Synthetic passage of "), pl.col("source_id"), pl.lit(".")]
            ).alias("quote")
        )
    return frame


def generate_chunk(
    rng: np.random.Generator, start: int, stop: int, n_events: int, pools: Pools, ctr: Counters
) -> dict[str, pl.DataFrame]:
    """Events [start, stop) with their agreements and every link table, each sorted by PK."""
    ev = _events(rng, start, stop, n_events, pools)
    out = {"events": ev.frame, "event_parties": _event_parties(rng, ev, pools, ctr)}
    out["event_sectors"] = _links(
        rng, ev.ids, ev.first_sector, pools.leaf_ids, ([0, 1, 2], [0.4, 0.4, 0.2]),
        ("event_id", "sector_id"),
    )  # fmt: skip
    out["event_sources"] = _links(
        rng, ev.ids, ev.first_source, pools.source_ids, ([0, 1, 2], [0.55, 0.35, 0.1]),
        ("event_id", "source_id"),
    )  # fmt: skip
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


@dataclass
class _Dates:
    start: np.ndarray
    end: np.ndarray
    precision: np.ndarray
    is_child: np.ndarray
    parent_local: np.ndarray  # index of the parent in the chunk, -1 for none


def _event_dates(rng: np.random.Generator, year: np.ndarray, mon: np.ndarray) -> _Dates:
    """Dates with precision; about 7% of events are children of the event before them.

    A child (at an odd position) and its parent have day precision and the child's dates lie
    within its parent's. Month precision: the 1st of the month; year precision: 1 January.
    """
    size = len(year)
    local = np.arange(size)
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
    start = np.where(precision == 0, day_start, np.where(precision == 1, first_of_month, jan1))
    end = np.where(precision == 0, start + duration, start)
    ci = np.nonzero(is_child)[0]
    pi = ci - 1
    span = (end[pi] - start[pi]).astype(np.int64)
    child_start = start[pi] + (rng.random(len(ci)) * (span + 1)).astype(np.int64)
    child_len = ((end[pi] - child_start).astype(np.int64) * rng.random(len(ci))).astype(np.int64)
    start[ci] = child_start
    end[ci] = child_start + child_len
    return _Dates(start, end, precision, is_child, parent_local)


def _event_country(
    rng: np.random.Generator, foreign_party: np.ndarray, dates: _Dates, pools: Pools
) -> tuple[np.ndarray, np.ndarray]:
    """Where each event took place (half in Vietnam, else the partner's country) and a city.

    A child event takes place in its parent's country.
    """
    size = len(foreign_party)
    foreign_country = pools.party_country[foreign_party]
    random_foreign = rng.integers(1, len(V.COUNTRIES), size=size)
    partner_country = np.where(foreign_country >= 0, foreign_country, random_foreign)
    country = np.where(rng.random(size) < 0.5, 0, partner_country)
    ci = np.nonzero(dates.is_child)[0]
    country[ci] = country[ci - 1]
    city_offset = np.cumsum([0] + [len(c.cities) for c in V.COUNTRIES])[:-1]
    city_count = np.array([len(c.cities) for c in V.COUNTRIES])
    city_idx = city_offset[country] + rng.integers(0, 1 << 20, size=size) % city_count[country]
    return country, city_idx


def _events(rng: np.random.Generator, start: int, stop: int, n: int, pools: Pools) -> _Events:
    gi = np.arange(start, stop, dtype=np.int64)
    size = len(gi)
    month = gi * MONTHS // n
    year, mon = FIRST_YEAR + month // 12, month % 12 + 1
    etype = rng.choice(len(V.EVENT_TYPES), size=size, p=np.array(V.EVENT_TYPE_WEIGHTS))
    dates = _event_dates(rng, year, mon)
    vn_party = pools.vn_core[gi % len(pools.vn_core)]
    foreign_party = pools.foreign_core[(gi * 7 + 3) % len(pools.foreign_core)]
    country, city_idx = _event_country(rng, foreign_party, dates, pools)
    iso = [c.iso3 for c in V.COUNTRIES]
    first_sector = gi % len(pools.leaf_ids)
    ids = _concat(
        _str(year), "-", _str(mon).str.zfill(2), "-", _vocab([i.lower() for i in iso], country),
        "-", _vocab([t[1] for t in V.EVENT_TYPES], etype), "-", _str(gi),
    )  # fmt: skip
    partner_en = _gather(pools.party_partner_en, foreign_party)
    partner_vi = _gather(pools.party_partner_vi, foreign_party)
    sector_en = _gather(pools.leaf_en, first_sector).str.to_lowercase()
    sector_vi = _gather(pools.leaf_vi, first_sector).str.to_lowercase()
    phrases = _vocab(V.SUMMARY_PHRASES, rng.integers(0, len(V.SUMMARY_PHRASES), size=size))
    frame = pl.DataFrame(
        {
            "event_id": ids,
            "event_type": _vocab([t[0] for t in V.EVENT_TYPES], etype),
            "mode": _vocab(
                ["in_person", "online", "hybrid"], rng.choice(3, size=size, p=[0.8, 0.1, 0.1])
            ),
            "parent_event_id": _null_unless(
                _gather(ids, np.maximum(dates.parent_local, 0)), dates.is_child
            ),
            "title_en": _concat(
                _vocab([t[2] for t in V.EVENT_TYPES], etype), " with ", partner_en, " on ",
                sector_en,
            ),
            "title_vi": _null_unless(
                _concat(_vocab(V.EVENT_TITLE_VI, etype), " với ", partner_vi, " về ", sector_vi),
                rng.random(size) < 0.8,
            ),
            "start_date": _dates(dates.start),
            "end_date": _dates(dates.end),
            "date_precision": _vocab(["day", "month", "year"], dates.precision),
            "date_inferred": _vocab(["false", "true"], (rng.random(size) < 0.1).astype(int)),
            "place_inferred": _vocab(["false", "true"], (rng.random(size) < 0.1).astype(int)),
            "city": _null_unless(
                _vocab([city for c in V.COUNTRIES for city in c.cities], city_idx),
                rng.random(size) < 0.9,
            ),
            "country_code": _vocab(iso, country),
            "summary_en": _null_unless(
                _concat(phrases, ", with ", partner_en, "."), rng.random(size) < 0.7
            ),
        }
    ).sort("event_id")  # fmt: skip
    return _Events(
        frame=frame, ids=ids, index=gi, vn_party=vn_party, foreign_party=foreign_party,
        start=dates.start, end=dates.end, precision=dates.precision, country=country,
        first_sector=first_sector, first_source=gi % len(pools.source_ids),
    )  # fmt: skip


def _event_parties(
    rng: np.random.Generator, ev: _Events, pools: Pools, ctr: Counters
) -> pl.DataFrame:
    """The event's Vietnamese and foreign parties (host/guest), plus 0-4 participants.

    Participants cycle through every party (in a shuffled order) across chunks, so each party
    takes part somewhere; persons get a position title and a delegation role.
    """
    size = len(ev.index)
    local = np.arange(size)
    role_vn = np.where(ev.country == 0, 0, 1)  # Vietnam hosts at home: 0 host, 1 guest
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
    frame = pl.DataFrame(
        {
            "event_id": _gather(ev.ids, np.concatenate([local, local, extra_ev])),
            "party_id": _gather(
                pools.party_ids, np.concatenate([ev.vn_party, ev.foreign_party, extra_party])
            ),
            "role": _vocab(roles, np.concatenate([role_vn, 1 - role_vn, extra_role])),
            "position_title": pl.concat(
                [pl.Series([None] * (2 * size), dtype=pl.String), _null_unless(titles, person)]
            ),
        }
    )
    return _dedupe_sort(frame, ["event_id", "party_id", "role"])


def _agreements(rng: np.random.Generator, ev: _Events, pools: Pools) -> dict[str, pl.DataFrame]:
    """About 0.57 agreements per event, signed within the event's dates, with link tables."""
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
    ids = _concat(
        _gather(ev.ids, a_ev), "-", _vocab([t[1] for t in V.AGREEMENT_TYPES], atype), suffix
    )
    out = {"agreements": _agreement_frame(rng, ids, atype, a_ev, ev, pools)}
    out["agreement_parties"] = _agreement_parties(rng, ids, a_ev, ev, pools)
    out["agreement_sectors"] = _links(
        rng, ids, ev.first_sector[a_ev], pools.leaf_ids, ([0, 1], [0.6, 0.4]),
        ("agreement_id", "sector_id"),
    )  # fmt: skip
    out["agreement_sources"] = _links(
        rng, ids, ev.first_source[a_ev], pools.source_ids, ([0, 1], [0.7, 0.3]),
        ("agreement_id", "source_id"),
    )  # fmt: skip
    return out


def _agreement_frame(
    rng: np.random.Generator, ids: pl.Series, atype: np.ndarray, a_ev: np.ndarray, ev: _Events,
    pools: Pools,
) -> pl.DataFrame:  # fmt: skip
    """The agreements table: signed on a day of the event (or its month / year precision)."""
    n = len(a_ev)
    status_idx = rng.choice(6, size=n, p=[0.55, 0.15, 0.05, 0.05, 0.12, 0.08])
    statuses = ["signed", "in_force", "expired", "superseded", "announced", "planned"]
    has_signed = status_idx < 4
    prec = ev.precision[a_ev]
    span = (ev.end[a_ev] - ev.start[a_ev]).astype(np.int64)
    signed = ev.start[a_ev] + (rng.random(n) * (span + 1)).astype(np.int64) * (prec == 0)
    signed_year = signed.astype("datetime64[Y]").astype(np.int64) + 1970
    has_valid = has_signed & (rng.random(n) < 0.4)
    valid_len = rng.choice([2, 4, 9], size=n)
    supersedes = (np.arange(n) > 0) & (rng.random(n) < 0.05)
    sector_en = _gather(pools.leaf_en, ev.first_sector[a_ev]).str.to_lowercase()
    sector_vi = _gather(pools.leaf_vi, ev.first_sector[a_ev]).str.to_lowercase()
    partner_en = _gather(pools.party_partner_en, ev.foreign_party[a_ev])
    partner_vi = _gather(pools.party_partner_vi, ev.foreign_party[a_ev])
    return pl.DataFrame(
        {
            "agreement_id": ids,
            "agreement_type": _vocab([t[0] for t in V.AGREEMENT_TYPES], atype),
            "title_en": _concat(
                _vocab([t[2] for t in V.AGREEMENT_TYPES], atype), " on ", sector_en,
                " between Vietnam and ", partner_en,
            ),
            "title_vi": _null_unless(
                _concat(_vocab([t[3] for t in V.AGREEMENT_TYPES], atype), " về ", sector_vi,
                        " giữa Việt Nam và ", partner_vi),
                rng.random(n) < 0.75,
            ),
            "event_id": _null_unless(_gather(ev.ids, a_ev), rng.random(n) < 0.9),
            "signed_date": _null_unless(_dates(signed), has_signed),
            "signed_date_precision": _null_unless(
                _vocab(["day", "month", "year"], prec), has_signed
            ),
            "date_inferred": _vocab(["false", "true"], (rng.random(n) < 0.1).astype(int)),
            "valid_from_year": _null_unless(_str(signed_year), has_valid),
            "valid_to_year": _null_unless(_str(signed_year + valid_len), has_valid),
            "status": _vocab(statuses, status_idx),
            "supersedes_agreement_id": _null_unless(
                _gather(ids, np.maximum(np.arange(n) - 1, 0)), supersedes
            ),
            "summary_en": _null_unless(
                _concat("The parties agree to cooperate on ", sector_en,
                        ", including joint research and training."),
                rng.random(n) < 0.6,
            ),
        }
    ).sort("agreement_id")  # fmt: skip


def _agreement_parties(
    rng: np.random.Generator, ids: pl.Series, a_ev: np.ndarray, ev: _Events, pools: Pools
) -> pl.DataFrame:
    """Parties bound (the event's Vietnamese and foreign party, sometimes a third body),
    0-2 signatories (persons, signing for the first or the second party), sometimes a witness.
    """
    n = len(a_ev)
    agr = np.arange(n)
    vn, foreign = ev.vn_party[a_ev], ev.foreign_party[a_ev]
    third = agr[rng.random(n) < 0.3]
    third_party = pools.non_person[rng.integers(0, len(pools.non_person), len(third))]
    n_sign = rng.choice(3, size=n, p=[0.3, 0.4, 0.3])
    sign_agr = np.repeat(agr, n_sign)
    sign_no = np.arange(len(sign_agr)) - np.repeat(np.cumsum(n_sign) - n_sign, n_sign)
    signer = pools.persons[rng.integers(0, len(pools.persons), len(sign_agr))]
    principal = np.where(sign_no == 0, vn[sign_agr], foreign[sign_agr])
    witness = agr[rng.random(n) < 0.2]
    witness_party = pools.all_parties[rng.integers(0, len(pools.all_parties), len(witness))]
    n_bound = 2 * n + len(third)
    frame = pl.DataFrame(
        {
            "agreement_id": _gather(ids, np.concatenate([agr, agr, third, sign_agr, witness])),
            "party_id": _gather(
                pools.party_ids,
                np.concatenate([vn, foreign, third_party, signer, witness_party]),
            ),
            "role": _vocab(
                ["party", "signatory", "witness"],
                np.repeat([0, 1, 2], [n_bound, len(sign_agr), len(witness)]),
            ),
            "on_behalf_of_party_id": pl.concat(
                [
                    pl.Series([None] * n_bound, dtype=pl.String),
                    _gather(pools.party_ids, principal),
                    pl.Series([None] * len(witness), dtype=pl.String),
                ]
            ),
        }
    )
    return _dedupe_sort(frame, ["agreement_id", "party_id", "role"])
