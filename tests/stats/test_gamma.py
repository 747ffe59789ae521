"""Exact Poisson limits on any count: the table, the Newton iteration and the large-count series.

References and tolerances:

- ``poisson_exact_qgamma_r.csv``: R's ``qgamma`` (an independent implementation) at every
  branch of the library's exact limits, nine levels from 50 % to 1 - 1e-10: relative 1e-14.
- scipy: ``chi2.ppf(p, 2k) / 2`` is ``gammaincinv(k, p)``. Ten million random counts up to
  10^9 at the usual levels, the lower limit against ``gammaincinv(k, alpha/2)`` and the upper
  against ``gammaincinv(k + 1, 1 - alpha/2)``: relative 1e-14. (At tails below about 1e-6
  and shapes above about 10^6 scipy's own quantile is off by up to 1e-5; R and mpmath agree
  with the library there, see ``test_extreme_tails_follow_r_not_scipy``.)
- The first coefficients of the series are the classical Cornish-Fisher ones (exact).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

from mch_indicators import stats
from mch_indicators.stats import _gamma
from mch_indicators.stats._intervals import TABLE_SIZE, count_table, poisson_count_limits
from reference_data import case_id, load

R_ROWS = load("poisson_exact_qgamma_r")


def _relative(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    want = np.asarray(want, dtype=np.float64)
    return np.abs(got - want) / np.where(want == 0, 1.0, np.abs(want))


@pytest.mark.parametrize("row", R_ROWS, ids=case_id)
def test_exact_limits_match_r_qgamma_at_every_branch(row):
    lower, upper = poisson_count_limits("exact", [row["count"]], row["level"])
    assert _relative(lower, [row["lower"]])[0] <= 1e-14
    assert _relative(upper, [row["upper"]])[0] <= 1e-14


def test_the_reference_covers_every_branch():
    """Each level's rows straddle the series' start and the end of the table."""
    for level in {row["level"] for row in R_ROWS}:
        counts = {row["count"] for row in R_ROWS if row["level"] == level}
        table = count_table("exact", 1.0 - level)
        start = table.series_from
        assert {start - 1, start, start + 1, start - 0.5, start + 0.5} <= counts
        assert {TABLE_SIZE - 1, TABLE_SIZE, TABLE_SIZE + 1, 2.0**53} <= counts


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_exact_limits_match_scipy_on_ten_million_counts(level):
    """Random whole counts up to 10^9 (and every count below 5,000): the chi-square quantiles."""
    rng = np.random.default_rng(int(level * 1000))
    size = 10_000_000 if level == 0.95 else 1_000_000
    x = np.concatenate([np.arange(5000.0), np.floor(rng.uniform(0, 1e9, size))])
    lower, upper = stats.poisson_ci(x, confidence=level)  # the engine: blocks, threads, kernels
    alpha = 1.0 - level
    some = x > 0
    want_lower = special.gammaincinv(x[some], alpha / 2)
    want_upper = special.gammaincinv(x + 1.0, 1.0 - alpha / 2)
    assert _relative(lower[some], want_lower).max() <= 1e-14
    assert (lower[~some] == 0).all()
    assert _relative(upper, want_upper).max() <= 1e-14


def test_extreme_tails_follow_r_not_scipy():
    """At a tail of 2.5e-7 and 10^7 events scipy's quantile drifts; R's and ours agree."""
    rows = [row for row in R_ROWS if row["level"] == 0.999999 and row["count"] >= 1e6]
    x = np.array([row["count"] for row in rows])
    lower, _ = poisson_count_limits("exact", x, 0.999999)
    want = np.array([row["lower"] for row in rows])
    assert _relative(lower, want).max() <= 1e-14
    assert _relative(special.gammaincinv(x, 5e-7), want).max() > 1e-7  # scipy's own drift


def test_the_series_starts_with_the_classical_coefficients():
    for z in (-2.5, -1.0, 0.3, 1.959963984540054):
        c = _gamma._polynomials_at(z)
        assert c[0] == pytest.approx((z * z - 1) / 3, rel=1e-15)
        assert c[1] == pytest.approx((z**3 - 7 * z) / 36, rel=1e-14)


@pytest.mark.parametrize("tail", [0.25, 0.025, 5e-4, 5e-11])
def test_newton_below_the_series_solves_the_poisson_tails(tail):
    """The table's whole counts: P(k, lower) and Q(k + 1, upper) are the tail (scipy's P, Q)."""
    table = count_table("exact", 2 * tail)
    k = np.arange(1.0, table.series_from)
    np.testing.assert_allclose(special.gammainc(k, table.low[1 : k.size + 1]), tail, rtol=1e-12)
    np.testing.assert_allclose(
        special.gammaincc(k + 1, table.high[1 : k.size + 1]), tail, rtol=1e-12
    )
    assert table.low[0] == 0.0
    assert table.high[0] == pytest.approx(-math.log(tail), rel=1e-15)  # Q(1, x) = e^-x
    assert table.low[1] == pytest.approx(-math.log1p(-tail), rel=1e-15)  # P(1, x) = 1 - e^-x


def test_limits_grow_with_the_count_across_every_branch():
    table = count_table("exact", 0.05)
    x = np.arange(0.0, 3 * TABLE_SIZE)
    lower, upper = poisson_count_limits("exact", x, 0.95)
    assert (np.diff(lower) > 0).all() and (np.diff(upper) > 0).all()
    assert (lower < x + (x == 0)).all() and (upper > x).all()
    assert table.size == TABLE_SIZE


def test_the_first_call_needs_no_scipy():
    """Whole counts and the normal quantile come from numpy and the standard library."""
    import subprocess
    import sys

    code = (
        "import sys, mch_indicators as mch; "
        "mch.get('MMR').compute(2, 26954); mch.get('hospital_delivery_rate_cn').compute(9, 10); "
        "print('scipy' in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert found.stdout.strip() == "False", found.stderr
