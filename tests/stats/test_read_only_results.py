"""Every array of a statistics result is read-only (``stats._types.ReadOnlyResult``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import mch_indicators as mch
from mch_indicators import stats

DEATHS = [2, 5, 3, 4, 1, 6, 0, 7]
BIRTHS = [800, 1106, 980, 960, 455, 1315, 390, 1460]

RESULTS: dict[str, Callable[[], Any]] = {
    "RateComparison": lambda: stats.compare_rates([12, 3], [26954, 12000], [30, 9], [4e4, 11e3]),
    "ProportionComparison": lambda: stats.compare_proportions([98, 7], [123, 9], [71, 5], [92, 9]),
    "BenchmarkComparison": lambda: stats.compare_to_benchmark(
        [2, 30, 0], [26954, 61000, 60100], 16.1, statistic="rate", multiplier=100_000
    ),
    "Decomposition": lambda: stats.decompose(
        [0.30, 0.05, 0.004], [150, 700, 9150], [0.22, 0.04, 0.003], [120, 650, 9230]
    ),
    "FunnelLimits": lambda: stats.funnel_limits(
        [35, 40, 52], [1000, 1500, 2000], statistic="proportion"
    ),
    "FunnelSignificance": lambda: stats.funnel_significance(
        [102, 123, 151, 132], [152, 161, 179, 184], statistic="proportion"
    ),
    "Joinpoint": lambda: stats.joinpoint(
        [100, 90, 81, 73, 66, 66, 67, 67, 68, 69, 70], [10000] * 11, range(2013, 2024)
    ),
    "Smoothed": lambda: stats.smooth(DEATHS, BIRTHS, multiplier=1000),
    "Trend": lambda: stats.trend([40, 36, 35, 30, 29, 25], [10000] * 6, range(2019, 2025)),
    "TargetAssessment": lambda: mch.project_target(
        mch.targets_for("婴儿死亡率", plan="healthy_china_2030")[0],
        stats.trend([40, 36, 35, 30, 29, 25], [10000] * 6, range(2019, 2025), multiplier=1000),
        denominator=10000,
    ),
}


def _arrays(result: Any) -> dict[str, np.ndarray]:
    fields = dataclasses.fields(result)
    values = {field.name: getattr(result, field.name) for field in fields}
    return {name: value for name, value in values.items() if isinstance(value, np.ndarray)}


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_every_array_of_a_result_is_read_only(name: str) -> None:
    result = RESULTS[name]()
    assert type(result).__name__ == name
    arrays = _arrays(result)
    assert len(arrays) >= 3
    for field, array in arrays.items():
        assert not array.flags.writeable, field
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_a_replaced_result_is_read_only_too(name: str) -> None:
    result = RESULTS[name]()
    field, array = next(iter(_arrays(result).items()))
    changed = dataclasses.replace(result, **{field: np.array(array, copy=True)})
    assert not getattr(changed, field).flags.writeable


def test_an_optional_array_left_none_stays_none() -> None:
    fit = RESULTS["Trend"]()
    assert isinstance(fit, stats.Trend)
    assert fit.last_denominator is not None and not fit.last_denominator.flags.writeable
    assert dataclasses.replace(fit, last_denominator=None).last_denominator is None
