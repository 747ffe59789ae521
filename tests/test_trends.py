"""Annual rates of reduction, projections, progress to targets and annualisation.

Published figures: methods.md §6 K (UN inter-agency MMR estimates, UNICEF, UN IGME).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mch_indicators as mch

#: The K table prints 8 decimals of percent.
TOL = 5e-9


@pytest.mark.parametrize(
    ("r1", "r2", "t1", "t2", "continuous", "compound", "published"),
    [
        (339, 223, 2000, 2020, 2.09414168, 2.07236680, 2.1),  # K1 global MMR
        (100, 90, 1990, 2015, 0.42144206, 0.42055524, 0.4),  # K2
        (20, 10, 1990, 2015, 2.77258872, 2.73450526, 2.8),  # K3: only the log form gives 2.8
        (3, 1, 1990, 2015, 4.39444915, 4.29929220, 4.4),  # K4 MDG 4, two-thirds in 25 years
        (4, 1, 1990, 2015, 5.54517744, 5.39423533, 5.5),  # K5 MDG 5, three-quarters
        (88, 57, 1990, 2010, 2.17142773, 2.14802196, None),  # K6
        (40, 50, 2010, 2020, -2.23143551, -2.25651826, None),  # K8 a rise is negative
        (50, 50, 2010, 2020, 0.0, 0.0, None),  # K9
    ],
)
def test_arr_reproduces_published_figures(r1, r2, t1, t2, continuous, compound, published):
    assert float(mch.arr(r1, r2, t1, t2)) == pytest.approx(continuous, abs=TOL)
    assert float(mch.arr(r1, r2, t1, t2, form="compound")) == pytest.approx(compound, abs=TOL)
    if published is not None:
        assert round(float(mch.arr(r1, r2, t1, t2)), 1) == published


def test_percent_decline_and_required_rate():
    assert float(mch.percent_decline(339, 223)) == pytest.approx(34.2183, abs=5e-5)  # K1
    # K7: MMR 223 (2020) to 70 by 2030 needs 11.6 % a year (continuous), 10.9 % compound.
    assert float(mch.required_arr(223, 2020, 70, 2030)) == pytest.approx(
        11.5867653, abs=5e-8
    )  # printed to 7 decimals
    compound = mch.required_arr(223, 2020, 70, 2030, form="compound")
    assert float(compound) == pytest.approx(10.9406917, abs=5e-8)
    sdg = mch.targets_for("MMR", plan="sdg_2030")[0]
    assert float(mch.required_arr(216, 2015, sdg)) == pytest.approx(math.log(216 / 70) / 15 * 100)


def test_series_fit_reproduces_the_unicef_aarr_note():
    """K10: a log-linear slope b = −0.06613 gives AARR 1 − e^b = 6.3991 %."""
    years = np.arange(2000, 2011)
    values = 30 * np.exp(-0.06613 * (years - 2000))
    assert float(mch.arr_series(values, years, form="compound")) == pytest.approx(6.3991, abs=5e-5)
    assert float(mch.arr_series(values, years)) == pytest.approx(6.613, abs=1e-9)


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
    rates = mch.arr_series(values, years)
    expected = -np.polyfit(years, np.log(values[0]), 1)[0] * 100
    assert rates[0] == pytest.approx(expected, rel=1e-12)
    kept = [0, 2, 4]
    assert rates[1] == pytest.approx(-np.polyfit(years[kept], np.log(values[1, kept]), 1)[0] * 100)
    assert np.isnan(rates[2])  # one usable year
    assert rates[3] == pytest.approx(0.0, abs=1e-12)  # non-positive values are left out
    along_first = mch.arr_series(values.T, years, axis=0)
    np.testing.assert_array_equal(along_first, rates)


def test_invalid_inputs_are_refused_or_nan():
    with pytest.raises(mch.InvalidInputError, match="t2 must be later than t1"):
        mch.arr(10, 5, 2020, 2020)
    with pytest.raises(mch.InvalidInputError, match="form must be"):
        mch.arr(10, 5, 2010, 2020, form="linear")
    with pytest.raises(mch.InvalidInputError, match="r1 must be numbers"):
        mch.arr("10", 5, 2010, 2020)
    assert np.isnan(mch.arr([0.0], 5, 2010, 2020)[0])  # no logarithm: NaN, no warning
    with pytest.raises(mch.InvalidInputError, match="5 years for series of length 4"):
        mch.arr_series(np.ones(4), np.arange(5))


def test_projection_and_progress_against_catalog_targets():
    hc2030 = mch.targets_for("MMR", plan="healthy_china_2030")[0]  # <= 12 by 2030
    assert float(mch.projection(14.3, 2024, 3.0, 2030)) == pytest.approx(14.3 * math.exp(-0.18))
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
    assert mch.annualize([1150, 300], months=3).tolist() == [4600.0, 1200.0]
    assert float(mch.annualize(31, days=31, year_days=365)) == pytest.approx(365.0)
    with pytest.raises(mch.InvalidInputError, match="exactly one"):
        mch.annualize(10)
    with pytest.raises(mch.InvalidInputError, match="exactly one"):
        mch.annualize(10, months=3, days=90)
    with pytest.raises(mch.InvalidInputError, match="whole numbers from 1 to 12"):
        mch.annualize(10, months=2.5)
    with pytest.raises(mch.InvalidInputError, match="from 1 to 366"):
        mch.annualize(10, days=400)
    with pytest.raises(mch.InvalidInputError, match="counts cannot be negative"):
        mch.annualize([5, -1], months=1)
    quarter = mch.annualize(1150, months=3)
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
        rate = mch.arr(r1, r2, t1, t1 + span, form=form)
        assert float(mch.projection(r1, t1, rate, t1 + span, form=form)) == pytest.approx(
            r2, rel=1e-9
        )


@given(positive, positive, years, st.integers(1, 40))
def test_compound_is_one_minus_exp_of_continuous(r1, r2, t1, span):
    continuous = float(mch.arr(r1, r2, t1, t1 + span)) / 100
    compound = float(mch.arr(r1, r2, t1, t1 + span, form="compound")) / 100
    assert compound == pytest.approx(-math.expm1(-continuous), rel=1e-9, abs=1e-15)
