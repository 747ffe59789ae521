"""Bad input on direct and indirect standardisation (docs/bad-input.md).

``dsr``, ``isr`` and ``expected_counts`` (arrays and tables) validate every input
as compute does: a typed error naming the argument and the [group, band], or
NaN with the documented flag (MISSING, ZERO_DENOMINATOR, SUPPRESSED); no
warning; labelled arrays paired by label; results that own their arrays.
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
from strategies import BAD_COUNTS, count_vectors, grids, masked_counts

FEW = settings(max_examples=40, deadline=None)
WEIGHTS = np.array([5500.0, 6000.0, 6000.0])


def assert_standardised(out: stats.Standardised) -> None:
    lower, upper = out.limits
    for array in (out.value, lower, upper):
        assert not np.isinf(array).any()
    missing = np.isnan(out.value)
    assert (out.flags[missing] != 0).all(), "a NaN without a flag"
    ok = ~missing
    assert (lower[:, ok] <= out.value[ok] + 1e-9 * np.abs(out.value[ok])).all()
    assert (out.value[ok] <= upper[:, ok] + 1e-9 * np.abs(out.value[ok])).all()
    for array in (out.value, out.observed, out.flags, lower, upper):
        with pytest.raises(ValueError, match=r"read-only|WRITEABLE"):
            array.flags.writeable = True


@promise("missing", "standardisation")
@promise("aliasing", "standardisation")
@FEW
@given(grids())
def test_dsr_on_counts_in_range_keeps_the_contract(grid):
    counts, populations = grid
    before = counts.copy(), populations.copy()
    out = stats.dsr(counts, populations, WEIGHTS)
    assert_standardised(out)
    np.testing.assert_array_equal(counts, before[0])
    np.testing.assert_array_equal(populations, before[1])
    assert (out.flags[np.isnan(populations).any(axis=1)] & mch.Flag.MISSING).all()


@promise("zero-denominator", "standardisation")
@FEW
@given(count_vectors(4), count_vectors(4))
def test_isr_on_counts_in_range_keeps_the_contract(observed, expected):
    out = stats.isr(observed, expected)
    assert_standardised(out)
    assert (out.flags[expected == 0] & mch.Flag.ZERO_DENOMINATOR).all()


@promise("negative", "standardisation")
@promise("infinite", "standardisation")
@promise("huge", "standardisation")
@promise("not-numbers", "standardisation")
@FEW
@given(st.sampled_from(sorted(BAD_COUNTS)), st.sampled_from(["counts", "populations"]),
       st.data())  # fmt: skip
def test_dsr_refuses_every_bad_count_naming_the_argument(bad, role, data):
    grid = np.full((2, 3), 100.0).astype(object)
    grid[data.draw(st.integers(0, 1)), data.draw(st.integers(0, 2))] = data.draw(BAD_COUNTS[bad])
    other = np.full((2, 3), 1000.0)
    counts, populations = (grid, other) if role == "counts" else (other, grid)
    with pytest.raises(mch.InvalidInputError, match=role):
        stats.dsr(counts, populations, WEIGHTS)


@promise("negative", "standardisation")
@promise("infinite", "standardisation")
@promise("huge", "standardisation")
@promise("not-numbers", "standardisation")
@FEW
@given(st.sampled_from(sorted(BAD_COUNTS)), st.sampled_from(["observed", "expected"]),
       st.data())  # fmt: skip
def test_isr_refuses_every_bad_count_naming_the_argument(bad, role, data):
    values: list[object] = [10.0, 12.0, 3.0]
    values[data.draw(st.integers(0, 2))] = data.draw(BAD_COUNTS[bad])
    other = [9.0, 9.0, 9.0]
    observed, expected = (values, other) if role == "observed" else (other, values)
    with pytest.raises(mch.InvalidInputError, match=role):
        stats.isr(observed, expected)


@promise("masked", "standardisation")
@FEW
@given(st.integers(2, 5).flatmap(masked_counts))
def test_masked_observed_counts_are_missing(observed):
    out = stats.isr(observed, np.full(observed.shape, 5.0))
    assert (out.flags[np.ma.getmaskarray(observed)] & mch.Flag.MISSING).all()


@promise("labelled", "standardisation")
@promise("labels-differ", "standardisation")
def test_labelled_groups_are_paired_by_label():
    counts = pd.DataFrame([[14, 31, 45], [20, 25, 30]], index=["A", "B"], columns=["a", "b", "c"])
    populations = counts * 100 + 5000
    shuffled = populations.loc[["B", "A"], ["c", "a", "b"]]
    same = stats.dsr(counts, populations, WEIGHTS)
    assert stats.dsr(counts, shuffled, WEIGHTS).value.tolist() == same.value.tolist()
    with pytest.raises(mch.InvalidInputError, match="never by position"):
        stats.dsr(counts, populations.rename(index={"B": "C"}), WEIGHTS)


@promise("options", "standardisation")
@promise("shapes", "standardisation")
@promise("extreme-magnitudes", "standardisation")
@pytest.mark.parametrize(
    "call",
    [
        lambda: stats.dsr([[10, 10]], [[100, 100]], [0, 1]),
        lambda: stats.dsr([[10, 10]], [[100, 100]], [np.nan, 1]),
        lambda: stats.dsr([[10, 10]], [[100, 100]], [1, 1], multiplier=0),
        lambda: stats.dsr([[10, 10]], [[100, 100]], [1, 1], min_events=-1),
        lambda: stats.dsr([[10, 10]], [[100, 100]], [1, 1], min_events=0),
        lambda: stats.dsr([[10, 10]], [[100, 100]], [1, 1, 1]),
        lambda: stats.isr([1], [2], scale=1e300),
        lambda: stats.isr([1], [2], confidence=1.5),
        lambda: stats.expected_counts([100], [1], [0]),
        lambda: stats.expected_counts([1, 2], [1, 2, 3], [10, 10, 10]),
        lambda: mch.dsr(
            pd.DataFrame({"age": ["a", "b"], "c": [10, 10], "p": [100, 100]}),
            count="c", population="p", age="age", standard={"a": 0, "b": 1},
        ),
        lambda: mch.dsr(
            pd.DataFrame({"age": ["a", "b"], "c": [10, 10], "p": [100, 100]}),
            count="c", population="p", age="age", standard={"a": float("nan"), "b": 1},
        ),
        lambda: mch.isr(
            pd.DataFrame({"c": [1], "p": [10], "rc": [1], "rp": [0]}),
            count="c", population="p", reference_count="rc", reference_population="rp",
        ),
    ],
)  # fmt: skip
def test_bad_standardisation_arguments_are_typed_errors(call):
    with pytest.raises(mch.InvalidInputError):
        call()


@promise("tiny-denominator", "standardisation")
@pytest.mark.parametrize(
    "call",
    [
        lambda: stats.dsr([[1, 2]], [[1e-300, 100]], WEIGHTS[:2]),
        lambda: stats.isr([1], [1e-300]),
        lambda: stats.expected_counts([[100.0]], [1.0], [1e-300]),
    ],
)
def test_denominators_below_2_53_are_refused_naming_the_argument(call):
    with pytest.raises(mch.InvalidInputError, match=r"2\*\*-53"):
        call()
