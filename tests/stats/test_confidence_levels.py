"""Every statistic that takes one confidence level checks it the same way (one check).

``docs/computation.md`` promises "did you mean 0.95?" for 95; trends, joinpoints and
smoothing used to say only "between 0 and 1", and let a string through as a TypeError.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mch_indicators import InvalidInputError, stats

YEARS = range(2015, 2025)
COUNTS = [40, 38, 37, 35, 30, 29, 27, 25, 22, 21]
BIRTHS = [10_000] * 10


def _trend(level: Any) -> object:
    return stats.trend(COUNTS, BIRTHS, YEARS, confidence=level)


def _trend_method(level: Any) -> object:
    return stats.trend(COUNTS, BIRTHS, YEARS).projection(2030, confidence=level)


def _joinpoint(level: Any) -> object:
    return stats.joinpoint(COUNTS, BIRTHS, YEARS, max_joinpoints=0, confidence=level)


def _joinpoint_method(level: Any) -> object:
    fit = stats.joinpoint(COUNTS, BIRTHS, YEARS, max_joinpoints=0)
    return fit.aapc(confidence=level)


def _smooth(level: Any) -> object:
    return stats.smooth([3, 5, 0, 8], [2.5, 4.0, 1.5, 6.0], confidence=level)


SINGLE_LEVEL: list[Callable[[Any], object]] = [
    _trend, _trend_method, _joinpoint, _joinpoint_method, _smooth,
]  # fmt: skip


@pytest.mark.parametrize("call", SINGLE_LEVEL, ids=lambda call: call.__name__)
def test_a_percentage_gets_the_hint(call):
    with pytest.raises(InvalidInputError, match=r"did you mean 0\.95\?"):
        call(95)


@pytest.mark.parametrize("call", SINGLE_LEVEL, ids=lambda call: call.__name__)
@pytest.mark.parametrize("level", ["0.95", True, (0.9, 0.95), 0.0, 1.0, float("nan")])
def test_anything_but_one_level_in_range_is_refused(call, level):
    with pytest.raises(InvalidInputError, match="confidence"):
        call(level)


@pytest.mark.parametrize("call", SINGLE_LEVEL, ids=lambda call: call.__name__)
def test_a_level_in_range_is_taken(call):
    call(0.9)
