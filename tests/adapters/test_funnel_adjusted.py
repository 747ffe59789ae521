"""The over-dispersed funnel limits a plot draws, and the funnel table's metadata."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtri

import mch_indicators as mch
from mch_indicators import stats


def _latest_imr() -> pd.DataFrame:
    source = resources.files("mch_indicators.datasets") / "example_prefecture.csv"
    with resources.as_file(source) as path:
        table = pd.read_csv(path)
    imr = table.query("indicator == 'infant_mortality_rate' and year == 2024")
    return imr.rename(columns={"numerator": "infant_deaths", "denominator": "live_births"})


def test_rate_limits_use_the_expected_events_of_the_population() -> None:
    # every area exactly at the average: phi = 0, so the multiplicative limits are the
    # plain square-root-scale limits r·(1 ± z/(2√E))² with E = population × average rate
    population = np.array([10_000.0, 20_000.0, 40_000.0])
    events = population * 0.004
    rate = events / population * 1e5
    d = stats.funnel_dispersion(events, population, rate=rate, statistic="rate",
                                rate_type="crude", model="multiplicative")  # fmt: skip
    assert d.phi == pytest.approx(0.0, abs=1e-20)
    lower, upper = d.limits([25_000.0])
    expected_events = 25_000.0 * 0.004
    for i, level in enumerate((0.95, 0.998)):
        half = ndtri(0.5 + level / 2) / (2 * np.sqrt(expected_events))
        assert lower[i, 0] == pytest.approx(400.0 * (1 - half) ** 2, rel=1e-12)
        assert upper[i, 0] == pytest.approx(400.0 * (1 + half) ** 2, rel=1e-12)
    # and the normal approximation is close to the exact Poisson funnel at 100 events
    low, high = stats.poisson_ci(expected_events, confidence=0.95)
    assert lower[0, 0] == pytest.approx(float(low) / expected_events * 400.0, rel=0.02)
    assert upper[0, 0] == pytest.approx(float(high) / expected_events * 400.0, rel=0.02)


def test_funnel_table_carries_the_adjusted_limits() -> None:
    latest = _latest_imr()
    table = mch.funnel(latest, "IMR", dispersion="additive")
    assert table.indicator == "infant_mortality_rate" and table.statistic == "rate"
    adjusted = table.adjusted
    assert adjusted is not None and len(adjusted) == 100
    assert list(adjusted.columns) == [
        "x", "lower_2s_limit", "upper_2s_limit", "lower_3s_limit", "upper_3s_limit",
    ]  # fmt: skip
    points = table.points
    d = stats.funnel_dispersion(latest.infant_deaths, latest.live_births,
                                rate=latest.infant_deaths / latest.live_births * 1000,
                                statistic="rate", rate_type="crude", multiplier=1000)  # fmt: skip
    lower, upper = d.limits(adjusted.x.to_numpy())
    np.testing.assert_allclose(adjusted.lower_2s_limit, lower[0], rtol=1e-12)
    np.testing.assert_allclose(adjusted.upper_3s_limit, upper[1], rtol=1e-12)
    assert adjusted.x.min() <= points.x.min() and adjusted.x.max() >= points.x.max()
    # an area outside the adjusted 95 % funnel is the one flagged by the adjusted z
    flagged = points.adjusted_significance != "not significant"
    at = np.interp(points.x, adjusted.x, adjusted.upper_2s_limit)
    below = np.interp(points.x, adjusted.x, adjusted.lower_2s_limit)
    outside = (points.value > at) | (points.value < below)
    assert (outside == flagged).all()


def test_without_dispersion_there_are_no_adjusted_limits() -> None:
    table = mch.funnel(_latest_imr(), "IMR")
    assert table.adjusted is None


def test_proportion_adjusted_limits_share_the_funnel_grid() -> None:
    data = pd.DataFrame(
        {
            "county": list("ABCDEFGH"),
            "facility_live_births": [9800, 15100, 7700, 12600, 4400, 8000, 9000, 5000],
            "live_births": [10000, 16000, 8000, 13000, 4500, 8100, 9300, 5200],
        }
    )
    table = mch.funnel(data, "hospital_delivery_rate_cn", dispersion="multiplicative", by=None)
    assert table.adjusted is not None
    np.testing.assert_array_equal(table.adjusted.x, table.limits.population)
