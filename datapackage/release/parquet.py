"""Parquet copies of the tables, typed per the descriptor, byte-for-byte reproducible.

A table is streamed from its CSV in blocks and written in row groups of ``ROW_GROUP_ROWS``
rows (the last one shorter), so memory is bounded by a row group whatever the table's size, and
the file does not depend on how the CSV reader happened to cut its blocks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sticoop.descriptor import Field, Package, Resource
from sticoop.errors import DataError

if TYPE_CHECKING:
    import pyarrow as pa

COMPRESSION = "zstd"
MEDIATYPE = "application/vnd.apache.parquet"
CSV_ONLY = ("dialect", "encoding", "compression")  # properties that describe a text file
ROW_GROUP_ROWS = 128 * 1024
_BLOCK_SIZE = 1 << 20  # larger CSV blocks (read ahead on every thread) cost memory, not time


def _arrow_type(field: Field) -> pa.DataType:
    import pyarrow as pa

    return {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
    }[field.type]


def _field_metadata(field: Field) -> dict[str, str]:
    meta = {"description": field.description} if field.description else {}
    if field.enum is not None:
        meta["enum"] = json.dumps(list(field.enum), ensure_ascii=False)
    return meta


def arrow_schema(pkg: Package, res: Resource) -> pa.Schema:
    """The Arrow schema of a table: descriptor types, descriptions and vocabularies."""
    import pyarrow as pa

    fields = [
        pa.field(f.name, _arrow_type(f), nullable=not f.required, metadata=_field_metadata(f))
        for f in res.fields
    ]
    meta = {
        "sticoop.package": pkg.name,
        "sticoop.version": pkg.version,
        "sticoop.table": res.name,
        "sticoop.primary_key": json.dumps(list(res.primary_key)),
    }
    return pa.schema(fields, metadata=meta)


def _csv_options(pkg: Package, res: Resource) -> dict[str, Any]:
    """pyarrow CSV options: every column as text, empty cells as nulls (no type inference)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = res.field_names
    return {
        "read_options": pcsv.ReadOptions(column_names=names, skip_rows=1, block_size=_BLOCK_SIZE),
        "parse_options": pcsv.ParseOptions(newlines_in_values=True),
        "convert_options": pcsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=[""],
        ),
    }


def _text_batches(pkg: Package, res: Resource) -> Iterator[pa.RecordBatch]:
    """The CSV's record batches in file order, every column as text (see ``_csv_options``)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    path = pkg.csv_path(res.name)
    try:
        reader = pcsv.open_csv(path, **_csv_options(pkg, res))
        while True:
            try:
                yield reader.read_next_batch()
            except StopIteration:
                return
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"{path}: cannot read for Parquet: {exc}") from None


def _typed_column(column: Any, field: Field, table: str) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if field.type == "string":
        return column
    if field.type == "boolean":
        trues = pc.is_in(column, value_set=pa.array(list(field.true_values)))
        falses = pc.is_in(column, value_set=pa.array(list(field.false_values)))
        bad = pc.and_(pc.is_valid(column), pc.invert(pc.or_(trues, falses)))
        if pc.any(bad).as_py():
            raise DataError(f"{table}.{field.name}: a value is not a boolean")
        return pc.if_else(pc.is_null(column), pa.scalar(None, pa.bool_()), trues)
    try:
        return pc.cast(column, _arrow_type(field))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise DataError(f"{table}.{field.name}: cannot convert to {field.type}: {exc}") from None


def _typed(text: pa.Table | pa.RecordBatch, pkg: Package, res: Resource) -> pa.Table:
    import pyarrow as pa

    columns = [_typed_column(text.column(f.name), f, res.name) for f in res.fields]
    return pa.Table.from_arrays(columns, schema=arrow_schema(pkg, res))


def _row_groups(pkg: Package, res: Resource) -> Iterator[pa.Table]:
    """The typed table in slices of exactly ROW_GROUP_ROWS rows (the last one shorter), each
    in one contiguous chunk: the Parquet writer's pages follow the chunks of its input, so
    the file would otherwise depend on where the CSV reader cut its blocks."""
    import pyarrow as pa

    held: list[pa.Table] = []
    count = 0
    for batch in _text_batches(pkg, res):
        if batch.num_rows == 0:
            continue
        held.append(_typed(batch, pkg, res))
        count += batch.num_rows
        while count >= ROW_GROUP_ROWS:
            table = pa.concat_tables(held)
            yield table.slice(0, ROW_GROUP_ROWS).combine_chunks()
            rest = table.slice(ROW_GROUP_ROWS)
            held, count = ([rest] if rest.num_rows else []), rest.num_rows
    if held:
        yield pa.concat_tables(held).combine_chunks()


def write_parquet(pkg: Package, res: Resource, sink: str | Path | Any) -> None:
    """Write the Parquet file of one table to SINK (a path or a pyarrow output stream), one
    row group of ROW_GROUP_ROWS rows at a time; the same input and pyarrow version give the
    same bytes."""
    import pyarrow.parquet as pq

    schema = arrow_schema(pkg, res)
    with pq.ParquetWriter(sink, schema, compression=COMPRESSION) as writer:
        for group in _row_groups(pkg, res):
            writer.write_table(group, row_group_size=ROW_GROUP_ROWS)


def parquet_descriptor(pkg: Package, written: dict[str, Path]) -> bytes:
    """``datapackage.json`` of the Parquet package: the descriptor with each table's path,
    format and media type those of its Parquet file WRITTEN[name] (beside the descriptor),
    its ``bytes`` and ``hash`` those of that file, and the CSV-only properties dropped."""
    import copy

    from sticoop.integrity import file_digest

    raw = copy.deepcopy(pkg.raw)
    for resource in raw.get("resources", []):
        path = written.get(resource.get("name"))
        if path is None:
            continue
        for key in CSV_ONLY:
            resource.pop(key, None)
        resource["path"] = path.name
        resource["format"] = "parquet"
        resource["mediatype"] = MEDIATYPE
        resource["bytes"] = path.stat().st_size
        resource["hash"] = f"sha256:{file_digest(path, 'sha256')}"
    return (json.dumps(raw, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
