"""Text output from plain rows (``Rows``, used by ``sticoop sql`` to skip importing pyarrow)
is identical to text output from the Arrow table of the same result."""

from __future__ import annotations

import duckdb
import pytest

from sticoop.query_output import TEXT_FORMATS, Rows, render, visible_columns

SQL = """
SELECT * FROM (VALUES
    (1, 2.5::DOUBLE, 1.25::DECIMAL(5, 2), DATE '2025-05-10', true, 'Hà Nội', [1, 2],
     {'a': 1, 'b': 'x'}, 12345678901::HUGEINT, 'a|b'),
    (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (-3, 0.1::DOUBLE, 10.00::DECIMAL(5, 2), DATE '1995-01-01', false, 'x  y', [],
     {'a': NULL, 'b': ''}, 0::HUGEINT, 'plain')
) AS t(i, f, d, day, b, txt, l, s, big, pipe)
"""


@pytest.fixture(scope="module")
def results():
    con = duckdb.connect()
    yield con.sql(SQL).to_arrow_table(), Rows.from_relation(con.sql(SQL))
    con.close()


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize("width", [None, 40])
def test_rows_render_like_arrow(results, fmt, width):
    arrow, rows = results
    assert render(rows, fmt, width=width) == render(arrow, fmt, width=width)


def test_rows_slice_and_select_like_arrow(results):
    arrow, rows = results
    assert rows.num_rows == arrow.num_rows and rows.num_columns == arrow.num_columns
    assert visible_columns(rows, 40) == visible_columns(arrow, 40)
    assert render(rows.slice(0, 2).select([0, 3, 5]), "table") == render(
        arrow.slice(0, 2).select([0, 3, 5]), "table"
    )
