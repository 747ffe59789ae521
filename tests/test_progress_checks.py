"""Targets and benchmarks checked against what an indicator can be (docs/bad-input.md).

``assess_target`` pairs labelled values and limits by label and refuses limits that
are not an interval around their value, or values outside the indicator's range;
``compare`` refuses a benchmark outside the indicator's range and pairs a Series
benchmark by label; ``trend`` reads its period column as years, not counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mch_indicators as mch
from contract import promise

HC2030 = mch.targets_for("MMR", plan="healthy_china_2030")[0]  # ≤ 12 per 100,000
IMR = mch.targets_for("IMR", plan="healthy_china_2030")[0]
COVERAGE = next(t for t in mch.targets_for("hospital_delivery_rate_cn") if t.value is not None)


@promise("labelled", "trends")
def test_labelled_limits_are_paired_by_label_not_position():
    value = pd.Series([10.0, 20.0], index=["A", "B"])
    lower = pd.Series([15.0, 5.0], index=["B", "A"])  # A: 5-11, B: 15-25
    upper = pd.Series([25.0, 11.0], index=["B", "A"])
    assessed = mch.assess_target(HC2030, value, lower, upper)
    clear = ["met (statistically clear)", "not met (statistically clear)"]
    assert assessed.label.tolist() == clear
    assert assessed.lower.tolist() == [5.0, 15.0]


@promise("labels-differ", "trends")
def test_labels_that_differ_are_refused():
    value = pd.Series([10.0, 20.0], index=["A", "B"])
    other = pd.Series([5.0, 15.0], index=["A", "C"])
    with pytest.raises(mch.InvalidInputError, match="never by position"):
        mch.assess_target(HC2030, value, other, value + 1)


@promise("intervals", "trends")
@pytest.mark.parametrize(
    ("value", "lower", "upper", "message"),
    [
        ([10.0], [12.0], [8.0], r"lower limit above its upper"),
        ([10.0], [11.0], [13.0], r"outside its own interval"),
        ([14.0], [11.0], [13.0], r"outside its own interval"),
    ],
)
def test_limits_that_are_not_an_interval_around_their_value_are_refused(
    value, lower, upper, message
):
    with pytest.raises(mch.InvalidInputError, match=message):
        mch.assess_target(HC2030, value, lower, upper)


@promise("intervals", "trends")
def test_the_refused_row_is_named_by_its_label():
    value = pd.Series([10.0, 20.0], index=["河阳县", "B"])
    with pytest.raises(mch.InvalidInputError, match="'河阳县'"):
        mch.assess_target(HC2030, value, value + 1, value + 2)


@promise("out-of-range", "trends")
def test_values_outside_the_indicators_range_are_refused():
    with pytest.raises(mch.InvalidInputError, match=r"infant_mortality_rate.* from 0"):
        mch.assess_target(IMR, [-1.0], [-2.0], [0.0])
    above = COVERAGE.threshold()
    assert mch.get(COVERAGE.indicator).kind in (mch.Kind.PROPORTION, mch.Kind.COVERAGE)
    if mch.get(COVERAGE.indicator).kind is mch.Kind.PROPORTION:
        with pytest.raises(mch.InvalidInputError, match="100"):
            mch.assess_target(COVERAGE, [101.0], [99.0], [102.0])
    assert np.isfinite(above).all()


def test_missing_values_and_limits_stay_not_evaluable():
    assessed = mch.assess_target(HC2030, [np.nan, 10.0], [np.nan, 8.0], [np.nan, 13.0])
    assert assessed.status.tolist() == ["not evaluable", "met"]


# -- compare --------------------------------------------------------------------------------

COUNTIES = pd.DataFrame(
    {"county": ["A", "B", "C"], "infant_deaths": [30, 95, 60],
     "live_births": [12000, 15000, 14000]},
    index=["a", "b", "c"],
)  # fmt: skip


@promise("out-of-range", "tables")
@pytest.mark.parametrize("benchmark", [-1.0, -0.001, float("inf")])
def test_a_benchmark_outside_the_indicators_range_is_refused(benchmark):
    with pytest.raises(mch.InvalidInputError, match="benchmark"):
        mch.compare(COUNTIES, "IMR", benchmark=benchmark)


@promise("out-of-range", "tables")
def test_a_proportion_benchmark_above_100_percent_is_refused():
    births = pd.DataFrame({"facility_live_births": [90, 95], "live_births": [100, 100]})
    with pytest.raises(mch.InvalidInputError, match=r"benchmark.*100"):
        mch.compare(births, "hospital_delivery_rate_cn", benchmark=200.0)
    assert mch.compare(births, "hospital_delivery_rate_cn", benchmark=100.0)["comparison"].size


@promise("out-of-range", "tables")
def test_a_benchmark_column_outside_the_range_names_its_row():
    frame = COUNTIES.assign(national=[4.0, -4.0, 4.0])
    with pytest.raises(mch.InvalidInputError, match=r"benchmark.*'b'"):
        mch.compare(frame, "IMR", benchmark="national")


@promise("labelled", "tables")
@promise("labels-differ", "tables")
def test_a_series_benchmark_is_paired_by_label():
    national = pd.Series([6.0, 4.0, 4.0], index=["b", "a", "c"])
    out = mch.compare(COUNTIES, "IMR", benchmark=national)
    column = mch.compare(COUNTIES.assign(national=[4.0, 6.0, 4.0]), "IMR", benchmark="national")
    assert out["benchmark"].tolist() == [4.0, 6.0, 4.0]
    assert out["comparison"].tolist() == column["comparison"].tolist()
    with pytest.raises(mch.InvalidInputError, match="never by position"):
        mch.compare(COUNTIES, "IMR", benchmark=pd.Series([4.0, 4.0, 4.0]))


def test_a_series_benchmark_on_dask_is_a_typed_error():
    dd = pytest.importorskip("dask.dataframe")
    lazy = dd.from_pandas(COUNTIES, npartitions=1)
    with pytest.raises(mch.InvalidInputError, match="column"):
        mch.compare(lazy, "IMR", benchmark=pd.Series([4.0, 4.0, 4.0], index=["a", "b", "c"]))


@promise("missing", "arrays")
@promise("masked", "arrays")
def test_a_missing_benchmark_is_not_compared_and_flagged():
    out = mch.stats.compare_to_benchmark(
        [30, 95], [12000, 15000], np.ma.array([4.0, 5.0], mask=[True, False]),
        statistic="rate", multiplier=1000.0,
    )  # fmt: skip
    assert out.comparison.tolist()[0] == "not compared"
    assert mch.stats.flag_labels(out.flags) == ["MISSING", ""]


# -- trend years -----------------------------------------------------------------------------


@promise("years", "tables")
def test_negative_years_are_years_not_counts():
    frame = pd.DataFrame({"year": [-2, -1, 0, 1, 2], "maternal_deaths": [30, 28, 25, 21, 20],
                          "live_births": [100_000] * 5})  # fmt: skip
    out = mch.trend(frame, "MMR")
    shifted = mch.trend(frame.assign(year=frame["year"] + 2022), "MMR")
    assert out["apc"].tolist() == pytest.approx(shifted["apc"].tolist(), rel=1e-9)
    line = mch.trend_line(frame, "MMR")
    assert line["year"].tolist() == [-2, -1, 0, 1, 2]


@promise("years", "tables")
@pytest.mark.parametrize("year", [2020.5, float("inf"), "twenty"])
def test_a_period_that_is_not_a_whole_year_says_year(year):
    frame = pd.DataFrame({"year": [2019, 2020, year], "maternal_deaths": [3, 4, 5],
                          "live_births": [10_000] * 3})  # fmt: skip
    with pytest.raises(mch.InvalidInputError, match="year") as caught:
        mch.trend(frame.astype({"year": object}), "MMR", min_points=3)
    assert "count" not in str(caught.value)
