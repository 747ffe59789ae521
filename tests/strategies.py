"""Hypothesis strategies and indicator factories used across the test suite.

Strategies are derived from the definitions: counts that fit an indicator's
kind (a proportion's numerator never above its denominator), confidence
levels, units from the unit table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

import mch_indicators as mch
from mch_indicators import units

SCALE_UNIT = {1: "fraction", 100: "percent", 1000: "per_1k", 10000: "per_10k", 100000: "per_100k"}


def make_indicator(
    kind: str = "proportion", unit: str = "fraction", **extra: Any
) -> mch.Indicator:
    """A minimal valid user-defined indicator of the given kind and unit."""
    term = {"name": {"en": "events", "zh": "事件数"}, "definition": {"en": "Events counted."}}
    base = {"name": {"en": "people", "zh": "人数"}, "definition": {"en": "People at risk."}}
    if kind == "coverage":  # a coverage divides by an estimated or planned population
        base["estimated"] = True
    fields: dict[str, Any] = {
        "id": f"test_{kind}",
        "name": {"en": f"Test {kind}", "zh": "测试指标"},
        "domain": "mortality",
        "kind": kind,
        "unit": unit,
        "direction": "lower",
        "numerator": {"id": "events", **term},
        "denominator": {"id": "people", **base},
        "definition": {"en": "A test indicator."},
        "sources": [{"document": "test suite"}],
        **extra,
    }
    return mch.Indicator.model_validate(fields)


confidence_levels = st.floats(min_value=0.5, max_value=0.9999, allow_nan=False)
unit_names = st.sampled_from(units.names())
denominators = st.integers(min_value=1, max_value=10**7)
counts = st.integers(min_value=0, max_value=10**6)


@st.composite
def proportion_pairs(draw: st.DrawFn, max_n: int = 10**7) -> tuple[int, int]:
    """(x, n) with 0 <= x <= n, n >= 1."""
    n = draw(st.integers(min_value=1, max_value=max_n))
    x = draw(st.integers(min_value=0, max_value=n))
    return x, n


@st.composite
def count_arrays(draw: st.DrawFn, bounded: bool) -> tuple[np.ndarray, np.ndarray]:
    """Equal-length arrays of counts; numerator <= denominator when ``bounded``."""
    size = draw(st.integers(min_value=1, max_value=30))
    n = np.array(draw(st.lists(denominators, min_size=size, max_size=size)), dtype=float)
    if bounded:
        fractions = draw(st.lists(st.floats(0, 1), min_size=size, max_size=size))
        x = np.floor(np.array(fractions) * n)
    else:
        x = np.array(draw(st.lists(counts, min_size=size, max_size=size)), dtype=float)
    return x, n


# -- registers (records) ---------------------------------------------------------------

#: Values a birth register holds, boundaries and errors included: exactly 22, 28 and
#: 37 weeks, 27+6 (27.857), exactly 1,000 and 2,500 g, deaths on days 6, 7, 27 and 28,
#: missing values, codes meaning "unknown", unrecognised codes and impossible numbers.
BIRTH_VALUES: dict[str, list[Any]] = {
    "outcome": ["live", "活产", "1", "stillbirth", "死胎", "2", "9", "不详", "alive?", None],
    "gestation_weeks": [
        None,
        8.0,
        20.0,
        21.9,
        22.0,
        25.0,
        27.857,
        28.0,
        30.0,
        36.9,
        37.0,
        40.0,
        50.0,
    ],
    "birth_weight_g": [None, 50.0, 600.0, 999.0, 1000.0, 1800.0, 2499.0, 2500.0, 3400.0, 9000.0],
    "death_age_days": [None, None, None, -1.0, 0.0, 6.0, 7.0, 27.0, 28.0, 200.0, 400.0],
    "sex": ["male", "男", "female", "2", "9", None, "x"],
    "delivery_place": ["hospital", "township", "home", "2", None, "other", "??"],
    "delivery_mode": ["vaginal", "剖宫产", "caesarean", "3", None, "9", "c-section?"],
    "mother_age": [None, 14.0, 15.0, 19.9, 20.0, 35.0, 70.0],
    "area": ["A", "B", "C"],
}


@st.composite
def birth_registers(draw: st.DrawFn, max_size: int = 60) -> list[dict[str, Any]]:
    """A births register as a list of records, every field drawn from BIRTH_VALUES."""
    size = draw(st.integers(min_value=0, max_value=max_size))
    return [
        {field: draw(st.sampled_from(values)) for field, values in BIRTH_VALUES.items()}
        for _ in range(size)
    ]
