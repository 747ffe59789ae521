"""Invariants that must hold for every input (hypothesis)."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from mch_indicators._validate import level_label
from mch_indicators.stats import METHODS
from strategies import (
    SCALE_UNIT,
    confidence_levels,
    count_arrays,
    make_indicator,
    proportion_pairs,
)

PROPORTION_METHODS = list(METHODS["binomial"])
POISSON_METHODS = list(METHODS["poisson"])
UNITS = st.sampled_from(list(SCALE_UNIT.values()))


@given(proportion_pairs(), confidence_levels, st.sampled_from(PROPORTION_METHODS), UNITS)
def test_proportion_limits_bracket_the_value_inside_0_and_100_percent(pair, level, method, unit):
    x, n = pair
    indicator = make_indicator("proportion", unit)
    result = indicator.compute(x, n, confidence=level, method=method)
    top = float(indicator.scale)
    lower, value, upper = float(result.lower), float(result.value), float(result.upper)
    assert 0.0 <= lower <= upper <= top
    if method != "jeffreys" or 0 < x < n:  # Jeffreys is equal-tailed; see test below
        assert lower <= value * (1 + 1e-12) and value <= upper * (1 + 1e-12)
    if x == 0:
        assert lower == 0.0
    if x == n:
        assert upper == top


@given(
    st.integers(0, 10**6),
    st.integers(1, 10**7),
    confidence_levels,
    st.sampled_from(POISSON_METHODS),
)
def test_poisson_limits_bracket_the_value(x, n, level, method):
    result = make_indicator("rate", "per_100k").compute(x, n, confidence=level, method=method)
    lower, value, upper = float(result.lower), float(result.value), float(result.upper)
    assert 0.0 <= lower <= value * (1 + 1e-12)
    assert value <= upper * (1 + 1e-12)
    if x == 0:
        assert lower == 0.0
        assert upper > 0.0 or method == "wald"  # Wald collapses to (0, 0) at x = 0


@given(
    proportion_pairs(max_n=10**5),
    st.lists(confidence_levels, min_size=2, max_size=4, unique_by=level_label),
    st.sampled_from(
        [("proportion", m) for m in PROPORTION_METHODS] + [("rate", m) for m in POISSON_METHODS]
    ),
)
def test_intervals_widen_with_the_confidence_level(pair, levels, kind_method):
    kind, method = kind_method
    x, n = pair
    levels = sorted(levels)
    result = make_indicator(kind, "percent").compute(x, n, confidence=levels, method=method)
    lowers = [float(result.interval(c)[0]) for c in levels]
    uppers = [float(result.interval(c)[1]) for c in levels]
    tolerance = 1e-12 * max(uppers)
    assert all(a >= b - tolerance for a, b in itertools.pairwise(lowers))
    assert all(a <= b + tolerance for a, b in itertools.pairwise(uppers))


@given(st.data(), st.sampled_from(["proportion", "ratio", "coverage", "rate"]), confidence_levels)
def test_broadcast_call_equals_the_element_loop(data, kind, level):
    x, n = data.draw(count_arrays(bounded=kind == "proportion"))
    indicator = make_indicator(kind, "percent")
    whole = indicator.compute(x, n, confidence=level)
    for i in range(x.size):
        one = indicator.compute(x[i], n[i], confidence=level)
        assert float(one.value) == whole.value[i]
        assert float(one.lower) == whole.lower[i]
        assert float(one.upper) == whole.upper[i]
        assert int(one.flags) == whole.flags[i]


@given(st.data(), st.sampled_from(["proportion", "ratio", "coverage"]))
def test_inputs_are_unchanged(data, kind):
    x, n = data.draw(count_arrays(bounded=kind == "proportion"))
    x[0] = np.nan
    before = (x.copy(), n.copy())
    make_indicator(kind, "per_10k").compute(x, n, confidence=(0.9, 0.99)).to("percent")
    np.testing.assert_array_equal(x, before[0])
    np.testing.assert_array_equal(n, before[1])


@given(proportion_pairs(), UNITS, UNITS)
def test_result_unit_round_trip(pair, source, target):
    x, n = pair
    result = make_indicator("proportion", source).compute(x, n)
    back = result.to(target).to(source)
    np.testing.assert_allclose(back.value, result.value, rtol=1e-15)
    np.testing.assert_allclose(back.upper, result.upper, rtol=1e-15)


@given(st.integers(1, 10**6), st.integers(1, 10**6))
def test_coverage_is_flagged_exactly_when_above_the_denominator(x, n):
    result = make_indicator("coverage", "percent").compute(x, n, reliability=None)
    assert bool(result.flags) == (x > n)
