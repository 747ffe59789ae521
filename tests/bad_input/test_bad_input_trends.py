"""Bad input on trends, targets and progress (docs/bad-input.md).

Every input of ``arr``, ``arr_series``, ``percent_decline``, ``required_arr``,
``projection``, ``annualize``, ``Target.evaluate`` and ``progress`` is checked
like compute's: typed errors for numbers that are not numbers, NaN (documented)
for missing or masked values, labelled inputs paired by label, no warning, no
infinity, inputs unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mch_indicators as mch
from contract import promise
from mch_indicators import stats
from strategies import shuffled_labels, value_arrays

FEW = settings(max_examples=40, deadline=None)
TARGET = mch.targets_for("MMR", plan="healthy_china_2030")[0]
RELATIVE = mch.targets_for("stunting_prevalence_u5", plan="global_nutrition_2025")[0]

CALLS = {
    "arr": lambda v: stats.arr(v, 10.0, 2000, 2010),
    "percent_decline": lambda v: stats.percent_decline(v, 10.0),
    "required_arr": lambda v: stats.required_arr(v, 2020, 12.0, 2030),
    "projection": lambda v: stats.projection(v, 2020, 3.0, 2030),
    "arr_series": lambda v: stats.arr_series(v, np.arange(len(v))),
    "annualize": lambda v: stats.annualize(v, months=3),
    "evaluate": lambda v: TARGET.evaluate(v),
    "progress": lambda v: mch.progress(TARGET, v, 2024, rate=2.0),
}


@promise("missing", "trends")
@FEW
@given(st.sampled_from(sorted(CALLS)), value_arrays)
def test_numbers_and_missing_values_give_finite_numbers_or_nan_without_warning(name, v):
    before = v.copy()
    out = np.asarray(CALLS[name](v))
    if out.dtype.kind == "f":
        assert not np.isinf(out).any()
    np.testing.assert_array_equal(v, before)


@promise("infinite", "trends")
@promise("not-numbers", "trends")
@FEW
@given(
    st.sampled_from(sorted(CALLS)),
    st.sampled_from([[True, False], ["1", "2"], [1 + 2j, 3.0], [float("inf"), 1.0]]),
)
def test_values_that_are_not_finite_numbers_are_typed_errors(name, bad):
    with pytest.raises(mch.InvalidInputError):
        CALLS[name](bad)


@promise("masked", "trends")
@FEW
@given(st.sampled_from(sorted(set(CALLS) - {"arr_series"})), st.data())
def test_masked_values_are_missing(name, data):
    size = data.draw(st.integers(2, 5))
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=size, max_size=size)))
    hidden = np.where(mask, -1e308, 5.0)  # a hidden value that would be an error or inf
    out = np.asarray(CALLS[name](np.ma.array(hidden, mask=mask)))
    unmasked = np.asarray(CALLS[name](np.where(mask, np.nan, hidden)))
    np.testing.assert_array_equal(out, unmasked)


@promise("labelled", "trends")
@promise("labels-differ", "trends")
@FEW
@given(st.integers(2, 6).flatmap(shuffled_labels), st.data())
def test_labelled_values_are_paired_by_label(labelled, data):
    labels, order = labelled
    r1 = np.array(data.draw(st.lists(st.floats(1, 100), min_size=len(labels),
                                     max_size=len(labels))))  # fmt: skip
    r2 = r1 * 0.8
    first, second = pd.Series(r1, index=labels), pd.Series(r2, index=labels).iloc[order]
    np.testing.assert_allclose(stats.arr(first, second, 2000, 2010), stats.arr(r1, r2, 2000, 2010))
    np.testing.assert_allclose(stats.percent_decline(first, second), 20.0)
    status = RELATIVE.evaluate(second, baseline=first)
    assert (status == "not met").all()
    with pytest.raises(mch.InvalidInputError, match="never by position"):
        stats.arr(first, second.rename(index={labels[order[0]]: "other"}), 2000, 2010)


@promise("extreme-magnitudes", "trends")
@FEW
@given(
    st.floats(0.01, 1e6),
    st.floats(-1e6, 1e6),
    st.integers(1, 200),
    st.sampled_from(["continuous", "compound"]),
)
def test_projections_stay_finite_and_positive_or_are_refused(value, rate, years, form):
    try:
        out = float(stats.projection(value, 2000, rate, 2000 + years, form=form))
    except mch.InvalidInputError:
        assert form == "compound" or abs(rate) * years > 1e4
        return
    assert np.isfinite(out) and out >= 0


@promise("options", "trends")
@promise("shapes", "trends")
@pytest.mark.parametrize(
    "call",
    [
        lambda: stats.annualize(10, months=0),
        lambda: stats.annualize(10, months=2.5),
        lambda: stats.annualize(10, months=float("nan")),
        lambda: stats.annualize(10, days=float("nan")),
        lambda: stats.annualize(10, days=400),
        lambda: stats.annualize(10, months=3, days=90),
        lambda: stats.annualize(10, days=73, year_days=1e300),
        lambda: stats.annualize(-1, months=3),
        lambda: stats.arr(1, 2, 2010, 2000),
        lambda: stats.arr(1, 2, 2000, 2010, form="linear"),
        lambda: stats.projection(1, 2000, 100, 2010, form="compound"),
        lambda: stats.projection(1, 2000, -1e6, 2100),
        lambda: TARGET.evaluate([1.0], baseline=[2.0]),
        lambda: stats.arr([1, 2], [1, 2, 3], 2000, 2010),
        lambda: stats.percent_decline([1, 2], [1, 2, 3]),
        lambda: stats.required_arr([1, 2], 2000, [1, 2, 3], 2030),
        lambda: stats.projection([1, 2], 2000, [1, 2, 3], 2010),
        lambda: stats.annualize([1, 2, 3], months=[3, 6]),
        lambda: stats.arr_series([1, 2, 3], [1, 2, 3], axis=5),
        lambda: RELATIVE.evaluate([1.0, 2.0], baseline=[1.0, 2.0, 3.0]),
        lambda: RELATIVE.evaluate([1.0]),
        lambda: stats.joinpoint([5, 6, 7, 8, 9], 100, range(5), interval="bootstrap"),
        lambda: stats.joinpoint(
            [5, 6, 7, 8, 9], 100, range(5), interval="empirical", resamples=50
        ),
        lambda: stats.joinpoint(
            [5, 6, 7, 8, 9], 100, range(5), interval="empirical", resamples=150, confidence=0.99
        ),  # too few for the level
    ],
)
def test_bad_arguments_are_typed_errors(call):
    with pytest.raises(mch.InvalidInputError):
        call()


@promise("zero-denominator", "trends")
def test_a_rate_of_a_value_of_0_is_nan():
    assert np.isnan(stats.arr(0.0, 10.0, 2000, 2010))
    assert np.isnan(stats.arr(10.0, 0.0, 2000, 2010))
    assert np.isnan(stats.percent_decline(0.0, 5.0))
    assert np.isnan(stats.required_arr(0.0, 2020, 12.0, 2030))
