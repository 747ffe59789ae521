"""Bad input on tables: pandas compute and pool, xarray and dask (docs/bad-input.md).

A bad cell is a typed error whose ``.row`` is the row's index label (never its
position, also inside one indicator's rows of a long table) and whose
``.column`` is the column; counts in narrow dtypes pool exactly; labelled
arrays are paired by label or refused; the frame is never modified.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import mch_indicators as mch
from contract import promise
from strategies import BAD_COUNTS, narrow_dtypes, row_labels

dd = pytest.importorskip("dask.dataframe")


FEW = settings(max_examples=30, deadline=None)
TEXT_CELLS = ["9,5", "1,2,3", "abc", "1e400", "inf", "-3", "９,５", "12,34"]


def long_table(index: list[object]) -> pd.DataFrame:
    ids = ["MMR", "hospital_delivery_rate", "IMR"]
    return pd.DataFrame(
        {
            "indicator": [ids[i % 3] for i in range(len(index))],
            "numerator": [2.0 + i for i in range(len(index))],
            "denominator": [1000.0 + i for i in range(len(index))],
        },
        index=index,
    )


@promise("labelled", "tables")
@promise("negative", "tables")
@promise("infinite", "tables")
@promise("huge", "tables")
@promise("not-numbers", "tables")
@FEW
@given(
    row_labels,
    st.sampled_from(sorted(BAD_COUNTS)),
    st.sampled_from(["numerator", "denominator"]),
    st.data(),
)
def test_a_bad_cell_is_named_by_its_row_label_and_column(index, bad, column, data):
    frame = long_table(index).astype({column: object})
    position = data.draw(st.integers(0, len(index) - 1))
    frame.iloc[position, frame.columns.get_loc(column)] = data.draw(BAD_COUNTS[bad])
    before = frame.copy()
    for call in (mch.compute, lambda f: mch.pool(f, by=None)):
        with pytest.raises(mch.InvalidInputError) as error:
            call(frame)
        assert error.value.column == column
        assert error.value.row == index[position]
    pd.testing.assert_frame_equal(frame, before)


@promise("text-numbers", "tables")
@FEW
@given(row_labels, st.sampled_from(TEXT_CELLS), st.data())
def test_text_that_is_not_a_number_is_refused_with_its_row(index, cell, data):
    frame = long_table(index).astype({"denominator": object})
    position = data.draw(st.integers(0, len(index) - 1))
    frame.iloc[position, 2] = cell
    with pytest.raises(mch.InvalidInputError) as error:
        mch.compute(frame)
    assert error.value.row == index[position]


@promise("above-denominator", "tables")
@FEW
@given(row_labels, st.data())
def test_long_table_errors_name_the_row_not_its_place_in_the_subset(index, data):
    frame = long_table(index)
    proportions = [i for i, v in enumerate(frame["indicator"]) if v == "hospital_delivery_rate"]
    if not proportions:
        return
    position = data.draw(st.sampled_from(proportions))
    frame.iloc[position, 1] = 10**6  # above its denominator
    with pytest.raises(mch.InvalidInputError) as error:
        mch.compute(frame)
    assert error.value.row == index[position]


@promise("narrow-dtypes", "tables")
@FEW
@given(narrow_dtypes, st.integers(2, 40), st.data())
def test_pooling_narrow_dtypes_sums_exactly(dtype, rows, data):
    top = min(np.iinfo(dtype).max if np.dtype(dtype).kind in "iu" else 60000, 60000)
    births = np.array(data.draw(st.lists(st.integers(1, top), min_size=rows, max_size=rows)))
    deaths = births // 1000
    frame = pd.DataFrame({"city": ["X"] * rows, "maternal_deaths": deaths.astype(dtype),
                          "live_births": births.astype(dtype)})  # fmt: skip
    exact = float(births.astype(dtype).astype(np.int64).sum())
    assert mch.pool(frame, "MMR", by="city")["denominator"].tolist() == [exact]


@promise("narrow-dtypes", "tables")
@pytest.mark.parametrize("dtype", ["float16", "float32", "int8", "uint16"])
def test_dask_pools_narrow_dtypes_in_float64(dtype):
    births = np.array([60000, 60000, 1, 7] if dtype in ("float16", "float32") else [100, 27, 1, 7])
    frame = pd.DataFrame({"city": ["X"] * 4, "maternal_deaths": np.zeros(4, dtype=dtype),
                          "live_births": births.astype(dtype)})  # fmt: skip
    lazy = mch.pool(dd.from_pandas(frame, npartitions=2), "MMR", by="city").compute()
    assert lazy["denominator"].tolist() == [float(births.astype(dtype).astype(float).sum())]


def test_float32_counts_beyond_its_precision_pool_in_float64():
    frame = pd.DataFrame({"c": ["a", "a"], "maternal_deaths": np.float32([1, 1]),
                          "live_births": np.float32([16_777_216, 1])})  # fmt: skip
    assert mch.pool(frame, "MMR", by="c")["denominator"].tolist() == [16_777_217.0]


def test_labelled_series_are_paired_by_label():
    deaths = pd.Series([2, 30], index=["A", "B"])
    births = pd.Series([300_000, 26_954], index=["B", "A"])
    result = mch.compute(indicator="MMR", numerator=deaths, denominator=births)
    assert result.value.round(2).tolist() == [7.42, 10.0]


@promise("labelled", "xarray")
@promise("labels-differ", "xarray", "arrays")
@promise("options", "xarray")
def test_xarray_pairs_by_coordinates_and_refuses_a_confidence_dimension():
    deaths = xr.DataArray([2, 30], dims=["county"], coords={"county": ["A", "B"]})
    births = xr.DataArray([300_000, 26_954], dims=["county"], coords={"county": ["B", "A"]})
    with pytest.raises(mch.InvalidInputError, match="never by position"):
        mch.compute(indicator="MMR", numerator=deaths, denominator=births)
    same = births.sortby("county")
    out = mch.compute(indicator="MMR", numerator=deaths, denominator=same)
    assert out["value"].round(2).values.tolist() == [7.42, 10.0]
    level = xr.DataArray([2, 3], dims=["confidence"])
    with pytest.raises(mch.InvalidInputError, match="confidence"):
        mch.compute(indicator="MMR", numerator=level, denominator=level * 1000)
    with pytest.raises(mch.InvalidInputError, match="pandas and xarray"):
        mch.compute(indicator="MMR", numerator=deaths, denominator=births.to_series())


@pytest.mark.parametrize("confidence", [0.95, (0.9, 0.99)])
def test_dask_long_tables_compute_and_pool_like_pandas(confidence):
    frame = long_table(["a", "b", "c", "d", "e", "f"]).assign(city=["X", "X", "X", "Y", "Y", "Y"])
    lazy = dd.from_pandas(frame, npartitions=2)
    pd.testing.assert_frame_equal(
        mch.compute(lazy, confidence=confidence).compute().reset_index(drop=True),
        mch.compute(frame, confidence=confidence).reset_index(drop=True),
        check_dtype=False,  # dask turns text columns into its string dtype
    )
    pooled = mch.pool(lazy, by="city", confidence=confidence).compute()
    expected = mch.pool(frame, by="city", confidence=confidence)
    sort = ["city", "indicator"]
    pd.testing.assert_frame_equal(
        pooled.sort_values(sort).reset_index(drop=True),
        expected.sort_values(sort).reset_index(drop=True),
        check_dtype=False,
    )


@promise("options", "tables")
@pytest.mark.parametrize(
    ("change", "options"),
    [
        (lambda f: f, {"window": True, "over": "year"}),
        (lambda f: f, {"window": 0, "over": "year"}),
        (lambda f: f, {"window": 2}),
        (lambda f: f.assign(maternal_deaths=f["maternal_deaths"] + 1j), {}),
        (lambda f: f.assign(live_births=True), {}),
    ],
)
def test_bad_pool_arguments_and_columns_are_typed_errors(change, options):
    frame = pd.DataFrame({"year": [2020, 2021], "maternal_deaths": [1.0, 2.0],
                          "live_births": [100.0, 100.0]})  # fmt: skip
    with pytest.raises(mch.InvalidInputError):
        mch.pool(change(frame), "MMR", **options)


@promise("negative", "xarray")
@promise("infinite", "xarray")
@promise("huge", "xarray")
@FEW
@given(st.sampled_from(sorted(set(BAD_COUNTS) - {"not-numbers"})), st.integers(0, 3), st.data())
def test_xarray_names_a_bad_count_by_its_coordinates(bad, position, data):
    value = data.draw(BAD_COUNTS[bad])
    values = np.array([1.0, 2.0, 3.0, 4.0])
    values[position] = float(value) if not isinstance(value, int) else np.inf
    counties = ["A", "B", "C", "D"]
    deaths = xr.DataArray(values, dims=["county"], coords={"county": counties})
    births = xr.DataArray(np.full(4, 1000.0), dims=["county"], coords={"county": counties})
    with pytest.raises(mch.InvalidInputError) as error:
        mch.compute(indicator="MMR", numerator=deaths, denominator=births)
    assert error.value.row == counties[position]
    assert error.value.column == "numerator"
