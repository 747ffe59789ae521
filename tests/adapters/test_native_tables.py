"""Result tables built from buffers equal pyarrow's own; Arrow sums read back as numpy.

:mod:`mch_indicators._adapters._native_tables` builds pyarrow tables without
pyarrow's converters (which import pandas): each table is compared with the one
``pa.table`` makes of the same columns (object arrays given as lists, as the
library gave them before), type for type and value for value.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mch_indicators._adapters._native_tables import (
    arrow_table,
    float_values,
    int_values,
    list_values,
    native_frame,
)


def _pyarrows(columns: dict[str, Any]) -> pa.Table:
    listed = {
        name: values.tolist() if getattr(values, "dtype", None) == np.dtype(object) else values
        for name, values in columns.items()
    }
    return pa.table(listed)


def _same(built: pa.Table, expected: pa.Table) -> None:
    assert built.schema == expected.schema
    for name in expected.column_names:
        got, want = built.column(name).to_pylist(), expected.column(name).to_pylist()
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            both_nan = isinstance(w, float) and math.isnan(w) and math.isnan(g)
            assert both_nan or (g == w and type(g) is type(w)), (name, g, w)


_text = st.text(st.characters(codec="utf-8"), max_size=6)
_scalars = st.one_of(
    st.lists(st.one_of(st.none(), _text), max_size=8),
    st.lists(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)), max_size=8),
    st.lists(st.one_of(st.none(), st.floats(allow_nan=True)), max_size=8),
    st.lists(st.one_of(st.none(), st.booleans()), max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(values=_scalars, as_array=st.booleans())
def test_lists_and_object_arrays_are_typed_as_pyarrow_types_them(values, as_array):
    column = np.array([*values, None], dtype=object)[:-1] if as_array else values
    _same(arrow_table({"x": column}), _pyarrows({"x": column}))


@pytest.mark.parametrize(
    "dtype", ["int8", "int16", "int32", "int64", "uint8", "uint32", "uint64", "float32", "float64"]
)
def test_numpy_numbers_keep_their_type(dtype):
    values = np.arange(7).astype(dtype)[::2]  # a strided view
    _same(arrow_table({"x": values}), pa.table({"x": values}))


@pytest.mark.parametrize(
    "values",
    [
        np.array([True, False, True, True, False, False, True, False, True]),
        np.array([1.5, np.nan, -np.inf]),
        np.array([1.0, 2.0], dtype=">f8"),  # not native byte order: pyarrow's converter
        np.array(["2024-01-01", "NaT"], dtype="datetime64[D]"),
        np.array(["甲", "乙"]),
        np.array([1, "a", None], dtype=object),  # mixed: pyarrow's converter says
        np.array([2**64, None], dtype=object),
        np.zeros(0),
        np.zeros(0, dtype=object),
    ],
    ids=["bool", "nan", "big-endian", "dates", "unicode", "mixed", "huge", "empty", "empty-obj"],
)
def test_other_columns_match_pyarrow(values):
    try:
        expected = _pyarrows({"x": values})
    except (pa.ArrowException, OverflowError) as error:
        with pytest.raises(type(error)):
            arrow_table({"x": values})
        return
    _same(arrow_table({"x": values}), expected)


def test_a_lone_surrogate_is_refused_as_pyarrow_refuses_it():
    with pytest.raises(UnicodeEncodeError):
        pa.table({"x": ["\ud800"]})
    with pytest.raises(UnicodeEncodeError):
        arrow_table({"x": ["\ud800"]})


def test_native_frame_in_each_library():
    import pandas as pd
    import polars as pl

    columns = {"area": np.array(["甲", None], dtype=object), "count": np.array([1.0, 2.0])}
    assert isinstance(native_frame(columns, "pandas"), pd.DataFrame)
    expected = pl.DataFrame({"area": ["甲", None], "count": [1.0, 2.0]})
    assert native_frame(columns, "polars").equals(expected)
    _same(native_frame(columns, "pyarrow"), _pyarrows(columns))


_arrays = [
    pa.array([1, None, 3, 2**62 + 1], pa.int64()),
    pa.array([1, 2, 3, 4], pa.uint64()),
    pa.array([1.5, None, -2.0], pa.float32()),
    pa.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], pa.int16()),
    pa.array([], pa.int64()),
    pa.array([1, 2], pa.decimal128(38, 0)),  # DuckDB's sum of integers: pyarrow reads it
]


@pytest.mark.parametrize("array", _arrays, ids=lambda a: str(a.type))
@pytest.mark.parametrize("start", [0, 1])
def test_float_values_as_to_numpy(array, start):
    piece = array.slice(min(start, len(array)))
    expected = np.asarray(piece.to_numpy(zero_copy_only=False), dtype=np.float64)
    got = float_values(piece)
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == np.float64 and got.flags.writeable


def test_int_values_keep_every_bit():
    array = pa.array([2**62 + 1, 2**53 + 1, -(2**63)], pa.int64()).slice(1)
    np.testing.assert_array_equal(int_values(array), np.array([2**53 + 1, -(2**63)]))


@given(
    lists=st.lists(st.one_of(st.none(), st.lists(st.integers(0, 9), max_size=3)), max_size=6),
    start=st.integers(0, 6),
    stop=st.integers(0, 6),
)
def test_list_values_as_flatten(lists, start, stop):
    array = pa.array(lists, pa.list_(pa.int64()))
    piece = array.slice(min(start, len(array)), max(stop - start, 0))
    assert list_values(piece).to_pylist() == piece.flatten().to_pylist()


def test_counting_records_on_duckdb_loads_no_pandas():
    """A DuckDB user's first counts and results come without importing pandas (a summed
    field too). Older DuckDB (1.2, the floor) imports pandas itself to read a Python
    constant into an expression: there the test skips, saying so."""
    own = subprocess.run(
        [sys.executable, "-c", "import sys, duckdb; duckdb.ConstantExpression('x'); "
         "print('pandas' in sys.modules)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    if own.stdout.strip() == "True":
        pytest.skip("this DuckDB imports pandas itself for a constant expression")
    script = (
        "import sys, json, duckdb, mch_indicators as m\n"
        'rel = duckdb.sql("select * from (values '
        "('甲', DATE '2024-03-01', 'live', 39.0, 3100.0, NULL::DOUBLE, 'hospital'), "
        "('甲', DATE '2024-05-01', 'xx', NULL, NULL, NULL, '9')) "
        "t(area, birth_date, outcome, gestation_weeks, birth_weight_g, death_age_days, "
        'delivery_place)")\n'
        "m.count_records(rel, ['live_births', 'stillbirths_28w'], by='area')\n"
        "m.compute_records(rel, ['perinatal_mortality_rate_cn'], by='area')\n"
        'deliveries = duckdb.sql("select * from (values '
        "(DATE '2024-03-01', 39.0, 2, 'a')) "
        't(delivery_date, gestation_weeks, live_born, area)")\n'
        "summed = m.count_records({'deliveries': deliveries}, ['live_births'], by='area')\n"
        "assert summed.counts.column('count').to_pylist() == [2.0], summed.counts\n"
        "print(json.dumps({n: n in sys.modules for n in ('pandas', 'pyarrow.compute')}))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {
        "pandas": False,
        "pyarrow.compute": False,
    }
