"""Parquet copies of the tables, typed per the descriptor, byte-for-byte reproducible."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sticoop.descriptor import Field, Package, Resource
from sticoop.errors import DataError

if TYPE_CHECKING:
    import pyarrow as pa

COMPRESSION = "zstd"


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


def _read_text_columns(pkg: Package, res: Resource) -> pa.Table:
    """The CSV with every column as text and empty cells as nulls (no type inference)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    path = pkg.csv_path(res.name)
    names = res.field_names
    try:
        return pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
            ),
        )
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


def arrow_table(pkg: Package, res: Resource) -> pa.Table:
    """TABLE read from its CSV and typed per the descriptor, rows in file order."""
    import pyarrow as pa

    text = _read_text_columns(pkg, res)
    columns = [_typed_column(text.column(f.name), f, res.name) for f in res.fields]
    return pa.Table.from_arrays(columns, schema=arrow_schema(pkg, res))


def parquet_bytes(pkg: Package, res: Resource) -> bytes:
    """The Parquet file of one table; the same input and pyarrow version give the same bytes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(arrow_table(pkg, res), sink, compression=COMPRESSION)
    return sink.getvalue().to_pybytes()
