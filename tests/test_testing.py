"""The public hypothesis strategies of mch_indicators.testing."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mch_indicators as mch
from mch_indicators.testing import BAD_INPUT_CLASSES, BadInput, bad_inputs, count_tables, counts

FAMILIES = ["stillbirth_rate", "maternal_mortality_ratio", "anc4_coverage", "dtp3_coverage"]


@settings(max_examples=30, deadline=None)
@given(data=st.data(), family=st.sampled_from(FAMILIES))
def test_count_tables_are_valid_for_every_member_of_a_family(
    data: st.DataObject, family: str
) -> None:
    table = data.draw(count_tables(family))
    for indicator in mch.catalog.variants(family):
        if not indicator.computable:
            continue
        x, n = table[indicator.numerator.id], table[indicator.denominator.id]
        assert (n >= 1).all() and (x >= 0).all()
        if indicator.kind is mch.Kind.PROPORTION:
            assert (x <= n).all()
        result = indicator.compute(x, n)  # never refused
        assert np.isfinite(result.value).all()


@settings(max_examples=60, deadline=None)
@given(table=count_tables("anc4_coverage_hmis", rows=(5, 20), max_count=50))
def test_a_coverage_may_exceed_its_planned_denominator(table: object) -> None:
    indicator = mch.get("anc4_coverage_hmis")
    assert indicator.denominator.estimated
    indicator.compute(table[indicator.numerator.id], table[indicator.denominator.id])  # type: ignore[index]


def test_a_coverage_table_can_exceed_its_denominator() -> None:
    above = []

    @settings(max_examples=60, deadline=None, database=None)
    @given(count_tables("anc4_coverage_hmis", max_count=50))
    def collect(table: object) -> None:
        x, n = table["anc4_visits"], table["expected_pregnancies"]  # type: ignore[index]
        above.append(bool((x > n).any()))

    collect()
    assert any(above)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), key=st.sampled_from(["stillbirth_rate", "maternal_mortality_ratio"]))
def test_bad_inputs_are_refused(data: st.DataObject, key: str) -> None:
    indicator = mch.get(key)
    bad = data.draw(bad_inputs(indicator))
    assert isinstance(bad, BadInput) and bad.kind in BAD_INPUT_CLASSES
    assert bad.kind != "above" or indicator.kind is mch.Kind.PROPORTION
    with pytest.raises(mch.InvalidInputError):
        indicator.compute(bad.numerator, bad.denominator)


@settings(max_examples=20, deadline=None)
@given(counts("hospital_delivery_rate_cn"))
def test_counts_are_arrays_for_one_indicator(pair: tuple[np.ndarray, np.ndarray]) -> None:
    x, n = pair
    assert x.shape == n.shape and (x <= n).all()
