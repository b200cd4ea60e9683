"""Synthetic reference tables: sources, parties, sectors (and the pools events draw from).

Sizes grow with the number of events N: parties and sectors in the thousands for N >= 10k,
about one source per two events. Parties and sectors are built row by row (a few thousand
rows); sources, which grow linearly, are built with vectorised polars expressions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from benchmarks import synth_vocab as V

FIRST_YEAR = 1995
LAST_YEAR = 2025
MONTHS = (LAST_YEAR - FIRST_YEAR + 1) * 12


def party_count(n_events: int) -> int:
    """Parties for N events: about 2,000 + N/200, never more than N/2 (so all get used)."""
    return max(60, min(n_events // 2, 2000 + n_events // 200))


def leaf_sector_count(n_events: int) -> int:
    """Sub-sectors for N events: about 1,000 + N/1000, never more than N/4."""
    return max(len(V.SUB_SECTORS), min(n_events // 4, 1000 + n_events // 1000))


def source_count(n_events: int) -> int:
    """Sources for N events: one per two events (each is cited at least once)."""
    return max(30, n_events // 2)


@dataclass
class Pools:
    """What event generation draws from: ids and labels indexed by generation order."""

    party_ids: pl.Series
    party_partner_en: pl.Series
    party_partner_vi: pl.Series
    party_country: np.ndarray  # index into COUNTRIES, -1 for international organisations
    vn_core: np.ndarray  # non-person parties of Vietnam
    foreign_core: np.ndarray  # non-person parties of other countries or international orgs
    non_person: np.ndarray
    persons: np.ndarray
    all_parties: np.ndarray  # a permutation of every party (cycled so each is used)
    leaf_ids: pl.Series
    leaf_en: pl.Series
    leaf_vi: pl.Series
    source_ids: pl.Series


def _org_name(stem: str, country: str, k: int) -> str:
    return f"{stem} ({country}, no. {k})"


def build_parties(rng: np.random.Generator, n_parties: int) -> tuple[pl.DataFrame, dict]:
    """The parties table and per-party arrays (country index, person flag, labels)."""
    countries = V.COUNTRIES
    rows: list[dict[str, str | None]] = []
    country_idx: list[int] = []
    kinds: list[str] = []
    partner_en: list[str] = []
    partner_vi: list[str] = []
    for ci, c in enumerate(countries):
        rows.append(_party_row(c.iso3.lower(), "country", c.name_en, c.name_vi, c.iso3))
        country_idx.append(ci)
        kinds.append("country")
        partner_en.append(c.name_en)
        partner_vi.append(c.name_vi)
    for slug, name_en, name_vi in V.INTERNATIONAL_ORGS:
        rows.append(_party_row(slug, "international_organization", name_en, name_vi, None))
        country_idx.append(-1)
        kinds.append("international_organization")
        partner_en.append(name_en)
        partner_vi.append(name_vi)
    n_rest = max(0, n_parties - len(rows))
    weights = np.array([0.4] + [0.6 / (len(countries) - 1)] * (len(countries) - 1))
    rest_country = rng.choice(len(countries), size=n_rest, p=weights)
    is_person = rng.random(n_rest) < 0.15
    org_kind = rng.choice(
        len(V.ORG_KINDS), size=n_rest, p=np.array(V.ORG_WEIGHTS) / sum(V.ORG_WEIGHTS)
    )
    name_pick = rng.integers(0, 1 << 30, size=n_rest)
    vi_name_draw = rng.random(n_rest)
    for j in range(n_rest):
        k = len(rows)
        c = countries[rest_country[j]]
        if is_person[j]:
            group = V.PERSON_NAMES[c.language if c.language in V.PERSON_NAMES else "en"]
            slug, display = group[name_pick[j] % len(group)]
            name_vi = display if c.iso3 == "VNM" else None
            rows.append(_party_row(f"{slug}-{k}", "person", display, name_vi, c.iso3))
            kinds.append("person")
        else:
            ptype, word, stem_en, stem_vi = V.ORG_KINDS[org_kind[j]]
            name_vi = None
            if c.iso3 == "VNM" or vi_name_draw[j] < 0.3:
                name_vi = _org_name(stem_vi, c.name_vi, k).replace("no. ", "số ")
            party_id = f"{word}-{c.iso3.lower()}-{k}"
            rows.append(
                _party_row(party_id, ptype, _org_name(stem_en, c.name_en, k), name_vi, c.iso3)
            )
            kinds.append(ptype)
        country_idx.append(int(rest_country[j]))
        partner_en.append(c.name_en)
        partner_vi.append(c.name_vi)
    _link_parents(rng, rows, kinds, country_idx)
    _link_successors(rng, rows, kinds)
    for row in rows:
        if rng.random() < 0.25:
            row["wikidata_id"] = f"Q{int(rng.integers(1, 100_000_000))}"
    arrays = {
        "country": np.array(country_idx, dtype=np.int64),
        "kind": np.array(kinds),
        "partner_en": V.normalised(partner_en),
        "partner_vi": V.normalised(partner_vi),
    }
    df = pl.DataFrame(rows, schema={k: pl.String for k in rows[0]}, orient="row")
    return df, arrays


def _party_row(
    party_id: str, ptype: str, name_en: str, name_vi: str | None, country: str | None
) -> dict[str, str | None]:
    return {
        "party_id": party_id,
        "party_type": ptype,
        "name_en": V.normalised([name_en])[0],
        "name_vi": V.normalised([name_vi])[0] if name_vi else None,
        "country_code": country,
        "parent_party_id": None,
        "wikidata_id": None,
        "active_to_year": None,
        "successor_party_id": None,
    }


def _link_parents(
    rng: np.random.Generator, rows: list[dict], kinds: list[str], country_idx: list[int]
) -> None:
    """About a fifth of organisations get a government body of their country as parent.

    Government bodies never have a parent themselves, so the hierarchy has depth one.
    """
    roots: dict[int, list[int]] = {}
    for i, kind in enumerate(kinds):
        if kind == "government_body":
            roots.setdefault(country_idx[i], []).append(i)
    for i, kind in enumerate(kinds):
        if kind in ("country", "person", "government_body", "international_organization"):
            continue
        candidates = roots.get(country_idx[i])
        if candidates and rng.random() < 0.2:
            rows[i]["parent_party_id"] = rows[candidates[rng.integers(len(candidates))]]["party_id"]


def _link_successors(rng: np.random.Generator, rows: list[dict], kinds: list[str]) -> None:
    """About 2% of organisations were merged in LAST_YEAR into another (successor) party.

    Merged parties end in the last year of the data, so none attends an event after it;
    successors are never merged themselves, so the chain has depth one.
    """
    orgs = [i for i, k in enumerate(kinds) if k not in ("country", "person")]
    merged = {i for i in orgs if rng.random() < 0.02}
    keepers = [i for i in orgs if i not in merged]
    if not keepers:
        return
    for i in sorted(merged):
        rows[i]["active_to_year"] = str(LAST_YEAR)
        rows[i]["successor_party_id"] = rows[keepers[rng.integers(len(keepers))]]["party_id"]


def build_sectors(n_leaves: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The sectors table (top level + sub-sectors) and the leaf sectors (id, names)."""
    rows: list[tuple[str, str | None, str, str]] = [
        (slug, None, en, vi) for slug, en, vi in V.TOP_SECTORS
    ]
    leaves: list[tuple[str, str, str]] = []
    base = V.SUB_SECTORS
    for k in range(n_leaves):
        top, slug, en, vi = base[k % len(base)]
        rnd = k // len(base)
        if rnd:
            slug, en, vi = f"{slug}-{rnd + 1}", f"{en}, area {rnd + 1}", f"{vi}, lĩnh vực {rnd + 1}"
        rows.append((slug, V.TOP_SECTORS[top][0], en, vi))
        leaves.append((slug, en, vi))
    cols = ["sector_id", "parent_sector_id", "name_en", "name_vi"]
    sectors = pl.DataFrame(rows, schema={c: pl.String for c in cols}, orient="row")
    sectors = sectors.with_columns(pl.col("name_vi").map_elements(_nfc1, return_dtype=pl.String))
    leaf_df = pl.DataFrame(leaves, schema={c: pl.String for c in ("id", "en", "vi")}, orient="row")
    leaf_df = leaf_df.with_columns(pl.col("vi").map_elements(_nfc1, return_dtype=pl.String))
    return sectors, leaf_df


def _nfc1(value: str) -> str:
    return V.normalised([value])[0]


def _gather(values: list[str], idx: np.ndarray) -> pl.Series:
    return pl.Series(values, dtype=pl.String).gather(pl.Series(idx, dtype=pl.UInt32))


def build_sources(rng: np.random.Generator, n_sources: int) -> pl.DataFrame:
    """The sources table, vectorised: outlet, language, title, dates, URLs."""
    outlets = [(lang, *o) for lang, group in V.OUTLETS.items() for o in group]
    n_out = len(outlets)
    weights = np.array([3.0 if o[0] == "vi" else 1.0 for o in outlets])
    out_idx = rng.choice(n_out, size=n_sources, p=weights / weights.sum())
    lang = [o[0] for o in outlets]
    days_total = (
        np.datetime64(f"{LAST_YEAR}-12-31") - np.datetime64(f"{FIRST_YEAR}-01-01")
    ).astype(int)
    pub = np.datetime64(f"{FIRST_YEAR}-01-01") + rng.integers(0, days_total, size=n_sources)
    retrieved = pub + rng.integers(0, 400, size=n_sources)
    k = np.arange(n_sources)
    headline, topic = _headlines(rng, out_idx, outlets)
    pub_s = pl.Series(pub.astype("datetime64[D]"))
    df = pl.DataFrame(
        {
            "slug": _gather([o[1] for o in outlets], out_idx),
            "domain": _gather([o[3] for o in outlets], out_idx),
            "k": pl.Series(k).cast(pl.String),
            "pub": pub_s.cast(pl.String),
            "headline": headline,
            "topic": topic,
            "outlet": _gather([o[2] for o in outlets], out_idx),
            "language": _gather(lang, out_idx),
            "source_type": _gather([o[4] for o in outlets], out_idx),
            "retrieved_date": pl.Series(retrieved.astype("datetime64[D]")).cast(pl.String),
            "has_pub": rng.random(n_sources) < 0.9,
            "has_archive": rng.random(n_sources) < 0.3,
            "has_url": rng.random(n_sources) < 0.97,
        }
    )
    source_id = pl.concat_str(pl.col("slug"), pl.lit("-"), pl.col("pub"), pl.lit("-"), pl.col("k"))
    url = pl.concat_str(
        pl.lit("https://"), pl.col("domain"), pl.lit("/news/"), source_id, pl.lit(".html")
    )
    archive = pl.concat_str(
        pl.lit("https://web.archive.org/web/"),
        pl.col("pub").str.replace_all("-", ""),
        pl.lit("000000/"),
        url,
    )
    return df.select(
        source_id.alias("source_id"),
        pl.when(pl.col("has_url")).then(url).alias("url"),
        pl.concat_str(pl.col("headline"), pl.col("topic")).alias("title"),
        pl.col("outlet"),
        pl.when(pl.col("has_pub")).then(pl.col("pub")).alias("published_date"),
        pl.col("language"),
        pl.col("source_type"),
        pl.when(pl.col("has_archive") & pl.col("has_url")).then(archive).alias("archive_url"),
        pl.col("retrieved_date"),
    ).sort("source_id")


def _headline_vocab(code: str) -> list[str]:
    """Every 'Vietnam and <partner>: ' headline start in language CODE."""
    native = V.PARTNER_NATIVE.get(code)
    if native:
        names = list(native.values())
    elif code == "vi":
        names = [c.name_vi for c in V.COUNTRIES[1:]]
    else:
        names = [c.name_en for c in V.COUNTRIES[1:]]
    return V.normalised([f"{V.HEADLINE_VIETNAM[code]}{name}: " for name in names])


def _pick_in_language(
    rng: np.random.Generator, lang_idx: np.ndarray, vocab: list[list[str]]
) -> pl.Series:
    """For each source, a random entry of VOCAB[its language], by one vectorised gather."""
    sizes = np.array([len(v) for v in vocab])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    picks = rng.integers(0, 1 << 30, size=len(lang_idx)) % sizes[lang_idx]
    flat = [entry for entries in vocab for entry in entries]
    return _gather(flat, offsets[lang_idx] + picks)


def _headlines(
    rng: np.random.Generator, out_idx: np.ndarray, outlets: list[tuple]
) -> tuple[pl.Series, pl.Series]:
    """Per source: 'Vietnam and <partner>: ' in the outlet's language, and a topic phrase."""
    codes = list(V.OUTLETS)
    lang_idx = np.array([codes.index(o[0]) for o in outlets])[out_idx]
    headline = _pick_in_language(rng, lang_idx, [_headline_vocab(c) for c in codes])
    topic = _pick_in_language(rng, lang_idx, [list(V.SOURCE_TOPICS[c]) for c in codes])
    return headline, topic


def make_pools(
    rng: np.random.Generator,
    parties: pl.DataFrame,
    arrays: dict,
    leaves: pl.DataFrame,
    sources: pl.DataFrame,
) -> Pools:
    """Index pools for event generation (in parties' generation order)."""
    kind = arrays["kind"]
    country = arrays["country"]
    person = kind == "person"
    vn_index = next(i for i, c in enumerate(V.COUNTRIES) if c.iso3 == "VNM")
    idx = np.arange(len(kind))
    return Pools(
        party_ids=parties["party_id"],
        party_partner_en=pl.Series(arrays["partner_en"], dtype=pl.String),
        party_partner_vi=pl.Series(arrays["partner_vi"], dtype=pl.String),
        party_country=country,
        vn_core=rng.permutation(idx[~person & (country == vn_index)]),
        foreign_core=rng.permutation(idx[~person & (country != vn_index)]),
        non_person=idx[~person],
        persons=idx[person],
        all_parties=rng.permutation(idx),
        leaf_ids=leaves["id"],
        leaf_en=leaves["en"],
        leaf_vi=leaves["vi"],
        source_ids=sources["source_id"],
    )


def build_retired(
    rng: np.random.Generator, n_rows: int, existing: dict[str, pl.Series]
) -> pl.DataFrame:
    """retired_ids: ids that no longer exist (``<live id>-old``), most replaced by a live id.

    EXISTING maps each retirable table to some of its live ids.
    """
    tables = sorted(existing)
    rows: list[tuple[str, str, str | None, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for k in range(n_rows):
        table = tables[k % len(tables)]
        ids = existing[table]
        live = ids[int(rng.integers(len(ids)))]
        retired = f"{live}-old" if k < len(tables) * 4 else f"{live}-old-{k}"
        if (table, retired) in seen:
            continue
        seen.add((table, retired))
        reason = ("merged", "renamed", "withdrawn")[int(rng.integers(3))]
        replaced = None if reason == "withdrawn" else live
        version = V.RETIRED_VERSIONS[int(rng.integers(len(V.RETIRED_VERSIONS)))]
        rows.append((table, retired, replaced, version, reason))
    cols = ["table_name", "retired_id", "replaced_by_id", "retired_in_version", "reason"]
    frame = pl.DataFrame(rows, schema={c: pl.String for c in cols}, orient="row")
    return frame.sort(["table_name", "retired_id"])
