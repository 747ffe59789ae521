from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mch_indicators import UnitError, units
from strategies import unit_names


@pytest.mark.parametrize(
    ("text", "magnitude", "unit"),
    [
        ("7.42/10万", 7.42, "per_100k"),
        ("2.23‰", 2.23, "permille"),
        ("97.99%", 97.99, "percent"),
        ("97.99 ％", 97.99, "percent"),
        ("211 per 100,000", 211.0, "per_100k"),
        ("18.3 per 100k", 18.3, "per_100k"),
        ("5.66 per 1,000", 5.66, "per_1k"),
        ("3‱", 3.0, "per_10k"),
        ("78.83/万", 78.83, "per_10k"),
        ("1,234.5 per 100,000", 1234.5, "per_100k"),
        ("0.5 fraction", 0.5, "fraction"),
        ("12 per_100k", 12.0, "per_100k"),
        (".5 percent", 0.5, "percent"),
        ("1e2 permille", 100.0, "permille"),
    ],
)
def test_parse_keeps_the_display_unit(text, magnitude, unit):
    quantity = units.parse(text)
    assert units.unit_name(quantity) == unit
    assert float(quantity.magnitude) == magnitude


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("5 ppt", "ambiguous"),
        ("5 ppb", "ambiguous"),
        ("5 ppm", "not a reporting unit"),
        ("3 bp", "basis point"),
        ("2 pp", "percentage point"),
        ("4 furlongs", "unknown unit 'furlongs'"),
        ("7.42", "no unit"),
        ("abc", "no number"),
        ("", "no number"),
    ],
)
def test_parse_rejects_ambiguous_and_unknown(text, reason):
    with pytest.raises(UnitError, match=reason):
        units.parse(text)


def test_parse_rejects_non_text():
    with pytest.raises(UnitError, match="expected text"):
        units.parse(7.42)  # type: ignore[arg-type]


def test_unit_error_is_a_value_error():
    assert issubclass(UnitError, ValueError)


def test_display_conversion_is_exact():
    assert float(units.convert(7.42, "/10万", "‰")) == 0.0742
    assert float(units.convert(2.23, "‰", "%")) == 0.223
    assert float(units.convert(109.64, "%", "fraction")) == 1.0964
    assert units.convert([1.5], "percent", "per_100k").tolist() == [1500.0]


def test_scales():
    assert [units.scale(n) for n in units.names()] == [1, 100, 100, 1000, 1000, 10000, 100000]


@given(
    st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False),
    unit_names,
    unit_names,
)
def test_conversion_round_trips(value, source, target):
    there = units.convert(value, source, target)
    back = float(units.convert(there, target, source))
    assert back == pytest.approx(value, rel=1e-15, abs=1e-300)


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False), unit_names, unit_names)
def test_conversion_agrees_with_pint(value, source, target):
    quantity = units.quantity(value, source).to(target)
    ours = float(units.convert(value, source, target))
    assert ours == pytest.approx(float(quantity.magnitude), rel=1e-12, abs=1e-300)


def test_quantity_uses_the_project_registry_and_arrays():
    q = units.quantity([1.0, 2.0], "/10万")
    assert q.units == units.registry().per_100k
    np.testing.assert_array_equal(q.to("per_10k").magnitude, [0.1, 0.2])
    assert units.registry() is units.registry()


def test_unit_name_refuses_non_indicator_units():
    with pytest.raises(UnitError, match="not an indicator unit"):
        units.unit_name(units.registry().Quantity(1.0, "meter"))
