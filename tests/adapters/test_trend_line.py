"""mch.trend_line: the fitted line a trend chart draws, checked against statsmodels' GLM."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mch_indicators as mch
from mch_indicators import InvalidInputError

DEATHS = {"A": [95, 88, 80, 74, 66], "B": [3, 0, 1, 0, 2], "C": [0, 0, 0, 0, 0]}


def _frame() -> pd.DataFrame:
    rows = [
        {"county": county, "year": 2020 + i, "infant_deaths": d, "live_births": 12000}
        for county, deaths in DEATHS.items()
        for i, d in enumerate(deaths)
    ]
    return pd.DataFrame(rows)


def test_line_matches_statsmodels_quasipoisson_predictions() -> None:
    sm = pytest.importorskip("statsmodels.api")
    line = mch.trend_line(_frame(), "IMR", by="county", to=2030).query("county == 'A'")
    y = np.array(DEATHS["A"], dtype=float)
    t = np.arange(2020, 2025) - 2022.0
    model = sm.GLM(y, sm.add_constant(t), family=sm.families.Poisson(),
                   offset=np.log(np.full(5, 12000.0))).fit(scale="X2", use_t=True)  # fmt: skip
    years = np.arange(2020, 2031)
    exog = np.column_stack([np.ones(years.size), years - 2022.0])
    frame = model.get_prediction(exog, offset=np.log(np.full(years.size, 1000.0))).summary_frame()
    # tolerance: the two IRLS fits converge to 1e-11; the numbers agree to 1e-9 relative
    np.testing.assert_allclose(line.fitted, frame["mean"], rtol=1e-9)
    np.testing.assert_allclose(line.fitted_lower, frame["mean_ci_lower"], rtol=1e-9)
    np.testing.assert_allclose(line.fitted_upper, frame["mean_ci_upper"], rtol=1e-9)


def test_line_agrees_with_the_projection_of_mch_trend() -> None:
    target = mch.targets_for("IMR", plan="healthy_china_2030")[0]
    summary = mch.trend(_frame(), "IMR", by="county", target=target).set_index("county")
    line = mch.trend_line(_frame(), "IMR", by="county", to=target.year)
    at_target = line[line.year == target.year].set_index("county")
    np.testing.assert_allclose(at_target.fitted, summary.projected, rtol=1e-12)
    np.testing.assert_allclose(at_target.fitted_upper, summary.projected_upper, rtol=1e-12)


def test_rows_years_and_projection_flags() -> None:
    line = mch.trend_line(_frame(), "IMR", by="county", to=2026)
    assert len(line) == 3 * 7
    assert line.year.tolist()[:7] == list(range(2020, 2027))
    assert line.projected.tolist()[:7] == [False] * 5 + [True] * 2
    assert line.query("county == 'C'").fitted.isna().all()  # no events: no trend
    assert line.year.dtype == np.int64


def test_without_to_the_line_stops_at_the_last_year_and_inputs_stay() -> None:
    frame = _frame()
    before = frame.copy()
    line = mch.trend_line(frame, "IMR", by="county")
    assert line.year.max() == 2024 and not line.projected.any()
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize("to", [2030.5, "2030", True])
def test_to_must_be_a_year(to: object) -> None:
    with pytest.raises(InvalidInputError, match="to= must be a year"):
        mch.trend_line(_frame(), "IMR", by="county", to=to)  # type: ignore[arg-type]


# -- prediction intervals ------------------------------------------------------------------------


def test_prediction_columns_are_the_trend_prediction_with_each_years_births() -> None:
    frame = _frame()
    frame.loc[(frame.county == "A") & (frame.year == 2022), "live_births"] = 9000
    line = mch.trend_line(frame, "IMR", by="county", to=2030).query("county == 'A'")
    fit = mch.stats.trend(np.array(DEATHS["A"], float), frame.query("county == 'A'").live_births,
                          range(2020, 2025), multiplier=1000)  # fmt: skip
    births = np.array([12000, 12000, 9000, 12000, 12000] + [12000] * 6, dtype=float)
    np.testing.assert_array_equal(line.prediction_denominator, births)
    _, low, high = fit.prediction(np.arange(2020, 2031), births)
    np.testing.assert_allclose(line.prediction_lower, low, rtol=1e-12)
    np.testing.assert_allclose(line.prediction_upper, high, rtol=1e-12)
    assert (line.prediction_lower <= line.fitted_lower).all()
    assert (line.prediction_upper >= line.fitted_upper).all()


def test_assumed_denominator_for_years_without_counts() -> None:
    line = mch.trend_line(_frame(), "IMR", by="county", to=2030, assumed_denominator=30000)
    a = line.query("county == 'A'")
    assert a.prediction_denominator.tolist() == [12000.0] * 5 + [30000.0] * 6
    wide = mch.trend_line(_frame(), "IMR", by="county", to=2030).query("county == 'A'")
    later = a.year > 2024
    assert ((a.prediction_upper - a.prediction_lower)[later]
            < (wide.prediction_upper - wide.prediction_lower)[later]).all()  # fmt: skip
    with pytest.raises(InvalidInputError, match="assumed_denominator"):
        mch.trend_line(_frame(), "IMR", by="county", assumed_denominator=0)


def test_trend_with_a_target_gives_the_prediction_at_the_target_year() -> None:
    target = mch.targets_for("IMR", plan="healthy_china_2030")[0]
    summary = mch.trend(_frame(), "IMR", by="county", target=target).set_index("county")
    line = mch.trend_line(_frame(), "IMR", by="county", to=target.year)
    at_target = line[line.year == target.year].set_index("county")
    np.testing.assert_allclose(summary.prediction_upper, at_target.prediction_upper, rtol=1e-12)
    np.testing.assert_allclose(summary.prediction_lower, at_target.prediction_lower, rtol=1e-12)
    assert (summary.prediction_denominator.dropna() == 12000).all()


def test_a_table_with_no_rows_gives_no_line_and_a_trend_that_says_why() -> None:
    # A filter that leaves no rows reached numpy's min of an empty array (a ValueError).
    empty = pd.DataFrame({"year": [], "deaths": [], "births": []})
    counts = {"numerator": "deaths", "denominator": "births"}
    line = mch.trend_line(empty, "MMR", **counts)
    full = mch.trend_line(pd.DataFrame({"year": [2020, 2021], "deaths": [1, 2],
                                        "births": [9000, 9100]}), "MMR", **counts)  # fmt: skip
    assert line.empty and list(line.columns) == list(full.columns)
    trend = mch.trend(empty, "MMR", **counts)
    assert trend["points"].tolist() == [0] and trend["first"].isna().all()
    assert trend["reason"].tolist() == ["fewer than 5 years with counts"]
