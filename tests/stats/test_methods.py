"""Every interval method against published values and against statsmodels / scipy.

Reference tables in ``tests/reference/`` (each file's header gives its source, how the
numbers were obtained and the tolerance):

- ``phe_rate_phe_method.csv`` and ``phe_byar_counts.csv``: PHEindicatormethods' test
  spreadsheets (testdata_Rate.xlsx, testdata_Byars_Wilson.xlsx) and live output of
  version 2.1.0, reproduced to 15 digits: rtol 1e-12.
- ``binomial_methods_statsmodels_r.csv`` and ``poisson_methods_statsmodels_r.csv``: R's
  values as quoted in statsmodels' and scipy's test suites, at full precision where they
  print 16 digits and otherwise from the live peers (PHEindicatormethods, epitools):
  rtol 1e-12; the values as printed there (7-8 significant digits at least): rtol 1e-6.

Tolerances against statsmodels' own functions on hypothesis-generated inputs: rtol 1e-12
where both sides evaluate the same closed form or the same special function; an absolute
tolerance of 1e-12 on the proportion scale near 0 (statsmodels' Wilson gives 3.5e-16 at
x = 0 where ours is exactly 0).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

from mch_indicators import InvalidInputError
from mch_indicators.stats import METHODS
from mch_indicators.stats._intervals import poisson_count_limits
from reference_data import case, case_id, load, missing
from strategies import SCALE_UNIT, make_indicator, proportion_pairs


@pytest.mark.parametrize("row", load("phe_rate_phe_method"), ids=case_id)
def test_phe_rate_method_matches_phe(row):
    """PHE rates: exact below 10 events, Byar from 10."""
    result = make_indicator("rate", SCALE_UNIT[row["multiplier"]]).compute(
        row["x"], row["n"], confidence=row["confidence"], method="phe"
    )
    np.testing.assert_allclose(
        [float(result.value), float(result.lower), float(result.upper)],
        [row["value"], row["lower"], row["upper"]],
        rtol=1e-12,
    )


BYAR_COUNTS = load("phe_byar_counts")


@pytest.mark.parametrize(
    "row", [row for row in BYAR_COUNTS if not missing(row["lower"])], ids=case_id
)
def test_byar_count_limits_match_phe(row):
    """PHE's internal Byar limits on the count: Byar's formula even at x = 1."""
    low, high = poisson_count_limits("byar", [row["x"]], row["confidence"])
    np.testing.assert_allclose([low[0], high[0]], [row["lower"], row["upper"]], rtol=1e-12)


def test_byar_lower_limit_never_goes_negative():
    """C13: PHE turns Byar's negative lower limit at x = 1, 99.8 % into NA; we clip to 0."""
    row = case("phe_byar_counts", "C13")
    assert missing(row["lower"])
    low, high = poisson_count_limits("byar", [row["x"]], row["confidence"])
    assert low[0] == 0.0
    np.testing.assert_allclose(high[0], row["upper"], rtol=1e-12)


@pytest.mark.parametrize("row", load("poisson_methods_statsmodels_r"), ids=case_id)
def test_poisson_methods_match_published_values(row):
    result = make_indicator("rate", "fraction").compute(
        row["x"], row["n"], confidence=row["confidence"], method=row["method"]
    )
    np.testing.assert_allclose(
        [float(result.value), float(result.lower), float(result.upper)],
        [row["value"], row["lower"], row["upper"]],
        rtol=1e-12,
    )


def test_byar_is_not_the_x_plus_half_variant():
    """I31: 15 events / 400. PHE's Byar, not the epitools / DescTools x + ½ variant."""
    row = case("poisson_methods_statsmodels_r", "I31")
    result = make_indicator("rate", "fraction").compute(row["x"], row["n"], method="byar")
    limits = np.array([float(result.lower), float(result.upper)])
    np.testing.assert_allclose(limits, [row["lower"], row["upper"]], rtol=1e-12)
    x_plus_half = np.array([row["published_lower"], row["published_upper"]])
    assert (np.abs(limits / x_plus_half - 1) > 0.01).all()


BINOMIAL = load("binomial_methods_statsmodels_r")


@pytest.mark.parametrize("row", BINOMIAL, ids=case_id)
def test_proportion_methods_match_published_values(row):
    result = make_indicator("proportion", "fraction").compute(
        row["x"], row["n"], confidence=row["confidence"], method=row["method"]
    )
    for got, want in ((float(result.lower), row["lower"]), (float(result.upper), row["upper"])):
        if want in (0.0, 1.0):
            assert got == want
        else:
            np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("row", BINOMIAL, ids=case_id)
def test_proportion_methods_match_published_digits(row):
    """The values as R printed them; a Wald limit beyond [0, 1] is clipped (I4)."""
    result = make_indicator("proportion", "fraction").compute(
        row["x"], row["n"], confidence=row["confidence"], method=row["method"]
    )
    published = np.clip([row["published_lower"], row["published_upper"]], 0.0, 1.0)
    for got, want in zip((float(result.lower), float(result.upper)), published, strict=True):
        if want in (0.0, 1.0):
            assert got == want
        else:
            np.testing.assert_allclose(got, want, rtol=1e-6)


STATSMODELS_NAME = {
    "wilson": "wilson",
    "clopper_pearson": "beta",
    "jeffreys": "jeffreys",
    "agresti_coull": "agresti_coull",
    "wald": "normal",
}


@given(
    proportion_pairs(max_n=10**6),
    st.sampled_from([0.8, 0.9, 0.95, 0.99, 0.998]),
    st.sampled_from(sorted(STATSMODELS_NAME)),
)
def test_proportion_methods_agree_with_statsmodels(pair, conf, method):
    x, n = pair
    result = make_indicator("proportion", "fraction").compute(x, n, confidence=conf, method=method)
    low, high = proportion_confint(x, n, alpha=1 - conf, method=STATSMODELS_NAME[method])
    if method == "jeffreys":
        # statsmodels applies no boundary rule; ours is 0 at x = 0 and 1 at x = n
        low = 0.0 if x == 0 else low
        high = 1.0 if x == n else high
    if method == "clopper_pearson" and x == n:
        high = 1.0
    np.testing.assert_allclose(float(result.lower), low, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(float(result.upper), high, rtol=1e-12, atol=1e-12)


@given(
    st.integers(0, 10**6),
    st.integers(1, 10**7),
    st.sampled_from([0.8, 0.9, 0.95, 0.99, 0.998]),
)
def test_exact_poisson_agrees_with_statsmodels(x, n, conf):
    result = make_indicator("rate", "fraction").compute(x, n, confidence=conf, method="exact")
    low, high = confint_poisson(x, n, method="exact-c", alpha=1 - conf)
    np.testing.assert_allclose(float(result.lower), low, rtol=1e-12, atol=0)
    np.testing.assert_allclose(float(result.upper), high, rtol=1e-12)


@given(st.integers(0, 10**6), st.integers(1, 10**7), st.sampled_from([0.9, 0.95, 0.99]))
def test_poisson_wald_agrees_with_statsmodels(x, n, conf):
    result = make_indicator("rate", "fraction").compute(x, n, confidence=conf, method="wald")
    low, high = confint_poisson(x, n, method="wald", alpha=1 - conf)
    np.testing.assert_allclose(float(result.lower), max(low, 0.0), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(float(result.upper), high, rtol=1e-12)


@given(st.integers(10, 5000), st.sampled_from([0.95]))
def test_byar_stays_close_to_exact_from_ten_events(x, conf):
    """PHE technical guide: within 0.2 % of exact at 95 % for 10 or more events."""
    exact = poisson_count_limits("exact", [x], conf)
    byar = poisson_count_limits("byar", [x], conf)
    np.testing.assert_allclose(byar[0], exact[0], rtol=2e-3)
    np.testing.assert_allclose(byar[1], exact[1], rtol=2e-3)


def test_phe_switches_exactly_at_ten():
    rate = make_indicator("rate", "per_1k")
    nine, ten = rate.compute([9, 10], 1000, method="phe"), rate.compute([9, 10], 1000)
    assert nine.lower[0] == ten.lower[0]  # exact below 10
    assert nine.lower[1] != ten.lower[1]  # Byar from 10


def test_zero_events_edge_cases():
    alpha = 0.05
    for method in METHODS["poisson"]:
        result = make_indicator("rate", "fraction").compute(0, 1, method=method)
        assert float(result.lower) == 0.0
    exact = make_indicator("rate", "fraction").compute(0, 1)
    np.testing.assert_allclose(float(exact.upper), -np.log(alpha / 2), rtol=1e-14)
    for method in METHODS["binomial"]:
        zero = make_indicator("proportion", "percent").compute(0, 50, method=method)
        full = make_indicator("proportion", "percent").compute(50, 50, method=method)
        assert float(zero.lower) == 0.0
        assert float(full.upper) == 100.0


def test_method_list():
    assert list(METHODS["binomial"]) == [
        "wilson", "clopper_pearson", "jeffreys", "agresti_coull", "wald",
    ]  # fmt: skip
    assert list(METHODS["poisson"]) == ["exact", "byar", "phe", "wald"]


@pytest.mark.parametrize(
    ("kind", "method", "message"),
    [
        ("ratio", "clopper_pearson", "is for binomial data and does not fit a ratio"),
        ("proportion", "byar", "is for poisson data and does not fit a proportion"),
        ("rate", "bogus", "unknown interval method 'bogus'"),
    ],
)
def test_method_must_fit_kind(kind, method, message):
    with pytest.raises(InvalidInputError, match=message):
        make_indicator(kind, "percent").compute(1, 10, method=method)


def test_coverage_interval_treats_the_denominator_as_fixed():
    """Coverage: exact Poisson on the numerator over a fixed planned denominator."""
    result = make_indicator("coverage", "percent").compute(21928, 20000)
    low, high = confint_poisson(21928, 20000, method="exact-c", alpha=0.05)
    np.testing.assert_allclose(
        [float(result.lower), float(result.upper)], [low * 100, high * 100], rtol=1e-12
    )
