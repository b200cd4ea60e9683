"""Write a whole valid synthetic package: the real descriptor plus one CSV per table.

Column order comes from the descriptor; rows are sorted by primary key; CSVs are UTF-8
(NFC), LF, comma-separated with minimal RFC 4180 quoting. Same arguments, same bytes.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import polars as pl

from benchmarks import synth_entities as E
from benchmarks.synth_events import Counters, generate_chunk, month_chunks
from sticoop.descriptor import Package, load_package

REPO_ROOT = Path(__file__).resolve().parents[1]
DESCRIPTOR = REPO_ROOT / "datapackage.json"
MIN_EVENTS = 100  # below this, fixed vocabularies (countries, sectors) go partly unused
STALE_FILES = ("expected-findings.csv", "injection.json")
EVENT_TABLES = (
    "events",
    "event_parties",
    "event_sectors",
    "event_sources",
    "agreements",
    "agreement_parties",
    "agreement_sectors",
    "agreement_sources",
)


@dataclass
class GenerationSummary:
    """Row counts per table and where the package was written."""

    out: Path
    n_events: int
    seed: int
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


class TableWriter:
    """Appends sorted frames to one table's CSV (header once), then moves it into place."""

    def __init__(self, pkg: Package, table: str) -> None:
        resource = pkg.resource(table)
        self.columns = resource.field_names
        self.required = {f.name for f in resource.fields if f.required}
        self.final = pkg.csv_path(table)
        self.tmp = self.final.with_name(f".{self.final.name}.tmp")
        self.fh: BinaryIO = self.tmp.open("wb")
        self.rows = 0
        self.fh.write((",".join(self.columns) + "\n").encode("utf-8"))

    def write(self, frame: pl.DataFrame) -> None:
        """Append FRAME in descriptor column order; optional columns it lacks stay empty."""
        missing = [c for c in self.columns if c not in frame.columns]
        if set(missing) & self.required:
            raise ValueError(f"{self.final.name}: generator lacks required columns {missing}")
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in missing)
        frame.select(self.columns).write_csv(
            self.fh, include_header=False, quote_style="necessary", line_terminator="\n"
        )
        self.rows += frame.height

    def close(self) -> None:
        self.fh.close()
        os.replace(self.tmp, self.final)


def write_table(pkg: Package, table: str, frame: pl.DataFrame) -> int:
    """Write one whole table; returns its row count."""
    writer = TableWriter(pkg, table)
    writer.write(frame)
    writer.close()
    return writer.rows


def prepare_dir(out: Path, descriptor: Path = DESCRIPTOR) -> Package:
    """Create OUT/resources, copy the descriptor there and load it."""
    (out / "resources").mkdir(parents=True, exist_ok=True)
    for stale in STALE_FILES:  # left by an earlier run with --inject-errors
        (out / stale).unlink(missing_ok=True)
    target = out / "datapackage.json"
    tmp = out / ".datapackage.json.tmp"
    shutil.copyfile(descriptor, tmp)
    os.replace(tmp, target)
    return load_package(target)


def generate_package(n_events: int, seed: int, out: Path) -> GenerationSummary:
    """Write a valid package of N_EVENTS events to OUT, deterministically from SEED."""
    if n_events < MIN_EVENTS:
        raise ValueError(f"need at least {MIN_EVENTS} events")
    pkg = prepare_dir(out)
    summary = GenerationSummary(out=out, n_events=n_events, seed=seed)
    rng = np.random.default_rng([seed, 0])
    parties, arrays = E.build_parties(rng, E.party_count(n_events))
    sectors, leaves = E.build_sectors(E.leaf_sector_count(n_events))
    sources = E.build_sources(rng, E.source_count(n_events))
    pools = E.make_pools(rng, parties, arrays, leaves, sources)
    summary.rows["parties"] = write_table(pkg, "parties", parties.sort("party_id"))
    summary.rows["sectors"] = write_table(pkg, "sectors", sectors.sort("sector_id"))
    summary.rows["sources"] = write_table(pkg, "sources", sources)
    writers = {t: TableWriter(pkg, t) for t in EVENT_TABLES}
    counters = Counters()
    first: dict[str, pl.Series] = {}
    for k, (start, stop) in enumerate(month_chunks(n_events)):
        frames = generate_chunk(
            np.random.default_rng([seed, 1, k]), start, stop, n_events, pools, counters
        )
        for table, frame in frames.items():
            writers[table].write(frame)
        if not first:
            first = {
                "events": frames["events"]["event_id"].head(1000),
                "agreements": frames["agreements"]["agreement_id"].head(1000),
            }
    for table, writer in writers.items():
        writer.close()
        summary.rows[table] = writer.rows
    existing = {
        "parties": parties["party_id"],
        "sectors": sectors["sector_id"],
        "sources": sources["source_id"].head(1000),
        **{t: s for t, s in first.items() if len(s)},
    }
    retired = E.build_retired(np.random.default_rng([seed, 2]), 5 + n_events // 1000, existing)
    summary.rows["retired_ids"] = write_table(pkg, "retired_ids", retired)
    return summary
