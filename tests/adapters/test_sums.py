"""The typed table of sums every pooling backend hands to the one finish."""

from __future__ import annotations

import dask.dataframe as dd
import numpy as np
import pandas as pd

import mch_indicators as mch
from mch_indicators._adapters._sums import POOLED, UNITS, Sums, finish
from mch_indicators._options import Options

COUNTS = pd.DataFrame(
    {
        "city": ["X", "X", "X", "Y", "Y"],
        "year": [2021, 2022, 2023, 2022, 2023],
        "maternal_deaths": [1, 2, 0, 3, 1],
        "live_births": [9000, 17954, 5000, 12000, 11000],
    }
)


def test_a_users_column_with_an_engine_name_changes_nothing():
    plain = mch.pool(COUNTS, "MMR", by="city")
    named = COUNTS.assign(**{UNITS: 100, POOLED: 0, "__mch_rows__": 7})
    pooled = mch.pool(named, "MMR", by="city")
    columns = list(plain.columns)
    pd.testing.assert_frame_equal(pooled[columns], plain)
    assert pooled["units"].tolist() == [3, 2]


def test_pooling_a_pooled_table_counts_its_rows_as_units():
    cities = mch.pool(COUNTS, "MMR", by=["city", "year"])
    again = mch.pool(cities, "MMR", numerator="numerator", denominator="denominator", by="city")
    direct = mch.pool(COUNTS, "MMR", by="city")
    assert again["numerator"].tolist() == direct["numerator"].tolist()
    assert again["units"].tolist() == [3, 2]


def test_rolled_sums_are_the_sums_of_each_window_by_hand():
    keys = pd.DataFrame({"city": ["X", "X", "X"], "year": [2021, 2022, 2023]})
    ones = np.ones(3)
    sums = Sums(keys, np.array([1.0, 2.0, 0.0]), np.array([10.0, 20.0, 5.0]), ones, ones)
    rolled = sums.rolled("year", 2)
    assert rolled.keys["period"].tolist() == ["2021–2022", "2022–2023"]
    assert rolled.numerator.tolist() == [3.0, 2.0] and rolled.denominator.tolist() == [30.0, 25.0]
    assert rolled.units.tolist() == [2.0, 2.0]


def test_a_group_with_no_unit_summed_is_missing_and_incomplete_when_short():
    keys = pd.DataFrame({"city": ["X", "Y"]})
    sums = Sums(
        keys, np.array([0.0, 2.0]), np.array([0.0, 900.0]), np.array([2.0, 3.0]),
        np.array([0.0, 2.0]),
    )  # fmt: skip
    out = finish(sums, mch.get("MMR"), Options())
    assert np.isnan(out["value"].iloc[0]) and out["value"].iloc[1] > 0
    assert "INCOMPLETE" in out["flags"].iloc[0] and "INCOMPLETE" in out["flags"].iloc[1]
    assert out["units"].tolist() == [2, 3] and out["units_pooled"].tolist() == [0, 2]


def test_dask_and_pandas_finish_the_same_sums():
    lazy = dd.from_pandas(COUNTS, npartitions=2)
    by_dask = mch.pool(lazy, "MMR", by="city", over="year", window=2).compute()
    by_pandas = mch.pool(COUNTS, "MMR", by="city", over="year", window=2)
    order = ["city", "period"]
    by_dask = by_dask.sort_values(order).reset_index(drop=True)
    pd.testing.assert_frame_equal(by_dask, by_pandas, check_dtype=False, check_categorical=False)
