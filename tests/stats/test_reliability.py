"""UNRELIABLE flags and suppression policies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mch_indicators as mch
from mch_indicators import Flag, InvalidInputError, Reliability, Suppression
from strategies import make_indicator

RATE = make_indicator("rate", "per_1k")
PROPORTION = make_indicator("proportion", "percent")


def test_default_poisson_rule_is_fewer_than_twenty_events():
    result = RATE.compute([0, 11, 19, 20, 500], 10000)
    assert result.has_flag(Flag.UNRELIABLE).tolist() == [True, True, True, False, False]


def test_rse_threshold_alone():
    """RSE = 1/√x (a Poisson count's relative standard error): above 30 % for x <= 11."""
    rule = Reliability(min_events=0, max_rse=0.30)
    result = RATE.compute([11, 12], 1000, reliability=rule)
    assert result.has_flag(Flag.UNRELIABLE).tolist() == [True, False]
    np.testing.assert_allclose(result.rse, [1 / np.sqrt(11), 1 / np.sqrt(12)])


def test_binomial_rse_uses_the_proportion():
    rule = Reliability(min_events=0, max_rse=0.30)
    result = PROPORTION.compute([5, 5], [10, 1000], reliability=rule)
    # RSE = √((n − x)/(n x)): √(5/50) = 0.316 and √(995/5000) = 0.446, both above 0.30
    np.testing.assert_allclose(result.rse, [np.sqrt(5 / 50), np.sqrt(995 / 5000)])
    assert result.has_flag(Flag.UNRELIABLE).tolist() == [True, True]
    assert not PROPORTION.compute(50, 100, reliability=rule).has_flag(Flag.UNRELIABLE)


def test_reliability_can_be_switched_off_and_never_changes_values():
    flagged = RATE.compute([3, 300], 1000)
    plain = RATE.compute([3, 300], 1000, reliability=None)
    assert plain.flags.tolist() == [0, 0]
    assert flagged.value.tolist() == plain.value.tolist()


def test_missing_cells_are_not_also_unreliable():
    result = RATE.compute([np.nan, 1], [10, 0])
    assert result.flags.tolist() == [Flag.MISSING, Flag.ZERO_DENOMINATOR]


@pytest.mark.parametrize(
    "kwargs", [{"min_events": -1}, {"max_rse": 0}, {"min_events": float("nan")}]
)
def test_bad_reliability_rules(kwargs):
    with pytest.raises(InvalidInputError):
        Reliability(**kwargs)


def test_suppression_withholds_and_explains():
    result = mch.get("MMR").compute([2, 4, 30], [26954, 50, 300000], suppress="ons")
    assert np.isnan(result.value[0]) and np.isnan(result.upper[0])
    assert not np.isnan(result.value[1])
    assert result.has_flag(Flag.SUPPRESSED).tolist() == [True, False, False]
    assert result.reasons == ["numerator 2 < 3 (ONS: fewer than 3 events)", "", ""]
    assert result.numerator.tolist() == [2, 4, 30]  # counts stay


def test_custom_rule_with_several_reasons_survives_to_slicing_and_frames():
    rule = Suppression(min_numerator=5, min_denominator=100, max_rse=0.5, name="county rule")
    result = RATE.compute([3, 12, 40], [50, 2000, 4000]).suppress(rule)
    assert (
        result.reasons[0] == "numerator 3 < 5; denominator 50 < 100; RSE 58% > 50% (county rule)"
    )
    converted = result.to("percent")
    assert converted.flags.tolist() == result.flags.tolist()
    assert converted.reasons == result.reasons
    sliced = result[:1]
    assert sliced.reasons == result.reasons[:1]
    frame = result.to_frame()
    assert frame["flags"].tolist()[0] == "UNRELIABLE|SUPPRESSED"
    assert frame["suppressed_because"].tolist() == result.reasons
    assert str(result[0]) == f"suppressed: {result.reasons[0]}"


def test_presets():
    assert Suppression.preset("nchs").min_numerator == 20
    assert Suppression.preset("uscs").min_numerator == 16
    with pytest.raises(InvalidInputError, match="unknown suppression preset"):
        Suppression.preset("who")
    with pytest.raises(InvalidInputError, match="at least one threshold"):
        Suppression()


def test_suppression_is_never_silent():
    assert RATE.compute(1, 1000).suppression is None
    assert RATE.compute(1, 1000).reasons == [""]


@given(
    st.lists(st.integers(0, 10_000), min_size=1, max_size=40),
    st.integers(1, 20_000),
    st.floats(0, 50),
    st.floats(0.01, 2),
    st.booleans(),
)
def test_flags_match_the_rule_evaluated_directly(xs, extra, min_events, max_rse, binomial):
    """The compute loop's shortcuts must flag exactly what the rule says."""
    x = np.array(xs, dtype=float)
    n = x + extra
    rule = Reliability(min_events=min_events, max_rse=max_rse)
    indicator = PROPORTION if binomial else RATE
    result = indicator.compute(x, n, reliability=rule)
    expected = rule.unreliable(x, n, binomial=binomial)
    assert result.has_flag(Flag.UNRELIABLE).tolist() == expected.tolist()


def test_coverage_above_its_denominator_keeps_the_unreliable_flag():
    """Both flags, whether or not another element of the block needs the slow path."""
    coverage = make_indicator("coverage", "percent")
    both = Flag.ABOVE_DENOMINATOR | Flag.UNRELIABLE
    assert coverage.compute(15, 10).flags.tolist() == both
    assert coverage.compute([15, np.nan], [10, 5]).flags.tolist() == [both, Flag.MISSING]
