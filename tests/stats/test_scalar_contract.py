"""``stats`` follows statsmodels' contract: scalars in, Python floats out; a Series in, a
Series out with its index; statsmodels' method names; one plain pair of counts computed
without the engine, to the same bits as the engine computes it.

References and tolerances: statsmodels 0.15 ``proportion_confint`` (Series in and out,
every method by statsmodels' own name), rtol 1e-12 and atol 1e-12 as in test_stats_api;
the short path against the engine: identical (``==``, no tolerance).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

import mch_indicators as mch
from mch_indicators import stats
from mch_indicators.stats._intervals import ALIASES, METHODS

SCALAR_CALLS = [
    lambda: stats.proportion_ci(9, 100),
    lambda: stats.poisson_ci(3),
    lambda: (stats.arr(339, 223, 2000, 2020),),
    lambda: (stats.percent_decline(339, 223),),
    lambda: (stats.required_arr(223, 2020, 70, 2030),),
    lambda: (stats.relative_standard_error(20, 1000, binomial=False),),
    lambda: (mch.required_arr(223, 2020, 70, 2030),),
    lambda: (mch.required_arr(216, 2015, mch.targets_for("MMR", plan="sdg_2030")[0]),),
]


@pytest.mark.parametrize("call", SCALAR_CALLS)
def test_scalars_give_python_floats(call):
    assert all(type(value) is float for value in call())


def test_numpy_scalars_are_scalars_and_0d_arrays_stay_arrays():
    lower, upper = stats.proportion_ci(np.int64(9), np.float64(100))
    assert type(lower) is float and type(upper) is float
    lower, _ = stats.proportion_ci(np.array(9), 100)
    assert isinstance(lower, np.ndarray) and lower.shape == ()


def test_missing_and_zero_denominators_give_nan_floats():
    for x, n in ((math.nan, 100), (3, 0), (np.float64(np.nan), 10)):
        lower, upper = stats.proportion_ci(x, n)
        assert type(lower) is float and math.isnan(lower) and math.isnan(upper)


@pytest.mark.parametrize("sm_method", ["wilson", "beta", "jeffreys", "agresti_coull", "normal"])
def test_a_series_gives_series_with_its_index_as_statsmodels(sm_method):
    x = pd.Series([0, 9, 40], index=["河阳县", "石门县", "清水县"])
    n = pd.Series([120, 100, 80], index=x.index)
    lower, upper = stats.proportion_ci(x, n, method=sm_method)
    want_lower, want_upper = proportion_confint(x, n, method=sm_method)
    if sm_method == "jeffreys":  # ours: 0 at x = 0 (Brown, Cai & DasGupta)
        want_lower = want_lower.where(x > 0, 0.0)
    for got, want in ((lower, want_lower), (upper, want_upper)):
        assert isinstance(got, pd.Series)
        want = want.clip(0, 1)  # statsmodels leaves normal and agresti_coull unclipped
        pd.testing.assert_series_equal(got, want, rtol=1e-12, atol=1e-12)


def test_series_are_paired_by_label_and_keep_the_first_ones_index():
    x = pd.Series([1, 5], index=["a", "b"])
    n = pd.Series([20, 10], index=["b", "a"])
    lower, _ = stats.proportion_ci(x, n)
    assert list(lower.index) == ["a", "b"]
    assert lower["a"] == stats.proportion_ci(1, 10)[0]
    assert lower["b"] == stats.proportion_ci(5, 20)[0]
    declines = stats.percent_decline(pd.Series([339.0], index=["world"]), 223)
    assert list(declines.index) == ["world"]


@pytest.mark.parametrize("family", ["binomial", "poisson"])
def test_every_alias_gives_its_methods_numbers(family):
    x, n = np.array([0.0, 3.0, 50.0]), np.array([60.0, 60.0, 60.0])
    call = (
        stats.proportion_ci
        if family == "binomial"
        else (lambda x, n, **k: stats.poisson_ci(x, **k))
    )
    for alias, name in ALIASES[family].items():
        assert name in METHODS[family]
        for got, want in zip(call(x, n, method=alias), call(x, n, method=name), strict=True):
            np.testing.assert_array_equal(got, want)


_METHODS = [("binomial", m) for m in METHODS["binomial"]] + [
    ("poisson", m) for m in METHODS["poisson"]
]


@given(
    st.sampled_from(_METHODS),
    st.integers(0, 5000) | st.floats(0, 5000),
    st.integers(1, 10_000),
    st.sampled_from([0.8, 0.95, 0.998]),
)
def test_the_short_path_gives_the_engines_numbers(family_method, x, n, confidence):
    family, method = family_method
    if family == "binomial":
        x = min(x, n)
        short = stats.proportion_ci(x, n, method=method, confidence=confidence)
        small = stats.proportion_ci([x], [n], method=method, confidence=confidence)
        big = stats.proportion_ci(np.full(70_000, x), n, method=method, confidence=confidence)
    else:
        short = stats.poisson_ci(x, method=method, confidence=confidence)
        small = stats.poisson_ci([x], method=method, confidence=confidence)
        big = stats.poisson_ci(np.full(70_000, x), method=method, confidence=confidence)
    for limit, one, many in zip(short, small, big, strict=True):
        assert limit == one[0] == many[-1]  # the same bits, no tolerance


def test_the_short_path_refuses_what_the_engine_refuses():
    with pytest.raises(mch.InvalidInputError, match="exceeds its denominator"):
        stats.proportion_ci(11, 10)
    with pytest.raises(mch.InvalidInputError, match="cannot be negative"):
        stats.poisson_ci(-1)
    with pytest.raises(mch.InvalidInputError, match="counts must be numbers"):
        stats.proportion_ci(True, 10)
    with pytest.raises(mch.InvalidInputError, match=r"did you mean 0\.95"):
        stats.proportion_ci(1, 10, confidence=95)
