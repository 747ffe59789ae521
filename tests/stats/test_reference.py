"""Intervals against published reference values and independent implementations.

The reference values are tables in ``tests/reference/`` (see each file's header for
its source, how the numbers were obtained and the tolerance):

- ``phe_proportion_wilson.csv``: PHEindicatormethods' Wilson intervals (its test
  spreadsheets testdata_Proportion.xlsx and testdata_Byars_Wilson.xlsx, cases A, AP
  and C, and live output of version 2.1.0 at edge cases, G);
- ``phe_rate_exact.csv``: its exact Poisson intervals below 10 events (testdata_Rate.xlsx,
  cases B and BP; live output, G).

Tolerances: rtol 1e-12, the reference values being reproduced to 15 digits by the live
package (an independent transcription of PHE's formulas agreed with it within 7.6e-15
relative); a reference limit of 0 is checked for exact equality.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import mch_indicators as mch
from reference_data import case, case_id, load
from strategies import SCALE_UNIT, make_indicator


def _check(result, row, rtol):
    np.testing.assert_allclose(float(result.value), row["value"], rtol=rtol)
    for got, want in ((float(result.lower), row["lower"]), (float(result.upper), row["upper"])):
        if want == 0:
            assert got == 0.0
        else:
            np.testing.assert_allclose(got, want, rtol=rtol)


@pytest.mark.parametrize("row", load("phe_proportion_wilson"), ids=case_id)
def test_wilson_matches_phe(row):
    indicator = make_indicator("proportion", SCALE_UNIT[row["multiplier"]])
    result = indicator.compute(row["x"], row["n"], confidence=row["confidence"])
    _check(result, row, rtol=1e-12)


@pytest.mark.parametrize("row", load("phe_rate_exact"), ids=case_id)
def test_exact_poisson_matches_phe(row):
    indicator = make_indicator("rate", SCALE_UNIT[row["multiplier"]])
    result = indicator.compute(row["x"], row["n"], confidence=row["confidence"])
    _check(result, row, rtol=1e-12)


def test_headline_city_mmr():
    """2 deaths in 26,954 live births is 7.42/10万, CI 0.90-26.80 (published_figures.csv)."""
    figure = case("published_figures", "city_mmr")
    result = mch.get(figure["indicator"]).compute(figure["numerator"], figure["denominator"])
    places = figure["places"]
    for got, want in (
        (result.value, figure["published"]),
        (result.lower, figure["published_lower"]),
        (result.upper, figure["published_upper"]),
    ):
        assert f"{float(got):.{places}f}" == f"{want:.{places}f}"
    assert str(result) == "7.42 per 100,000 live births (95% CI 0.90–26.80) [UNRELIABLE]"
    counts = figure["numerator"], figure["denominator"]
    assert mch.get("MMR").compute(*counts, reliability=None).format() == (
        "7.42 per 100,000 live births (95% CI 0.90–26.80)"
    )


@pytest.mark.parametrize("x", [0, 1, 2, 5, 9, 10, 37, 250, 4321, 10**6])
@pytest.mark.parametrize("conf", [0.8, 0.9, 0.95, 0.99, 0.998])
def test_exact_poisson_equals_scipy_chi2(x, conf):
    """Garwood limits are chi-square quantiles: rtol 1e-12 against scipy.stats.chi2."""
    n = 26954.0
    result = make_indicator("ratio", "fraction").compute(x, n, confidence=conf)
    alpha = 1 - conf
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2 / n
    np.testing.assert_allclose(float(result.upper), upper, rtol=1e-12)
    if x == 0:
        assert float(result.lower) == 0.0
        np.testing.assert_allclose(float(result.upper) * n, -np.log(alpha / 2), rtol=1e-12)
    else:
        lower = stats.chi2.ppf(alpha / 2, 2 * x) / 2 / n
        np.testing.assert_allclose(float(result.lower), lower, rtol=1e-12)


def test_exact_poisson_on_many_repeated_counts_equals_direct_evaluation():
    """The distinct-count shortcut must give the same numbers as evaluating every element."""
    rng = np.random.default_rng(7)
    x = rng.poisson(3.0, size=50_000).astype(float)
    x[::97] = rng.integers(0, 5000, size=x[::97].size)
    n = rng.integers(1000, 30000, size=x.size).astype(float)
    result = make_indicator("rate", "fraction").compute(x, n)
    upper = stats.chi2.ppf(0.975, 2 * x + 2) / 2 / n
    lower = np.where(x > 0, stats.chi2.ppf(0.025, 2 * x) / 2 / n, 0.0)
    np.testing.assert_allclose(result.upper, upper, rtol=1e-12)
    np.testing.assert_allclose(result.lower, lower, rtol=1e-12, atol=0)


def test_non_integer_counts_are_computed_directly():
    x = np.linspace(0.5, 40.5, 5000)
    result = make_indicator("rate", "fraction").compute(x, 1.0)
    np.testing.assert_allclose(result.upper, stats.chi2.ppf(0.975, 2 * x + 2) / 2, rtol=1e-12)


@pytest.mark.parametrize("method", ["exact", "byar", "phe", "wald"])
def test_tabulated_counts_equal_direct_evaluation(method):
    """Large inputs of whole counts use a lookup table; it must change no number.

    The array mixes whole and fractional counts, missing counts and zero
    denominators, across several blocks and threads.
    """
    rng = np.random.default_rng(11)
    x = rng.poisson(4.0, size=300_000).astype(float)
    n = rng.integers(100, 30000, size=x.size).astype(float)
    x[70_000:70_010] += 0.5  # one block of non-whole counts
    n[5] = 0.0
    big = make_indicator("rate", "per_1k").compute(
        x, n, confidence=(0.9, 0.95), method=method, reliability=None
    )
    sample = np.r_[0:20, 69_990:70_020, rng.integers(0, x.size, 200)]
    small = make_indicator("rate", "per_1k").compute(
        x[sample], n[sample], confidence=(0.9, 0.95), method=method, reliability=None
    )
    for level in (0.9, 0.95):
        for got, want in zip(big.interval(level), small.interval(level), strict=True):
            np.testing.assert_array_equal(got[sample], want)
    assert big.flags[5] == mch.Flag.ZERO_DENOMINATOR
