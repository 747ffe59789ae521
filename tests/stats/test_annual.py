"""Annual rates of reduction, projections, progress to targets and annualisation.

Published figures: ``tests/reference/arr_published.csv`` and
``arr_regression_published.csv`` (cases K; UN inter-agency MMR estimates, UNICEF, UN IGME;
each file's header gives the sources and tolerances).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mch_indicators as mch
from reference_data import case, case_id, load, missing


@pytest.mark.parametrize("row", load("arr_published"), ids=case_id)
def test_arr_reproduces_published_figures(row):
    r1, r2, t1, t2, tol = row["r1"], row["r2"], row["t1"], row["t2"], row["abs_tol"]
    assert float(mch.stats.arr(r1, r2, t1, t2)) == pytest.approx(row["continuous"], abs=tol)
    compound = float(mch.stats.arr(r1, r2, t1, t2, form="compound"))
    assert compound == pytest.approx(row["compound"], abs=tol)
    if not missing(row["published"]):  # K3-K5: only the continuous form rounds to it
        assert round(float(mch.stats.arr(r1, r2, t1, t2)), 1) == row["published"]


def test_percent_decline_and_required_rate():
    k1 = case("arr_published", "K1")
    assert float(mch.stats.percent_decline(k1["r1"], k1["r2"])) == pytest.approx(
        k1["percent_decline"], abs=5e-5
    )
    # K7: MMR 223 (2020) to 70 by 2030 needs 11.6 % a year (continuous), 10.9 % compound.
    k7 = case("arr_published", "K7")
    args = k7["r1"], k7["t1"], k7["r2"], k7["t2"]
    assert float(mch.required_arr(*args)) == pytest.approx(k7["continuous"], abs=k7["abs_tol"])
    compound = mch.required_arr(*args, form="compound")
    assert float(compound) == pytest.approx(k7["compound"], abs=k7["abs_tol"])
    sdg = mch.targets_for("MMR", plan="sdg_2030")[0]
    assert float(mch.required_arr(216, 2015, sdg)) == pytest.approx(math.log(216 / 70) / 15 * 100)


def test_series_fit_reproduces_the_unicef_aarr_note():
    """K10: a log-linear slope b = −0.06613 gives AARR 1 − e^b = 6.3991 %, published 6.4 %."""
    k10 = case("arr_regression_published", "K10")
    years = np.arange(2000, 2011)
    values = 30 * np.exp(k10["slope"] * (years - 2000))
    compound = float(mch.stats.arr_series(values, years, form="compound"))
    assert compound == pytest.approx(k10["compound"], abs=5e-5)
    assert round(compound, 1) == k10["published"]
    assert float(mch.stats.arr_series(values, years)) == pytest.approx(k10["continuous"], abs=1e-9)


def test_series_fit_is_vectorised_and_skips_missing_years():
    years = np.array([2018, 2019, 2020, 2021, 2022])
    values = np.array(
        [
            [20.0, 19.0, 18.0, 17.0, 16.0],
            [10.0, np.nan, 9.0, np.nan, 8.0],
            [5.0, np.nan, np.nan, np.nan, np.nan],
            [4.0, 0.0, -1.0, 4.0, 4.0],
        ]
    )
    rates = mch.stats.arr_series(values, years)
    expected = -np.polyfit(years, np.log(values[0]), 1)[0] * 100
    assert rates[0] == pytest.approx(expected, rel=1e-12)
    kept = [0, 2, 4]
    assert rates[1] == pytest.approx(-np.polyfit(years[kept], np.log(values[1, kept]), 1)[0] * 100)
    assert np.isnan(rates[2])  # one usable year
    assert rates[3] == pytest.approx(0.0, abs=1e-12)  # non-positive values are left out
    along_first = mch.stats.arr_series(values.T, years, axis=0)
    np.testing.assert_array_equal(along_first, rates)


def test_invalid_inputs_are_refused_or_nan():
    with pytest.raises(mch.InvalidInputError, match="t2 must be later than t1"):
        mch.stats.arr(10, 5, 2020, 2020)
    with pytest.raises(mch.InvalidInputError, match="form must be"):
        mch.stats.arr(10, 5, 2010, 2020, form="linear")
    with pytest.raises(mch.InvalidInputError, match="r1 must be numbers"):
        mch.stats.arr("10", 5, 2010, 2020)
    assert np.isnan(mch.stats.arr([0.0], 5, 2010, 2020)[0])  # no logarithm: NaN, no warning
    with pytest.raises(mch.InvalidInputError, match="5 years for series of length 4"):
        mch.stats.arr_series(np.ones(4), np.arange(5))


def test_projection_and_progress_against_catalog_targets():
    hc2030 = mch.targets_for("MMR", plan="healthy_china_2030")[0]  # <= 12 by 2030
    assert float(mch.stats.projection(14.3, 2024, 3.0, 2030)) == pytest.approx(
        14.3 * math.exp(-0.18)
    )
    areas = np.array([11.0, 14.3, 14.3, np.nan, 14.3])
    rates = np.array([1.0, 3.5, 1.0, 2.0, np.nan])
    status = mch.progress(hc2030, areas, 2024, rate=rates)
    assert status.tolist() == ["achieved", "on track", "not on track", "not evaluable",
                               "not evaluable"]  # fmt: skip
    assert (status == mch.Progress.ON_TRACK).sum() == 1
    needed = float(mch.required_arr(14.3, 2024, hc2030))
    at_needed = mch.progress(hc2030, 14.3, 2024, rate=needed + 1e-9)
    assert at_needed.tolist() == "on track"
    # after the target's year: achieved or missed, never an exception in a table
    late = mch.progress(hc2030, [11.0, 14.3, np.nan], 2031, rate=[1.0, 1.0, np.nan])
    assert late.tolist() == ["achieved", "missed", "not evaluable"]


def test_progress_against_a_relative_target():
    stunting = mch.targets_for("stunting_prevalence_u5", plan="global_nutrition_2030")[0]
    status = mch.progress(stunting, [6.0, 9.0, 9.0], 2024, rate=[0.0, 8.0, 1.0], baseline=10.0)
    assert status.tolist() == ["achieved", "on track", "not on track"]
    # without its baseline: a status for every area, not an exception
    assert mch.progress(stunting, [6.0, 9.0], 2024, rate=1.0).tolist() == ["needs baseline"] * 2


def test_standing_criteria_are_met_or_not_on_track():
    emtct = mch.targets_for("hiv_mtct_rate", plan="cn_emtct")[0]  # < 2 %, no year
    assert mch.progress(emtct, [1.5, 3.0], 2024, rate=10.0).tolist() == [
        "achieved",
        "not on track",
    ]


def test_annualize_is_explicit_and_checked():
    assert mch.stats.annualize([1150, 300], months=3).tolist() == [4600.0, 1200.0]
    assert float(mch.stats.annualize(31, days=31, year_days=365)) == pytest.approx(365.0)
    with pytest.raises(mch.InvalidInputError, match="exactly one"):
        mch.stats.annualize(10)
    with pytest.raises(mch.InvalidInputError, match="exactly one"):
        mch.stats.annualize(10, months=3, days=90)
    with pytest.raises(mch.InvalidInputError, match="whole numbers from 1 to 12"):
        mch.stats.annualize(10, months=2.5)
    with pytest.raises(mch.InvalidInputError, match="from 1 to 366"):
        mch.stats.annualize(10, days=400)
    with pytest.raises(mch.InvalidInputError, match="counts cannot be negative"):
        mch.stats.annualize([5, -1], months=1)
    quarter = mch.stats.annualize(1150, months=3)
    coverage = mch.get("anc4_coverage_hmis").compute(quarter, 5000)
    assert float(coverage.value) == pytest.approx(92.0)


positive = st.floats(0.01, 1e5, allow_nan=False)
years = st.integers(1950, 2040)


@given(positive, st.floats(1e-3, 1e3), years, st.integers(1, 40))
def test_projection_at_the_arr_returns_the_end_value(r1, change, t1, span):
    # Changes up to a thousandfold either way: beyond that the compound rate, a percent
    # within 1e-7 of 100, no longer carries nine significant digits of (1 − rate/100).
    r2 = r1 * change
    for form in ("continuous", "compound"):
        rate = mch.stats.arr(r1, r2, t1, t1 + span, form=form)
        assert float(mch.stats.projection(r1, t1, rate, t1 + span, form=form)) == pytest.approx(
            r2, rel=1e-9
        )


@given(positive, positive, years, st.integers(1, 40))
def test_compound_is_one_minus_exp_of_continuous(r1, r2, t1, span):
    continuous = float(mch.stats.arr(r1, r2, t1, t1 + span)) / 100
    compound = float(mch.stats.arr(r1, r2, t1, t1 + span, form="compound")) / 100
    assert compound == pytest.approx(-math.expm1(-continuous), rel=1e-9, abs=1e-15)
