"""Two-sample comparisons and benchmarks against statsmodels and R.

Tolerances: 1e-8 relative against statsmodels 0.14+ (``test_poisson_2indep(method=
"exact-cond")``, ``confint_proportions_2indep(method="newcomb")``,
``test_proportions_2indep(method="score", correction=False)``, and its Clopper–Pearson
interval mapped to the rate ratio); 1e-9 against R's ``poisson.test`` (stored live, see
tests/reference/r_poisson_test_two_sample.csv). Agreement found: about 1e-15.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats import proportion as sm_proportion
from statsmodels.stats import rates as sm_rates

from contract import promise
from mch_indicators import InvalidInputError, stats


def quietly(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a peer; its own warnings (0/0 in statistics we do not use) are not ours."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


R_TWO_SAMPLE = pd.read_csv(
    Path(__file__).parents[1] / "reference" / "r_poisson_test_two_sample.csv", comment="#"
)


def test_rate_ratio_matches_r_poisson_test() -> None:
    r = R_TWO_SAMPLE
    got = stats.compare_rates(r.x1, r.n1, r.x2, r.n2)
    np.testing.assert_allclose(got.ratio, r.ratio, rtol=1e-9)
    np.testing.assert_allclose(got.lower, r.lower, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(got.upper, r.upper, rtol=1e-9)
    np.testing.assert_allclose(got.p_value, r.p_value, rtol=1e-9)


@promise("edge-counts", "arrays")
@given(st.integers(0, 400), st.integers(1, 10**6), st.integers(0, 400), st.integers(1, 10**6))
def test_rate_ratio_matches_statsmodels(x1: int, n1: int, x2: int, n2: int) -> None:
    got = stats.compare_rates(x1, n1, x2, n2)
    if x1 + x2 == 0:
        assert np.isnan(got.ratio) and np.isnan(got.p_value)
        return
    expected_p = quietly(sm_rates.test_poisson_2indep, x1, n1, x2, n2, method="exact-cond").pvalue
    assert float(got.p_value) == pytest.approx(expected_p, rel=1e-8, abs=1e-14)
    low, high = sm_proportion.proportion_confint(x1, x1 + x2, alpha=0.05, method="beta")
    ratio_low = low / (1 - low) * n2 / n1
    assert float(got.lower) == pytest.approx(ratio_low, rel=1e-8, abs=1e-300)
    if high < 1:
        assert float(got.upper) == pytest.approx(high / (1 - high) * n2 / n1, rel=1e-8)
    else:  # no events in the second: the ratio and its upper limit are infinite, given as NaN
        assert np.isnan(got.upper) and np.isnan(got.ratio)
        assert got.flags == stats.Flag.ZERO_DENOMINATOR


@given(
    st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_difference_of_proportions_matches_statsmodels(
    first: tuple[int, int], second: tuple[int, int]
) -> None:
    (x1, n1), (x2, n2) = first, second
    got = stats.compare_proportions(x1, n1, x2, n2)
    low, high = quietly(sm_proportion.confint_proportions_2indep, x1, n1, x2, n2, method="newcomb")
    assert float(got.lower) == pytest.approx(low, rel=1e-8, abs=1e-12)
    assert float(got.upper) == pytest.approx(high, rel=1e-8, abs=1e-12)
    pooled = (x1 + x2) / (n1 + n2)
    if 0 < pooled < 1:
        p = quietly(
            sm_proportion.test_proportions_2indep, x1, n1, x2, n2, method="score",
            correction=False,
        ).pvalue  # fmt: skip
        assert float(got.p_value) == pytest.approx(p, rel=1e-8, abs=1e-14)


def test_comparisons_are_vectorised_and_read_only() -> None:
    got = stats.compare_rates([12, 3], [26954, 12000], [30, 9], [40000, 11000])
    assert got.ratio.shape == (2,) and not got.ratio.flags.writeable
    change, low, high = got.percent_change
    assert change[0] == pytest.approx((got.ratio[0] - 1) * 100)
    assert low[0] < change[0] < high[0]
    proportions = stats.compare_proportions([[1, 2]], [[10, 10]], [3], [10])
    assert proportions.difference.shape == (1, 2)


def test_bad_two_sample_input() -> None:
    with pytest.raises(InvalidInputError, match="denominator above 0"):
        stats.compare_rates(1, 0, 2, 10)
    with pytest.raises(InvalidInputError, match="exceeds its denominator"):
        stats.compare_proportions(11, 10, 2, 10)
    with pytest.raises(InvalidInputError, match="broadcast"):
        stats.compare_rates([1, 2], [10, 10, 10], 1, 10)
    with pytest.raises(InvalidInputError, match="cannot be negative"):
        stats.compare_rates(-1, 10, 1, 10)


# -- benchmarks --------------------------------------------------------------------------


def test_benchmark_outside_interval_as_fingertips() -> None:
    counts = stats.rate([2, 30, 0], [26954, 61000, 60100], method="exact")
    got = stats.compare_to_benchmark(
        [2, 30, 0], [26954, 61000, 60100], 16.1, statistic="rate", multiplier=100_000,
        direction="lower",
    )  # fmt: skip
    np.testing.assert_allclose(got.lower, counts.lower)
    assert got.comparison.tolist() == ["similar", "higher", "lower"]
    assert got.assessment.tolist() == ["similar", "worse", "better"]
    assert got.method == "benchmark outside interval"
    neutral = stats.compare_to_benchmark([2, 30, 0], [26954, 61000, 60100], 16.1,
                                         statistic="rate", multiplier=100_000)  # fmt: skip
    assert neutral.assessment.tolist() == ["similar", "not assessed", "not assessed"]


def test_benchmark_on_the_interval_edge_is_similar() -> None:
    value = stats.proportion(90, 100, multiplier=100)
    edge = float(value.upper)
    on = stats.compare_to_benchmark(90, 100, edge, direction="higher")
    just_above = stats.compare_to_benchmark(90, 100, edge * (1 + 1e-12), direction="higher")
    assert on.comparison.tolist() == "similar"
    assert just_above.comparison.tolist() == "lower" and just_above.assessment.tolist() == "worse"


def test_higher_confidence_makes_fewer_differences() -> None:
    x, n = np.arange(60, 120), np.full(60, 1000)
    at_95 = stats.compare_to_benchmark(x, n, 9.0)
    at_998 = stats.compare_to_benchmark(x, n, 9.0, confidence=0.998)
    assert (at_998.comparison != "similar").sum() < (at_95.comparison != "similar").sum()
    assert ((at_998.comparison != "similar") <= (at_95.comparison != "similar")).all()


def test_area_versus_rest_of_the_benchmark_area() -> None:
    x, n = np.array([10, 60, 25]), np.array([20000, 40000, 30000])
    province = (x.sum() + 100, n.sum() + 200000)
    got = stats.compare_to_benchmark(x, n, benchmark_counts=province, statistic="rate",
                                     multiplier=100_000, direction="lower")  # fmt: skip
    rest = stats.compare_rates(x, n, province[0] - x, province[1] - n)
    np.testing.assert_allclose(got.contrast, rest.ratio)
    np.testing.assert_allclose(got.p_value, rest.p_value)
    assert got.method == "area versus rest"
    assert got.benchmark[0] == pytest.approx(province[0] / province[1] * 1e5)
    assert got.comparison.tolist() == ["similar", "higher", "similar"]
    proportions = stats.compare_to_benchmark([90, 57], [100, 100], benchmark_counts=(600, 1000))
    assert proportions.comparison.tolist() == ["higher", "similar"]
    assert proportions.contrast[0] == pytest.approx((0.9 - 510 / 900) * 100)
    assert proportions.contrast_lower[1] < 0 < proportions.contrast_upper[1]


def test_missing_counts_are_not_compared() -> None:
    got = stats.compare_to_benchmark([np.nan, 5], [100, 100], 4.0, direction="lower")
    assert got.comparison.tolist() == ["not compared", "similar"]
    assert got.assessment.tolist() == ["not compared", "similar"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"benchmark": None}, "as a value"),
        ({"benchmark": 3.0, "benchmark_counts": (10, 100)}, "as a value"),
        ({"benchmark": "province"}, "number"),
        ({"benchmark_counts": (1, 10)}, "must contain each area"),
        ({"benchmark_counts": 10}, r"\(numerator, denominator\)"),
        ({"benchmark": 3.0, "direction": "up"}, "direction"),
        ({"benchmark": 3.0, "statistic": "mean"}, "statistic"),
    ],
)
def test_benchmark_of_the_wrong_kind(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        stats.compare_to_benchmark([5, 7], [100, 100], **kwargs)  # type: ignore[arg-type]
