"""Bad input on the core arrays: Indicator.compute and mch_indicators.stats.

The contract is docs/bad-input.md: every input ends in a typed error, or in
values with NaN only where a documented flag says why; no warning escapes
(pytest turns warnings into errors); the inputs are unchanged; every value lies
inside its limits and its range, never infinite; the numba kernels give numpy's
numbers. Inputs are generated from each class of the page (tests/strategies.py).
"""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mch_indicators as mch
from contract import promise
from mch_indicators import stats
from mch_indicators.stats import _engine
from strategies import (
    BAD_COUNTS,
    colliding_levels,
    confidence_levels,
    count_pairs,
    make_indicator,
    masked_counts,
    shuffled_labels,
    with_bad_count,
)

FEW = settings(max_examples=40, deadline=None)
KINDS = [("proportion", "percent"), ("ratio", "per_100k"), ("coverage", "percent"),
         ("rate", "per_1k")]  # fmt: skip
INDICATORS = {kind: make_indicator(kind, unit) for kind, unit in KINDS}
METHODS = {"proportion": list(stats.METHODS["binomial"]), "other": list(stats.METHODS["poisson"])}


def methods_for(kind: str) -> list[str]:
    return METHODS["proportion" if kind == "proportion" else "other"]


def assert_contract(result: mch.Result, scale: float, bounded: bool) -> None:
    """Values inside their limits and range; NaN only with a flag; nothing infinite."""
    value = result.value
    lower, upper = result.limits
    for array in (value, lower, upper):
        assert not np.isinf(array).any()
    missing = np.isnan(value)
    assert (result.flags[missing] != 0).all(), "a NaN without a flag"
    assert np.isnan(lower[:, missing]).all() and np.isnan(upper[:, missing]).all()
    present = ~missing
    assert (lower[:, present] <= value[present]).all()
    assert (value[present] <= upper[:, present]).all()
    assert (lower[:, present] >= 0).all()
    if bounded:
        assert (upper[:, present] <= scale).all()


def both_backends(function):  # type: ignore[no-untyped-def]
    """``function()`` on the numpy path and through the fused kernels (forced on small inputs)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_engine, "fused_kernels", lambda: None)
        plain = function()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_engine, "KERNEL_FROM", 1)
        fused = function()
    return plain, fused


@promise("missing", "arrays")
@promise("zero-denominator", "arrays")
@FEW
@given(st.sampled_from(list(INDICATORS)), st.data())
def test_counts_in_range_keep_the_contract_on_both_backends(kind, data):
    indicator = INDICATORS[kind]
    x, n = data.draw(count_pairs(kind == "proportion"))
    method = data.draw(st.sampled_from(methods_for(kind)))
    level = data.draw(confidence_levels)
    before = x.copy(), n.copy()
    plain, fused = both_backends(
        lambda: indicator.compute(x, n, method=method, confidence=level, on_invalid="flag")
    )
    assert_contract(plain, float(indicator.scale), kind == "proportion")
    assert plain == fused  # bit for bit, flags included
    np.testing.assert_array_equal(x, before[0])
    np.testing.assert_array_equal(n, before[1])


@promise("negative", "arrays")
@promise("infinite", "arrays")
@promise("huge", "arrays")
@promise("not-numbers", "arrays")
@FEW
@given(st.sampled_from(sorted(BAD_COUNTS)), st.sampled_from(["numerator", "denominator"]),
       st.sampled_from(list(INDICATORS)), st.data())  # fmt: skip
def test_every_bad_count_is_a_typed_error_naming_its_argument(bad, role, kind, data):
    values = data.draw(with_bad_count(bad))
    other = [1000.0] * len(values)
    x, n = (values, other) if role == "numerator" else (other, values)
    with pytest.raises(mch.InvalidInputError, match=role) as error:
        INDICATORS[kind].compute(x, n, on_invalid="flag")
    assert len(str(error.value)) < 400  # a 400-digit count is not quoted whole


@promise("masked", "arrays")
@FEW
@given(st.sampled_from(list(INDICATORS)), st.integers(1, 6).flatmap(masked_counts))
def test_masked_elements_are_missing_and_never_read(kind, x):
    n = np.full(x.shape, 2.0**53)
    result = INDICATORS[kind].compute(x, n)
    mask = np.ma.getmaskarray(x)
    assert result.has_flag(mch.Flag.MISSING)[mask].all()
    visible = INDICATORS[kind].compute(np.where(mask, 0.0, x.data), n)
    np.testing.assert_array_equal(result.value[~mask], visible.value[~mask])


@promise("labelled", "arrays")
@promise("labels-differ", "arrays")
@FEW
@given(st.integers(1, 6).flatmap(shuffled_labels), st.data())
def test_labelled_counts_are_paired_by_label_or_refused(labelled, data):
    labels, order = labelled
    deaths = np.array(data.draw(st.lists(st.integers(0, 50), min_size=len(labels),
                                         max_size=len(labels))), dtype=float)  # fmt: skip
    births = np.arange(1, len(labels) + 1) * 1000.0
    x = pd.Series(deaths, index=labels)
    n = pd.Series(births, index=labels).iloc[order]
    result = mch.compute(indicator="MMR", numerator=x, denominator=n)
    expected = mch.get("MMR").compute(deaths, births)
    np.testing.assert_array_equal(result.value, expected.value)
    assert stats.rate(x, n).value.tolist() == stats.rate(deaths, births).value.tolist()
    stranger = n.rename(index={labels[order[0]]: "elsewhere"})
    with pytest.raises(mch.InvalidInputError, match="never by position"):
        mch.get("MMR").compute(x, stranger)


@promise("aliasing", "arrays")
@FEW
@given(st.sampled_from(list(INDICATORS)), st.data())
def test_a_result_owns_its_arrays(kind, data):
    x, n = data.draw(count_pairs(kind == "proportion"))
    result = INDICATORS[kind].compute(x, n, on_invalid="flag", confidence=(0.9, 0.99))
    snapshot = copy.deepcopy(result)
    x += 1.0  # the caller changes their arrays afterwards
    n *= 2.0
    assert result == snapshot
    for array in (result.value, result.numerator, result.denominator, result.flags,
                  *result.limits):  # fmt: skip
        with pytest.raises(ValueError, match=r"read-only|WRITEABLE"):
            array.flags.writeable = True
    assert pickle.loads(pickle.dumps(result)) == result


@promise("extreme-magnitudes", "arrays")
@FEW
@given(
    st.sampled_from([2.0**53, 2.0**53 - 1, 1e15 + 3, 12345678901.0, 3.0, 1.0]),
    st.sampled_from([0, 1, 2]),
    st.sampled_from(list(INDICATORS)),
)
def test_extreme_magnitudes_stay_inside_their_limits_and_range(n, gap, kind):
    indicator = INDICATORS[kind]
    x = max(n - gap, 0.0)  # at and next to x = n, where rounding bites
    result = indicator.compute(np.array([x, 0.0]), np.array([n, 2.0**-53]))
    assert_contract(result, float(indicator.scale), kind == "proportion")


@promise("tiny-denominator", "arrays")
@promise("extreme-magnitudes", "arrays")
@FEW
@given(
    st.sampled_from(["tiny", "huge-multiplier"]),
    st.sampled_from([stats.proportion, stats.rate]),
)
def test_out_of_range_denominators_and_multipliers_are_refused(case, function):
    if case == "tiny":
        with pytest.raises(mch.InvalidInputError, match="2\\*\\*-53"):
            function(0.0, 1e-300)
    else:
        with pytest.raises(mch.InvalidInputError, match="multiplier"):
            function(1, 10, multiplier=1e300)


@promise("options", "arrays")
@FEW
@given(colliding_levels)
def test_confidence_levels_whose_labels_collide_are_refused(levels):
    with pytest.raises(mch.InvalidInputError, match=r"too close|given twice"):
        mch.get("MMR").compute(2, 26954, confidence=levels)


@promise("options", "arrays")
@pytest.mark.parametrize(
    "options",
    [
        {"reliability": "yes"},
        {"reliability": 5},
        {"suppress": 5},
        {"suppress": "some"},
        {"method": 3},
        {"on_invalid": "ignore"},
        {"confidence": "95%"},
        {"confidence": 95},
        {"confidence": ()},
        {"confidence": (0.95, 0.9500000000001)},
        {"unknown": 1},
    ],
)
def test_bad_options_are_typed_errors(options):
    with pytest.raises(mch.InvalidInputError):
        mch.get("MMR").compute(2, 26954, **options)


@pytest.mark.parametrize(
    "make",
    [
        lambda: stats.Reliability(min_events="20"),
        lambda: stats.Reliability(max_rse=float("nan")),
        lambda: stats.Reliability(min_events=-1),
        lambda: stats.Suppression(min_numerator="3"),
        lambda: stats.Suppression(max_rse=float("inf")),
    ],
)
def test_bad_rules_are_typed_errors(make):
    with pytest.raises(mch.InvalidInputError):
        make()


def test_a_huge_rse_threshold_disables_the_rule_without_overflow():
    result = mch.get("MMR").compute(30, 26954, reliability=stats.Reliability(max_rse=1e200))
    assert not result.has_flag(mch.Flag.UNRELIABLE)


@promise("shapes", "arrays")
@pytest.mark.parametrize(
    ("x", "n"),
    [([1, 2], [1, 2, 3]), ([[1, 2], [3]], 10), (np.zeros((2, 3)), np.ones((3, 2)))],
)
def test_shapes_that_do_not_broadcast_are_typed_errors(x, n):
    with pytest.raises(mch.InvalidInputError):
        mch.get("MMR").compute(x, n)


@pytest.mark.parametrize(
    "call",
    [
        lambda x, n: stats.relative_standard_error(x, n, binomial=False),
        lambda x, n: stats.Reliability().unreliable(x, n, binomial=True),
        lambda x, n: stats.Suppression.ons().mask(x, n, binomial=True),
    ],
)
def test_reliability_and_suppression_read_counts_like_compute(call):
    with pytest.raises(mch.InvalidInputError, match="broadcast"):
        call([1, 2], [10, 20, 30])
    with pytest.raises(mch.InvalidInputError):
        call(["a", 1], [10, 20])
    masked = np.ma.array([1.0, -5.0], mask=[False, True])  # the hidden -5 is never read
    np.asarray(call(masked, [10.0, 20.0]))


ANALYSES = {
    "compare_rates": lambda a, b, c, d: stats.compare_rates(a, b, c, d).ratio,
    "compare_proportions": lambda a, b, c, d: stats.compare_proportions(a, b, c, d).difference,
    "compare_to_benchmark": lambda a, b, c, d: (
        stats.compare_to_benchmark(a, b, c, statistic="rate", multiplier=1000.0).lower
    ),
    "funnel_significance": lambda a, b, c, d: (
        stats.funnel_significance(a, b, statistic="proportion", multiplier=100.0).value
    ),
}


@promise("labelled", "arrays")
@FEW
@given(st.sampled_from(sorted(ANALYSES)), st.integers(2, 6).flatmap(shuffled_labels), st.data())
def test_the_analysis_functions_pair_labelled_inputs_by_label(name, labelled, data):
    labels, order = labelled
    size = len(labels)
    events = np.array(data.draw(st.lists(st.integers(1, 90), min_size=size, max_size=size)))
    base = np.arange(1, size + 1) * 1000.0
    plain = ANALYSES[name](events, base, events[::-1], base[::-1])
    series = [pd.Series(v, index=labels) for v in (events, base, events[::-1], base[::-1])]
    shuffled = [s if i % 2 == 0 else s.iloc[order] for i, s in enumerate(series)]
    np.testing.assert_array_equal(np.asarray(ANALYSES[name](*shuffled)), np.asarray(plain))
