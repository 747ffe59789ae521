"""Comparisons that carry their uncertainty: two rates, two proportions, an area and a benchmark.

* :func:`compare_rates`: the ratio of two Poisson rates with the exact
  conditional interval and test (given x₁ + x₂ events, x₁ is binomial with
  probability n₁r/(n₁r + n₂); Clopper–Pearson limits of that probability map to
  limits of the ratio r), as R's ``poisson.test`` computes them.
* :func:`compare_proportions`: the difference of two proportions with
  Newcombe's hybrid score interval (his method 10: the Wilson limits of each
  proportion combined) and the score (Pearson χ²) test.
* :func:`compare_to_benchmark`: higher, similar or lower than a benchmark, and
  better, similar or worse once the indicator's direction is known. Against a
  benchmark value, Fingertips' rule: the value differs when the benchmark lies
  outside the area's confidence interval. Against a benchmark area given by its
  counts (the province, say), the area is compared with the rest of the
  benchmark area (benchmark minus area), since an area is part of its own total.

References: Newcombe RG (1998) Interval estimation for the difference between
independent proportions, Stat Med 17:873–890; Breslow NE & Day NE (1987) vol. II
§2.4 (conditional test of two Poisson rates); Public Health England, Fingertips
technical guidance, *Comparators briefing* and the Fingertips indicator comparer
(benchmark outside the 95 % / 99.8 % interval).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError, error_of
from mch_indicators._validate import (
    check_range,
    choice_error,
    coerce_counts,
    coerce_values,
    labelled,
    positions_words,
    refuse_impossible_counts,
)
from mch_indicators.stats._flags import FLAG_DTYPE, Flag
from mch_indicators.stats._intervals import get_method, normal_quantile
from mch_indicators.stats._types import BoolArray, FloatArray, ReadOnlyResult

__all__ = [
    "Assessment",
    "BenchmarkComparison",
    "Comparison",
    "ProportionComparison",
    "RateComparison",
    "assess",
    "compare_proportions",
    "compare_rates",
    "compare_to_benchmark",
]


class Comparison(StrEnum):
    """An area against a benchmark: significantly higher, similar, significantly lower."""

    HIGHER = "higher"
    SIMILAR = "similar"
    LOWER = "lower"
    NOT_COMPARED = "not compared"


class Assessment(StrEnum):
    """A difference or trend read with the indicator's direction (which way is better)."""

    BETTER = "better"
    SIMILAR = "similar"
    WORSE = "worse"
    NO_CHANGE = "no significant change"
    NOT_ASSESSED = "not assessed"
    NOT_COMPARED = "not compared"
    CANNOT_BE_CALCULATED = "cannot be calculated"


def _direction(direction: str | None) -> str:
    value = "neutral" if direction is None else str(direction)
    if value not in ("lower", "higher", "neutral"):
        raise choice_error("direction", ("lower", "higher", "neutral"), direction)
    return value


def assess(
    up: BoolArray, down: BoolArray, unknown: BoolArray, direction: str | None, middle: str
) -> npt.NDArray[np.str_]:
    """Better / worse from significant ups and downs and the direction that is better.

    ``middle`` names neither (``"similar"`` or ``"no significant change"``); a
    neutral direction gives ``"not assessed"`` for ups and downs.
    """
    better_up = {"higher": True, "lower": False}.get(_direction(direction))
    if better_up is None:
        moved = np.where(up | down, Assessment.NOT_ASSESSED.value, middle)
    else:
        good, bad = (up, down) if better_up else (down, up)
        moved = np.select([good, bad], [Assessment.BETTER.value, Assessment.WORSE.value], middle)
    return np.where(unknown, Assessment.NOT_COMPARED.value, moved).astype(np.str_)


def _level(confidence: float) -> float:
    from mch_indicators._validate import check_confidence

    levels = check_confidence(confidence)
    if len(levels) != 1:
        raise error_of(InvalidInputError, "confidence_not_one", value=confidence)
    return levels[0]


def _counts(values: npt.ArrayLike, name: str, *, denominator: bool = False) -> FloatArray:
    array = coerce_counts(values, name)
    check_range(array, name, denominator=denominator)
    return array


def _flags(missing: BoolArray, zero: BoolArray) -> npt.NDArray[np.uint16]:
    """Flag masks: MISSING where an input is missing (or masked), ZERO_DENOMINATOR at ``zero``."""
    flags = np.zeros(missing.shape, dtype=FLAG_DTYPE)
    flags[missing] |= FLAG_DTYPE(Flag.MISSING)
    flags[zero & ~missing] |= FLAG_DTYPE(Flag.ZERO_DENOMINATOR)
    return flags


def _broadcast(**arrays: FloatArray) -> list[FloatArray]:
    try:
        return [np.asarray(a, dtype=np.float64) for a in np.broadcast_arrays(*arrays.values())]
    except ValueError:
        shapes = ", ".join(f"{name} {a.shape}" for name, a in arrays.items())
        raise error_of(InvalidInputError, "shapes_not_broadcast", shapes=shapes) from None


# -- the exact binomial pieces ------------------------------------------------------------


def _clopper_pearson_odds(
    x: FloatArray, n: FloatArray, level: float
) -> tuple[FloatArray, FloatArray]:
    """Clopper–Pearson limits of the binomial probability p, as odds p / (1 − p).

    Both p and 1 − p are beta quantiles (1 − p of Beta(a, b) is Beta(b, a)), so
    neither is found by subtracting from 1: an upper limit of p a hair below 1
    still gives finite odds. The odds are infinite only at x = n.
    """
    from scipy.special import betaincinv

    tail = (1.0 - level) / 2.0
    some, short = x > 0, x < n
    with np.errstate(invalid="ignore", divide="ignore"):
        events, others = np.maximum(x, 1e-300), np.maximum(n - x, 1e-300)
        p_low = np.where(some, betaincinv(events, n - x + 1.0, tail), 0.0)
        q_low = np.where(some, betaincinv(n - x + 1.0, events, 1.0 - tail), 1.0)
        p_high = np.where(short, betaincinv(x + 1.0, others, 1.0 - tail), 1.0)
        q_high = np.where(short, betaincinv(others, x + 1.0, tail), 0.0)
        return np.asarray(p_low / q_low), np.asarray(p_high / q_high)


def _first_true(test: object, low: FloatArray, high: FloatArray) -> FloatArray:
    """Smallest integer k in [low, high] where ``test`` (false, then true) holds, else high + 1."""
    found = np.asarray(high, dtype=np.float64) + 1.0
    lo, hi = low.copy(), high.copy()
    while True:
        open_ = lo <= hi
        if not open_.any():
            return found
        mid = np.floor((lo + hi) / 2.0)
        ok = open_ & test(mid)  # type: ignore[operator]
        found = np.where(ok, mid, found)
        hi = np.where(ok, mid - 1.0, hi)
        lo = np.where(open_ & ~ok, mid + 1.0, lo)


def _binomial_two_sided(x: FloatArray, n: FloatArray, p: FloatArray) -> FloatArray:
    """Two-sided exact binomial p-value, summing outcomes no likelier than x (R's binom.test)."""
    from scipy.stats import binom

    relative = 1.0 + 1e-7
    own = binom.pmf(x, n, p) * relative
    mean = n * p
    below = x < mean

    def unlikely(k: FloatArray) -> BoolArray:
        return np.asarray(binom.pmf(k, n, p) <= own)

    # x below the mean: count the outcomes from ceil(mean) up that are no likelier
    start = np.ceil(mean)
    first_high = _first_true(unlikely, np.where(below, start, 0.0), np.where(below, n, -1.0))

    # x above the mean: outcomes from 0 to floor(mean), likelier as k grows
    def likely(k: FloatArray) -> BoolArray:
        return ~unlikely(k)

    first_likely = _first_true(
        likely, np.where(below, 0.0, 0.0), np.where(below, -1.0, np.floor(mean))
    )
    with np.errstate(invalid="ignore"):
        low_side = binom.cdf(x, n, p) + binom.sf(first_high - 1.0, n, p)
        high_side = binom.cdf(first_likely - 1.0, n, p) + binom.sf(x - 1.0, n, p)
    value = np.where(below, low_side, high_side)
    value = np.where(x == mean, 1.0, value)
    return np.asarray(np.minimum(1.0, value), dtype=np.float64)


# -- two rates ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class RateComparison(ReadOnlyResult):
    """Two Poisson rates compared (:func:`compare_rates`).

    ``ratio`` is rate₁ / rate₂ with its exact conditional limits; ``percent_change``
    is (ratio − 1) × 100 with the same limits ("down 12 % on last year");
    ``p_value`` tests a ratio of 1. ``flags`` says why a number is NaN:
    ``MISSING`` where a count is missing (or masked): everything NaN;
    ``ZERO_DENOMINATOR`` where the second rate is 0 (or so near 0 that the upper
    limit is beyond any float): the ratio and its upper limit are infinite and
    given as NaN, the lower limit and the p-value stand (both counts 0:
    everything NaN).
    """

    rate1: FloatArray
    rate2: FloatArray
    ratio: FloatArray
    lower: FloatArray
    upper: FloatArray
    p_value: FloatArray
    confidence: float
    flags: npt.NDArray[np.uint16]

    @property
    def percent_change(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """The change in percent, (ratio − 1) × 100, and its limits (change, lower, upper)."""
        return (self.ratio - 1.0) * 100.0, (self.lower - 1.0) * 100.0, (self.upper - 1.0) * 100.0


@labelled("x1", "n1", "x2", "n2")
def compare_rates(
    x1: npt.ArrayLike,
    n1: npt.ArrayLike,
    x2: npt.ArrayLike,
    n2: npt.ArrayLike,
    *,
    confidence: float = 0.95,
) -> RateComparison:
    """The ratio of two rates x₁/n₁ and x₂/n₂ with the exact conditional interval and p-value.

    Parameters
    ----------
    x1, n1, x2, n2 : array_like
        Events and person-time (or births) of the two areas or periods; any
        broadcastable shapes.
    confidence : float, default 0.95

    Returns
    -------
    RateComparison

    Raises
    ------
    InvalidInputError
        Negative, infinite or non-numeric counts, a denominator of 0, arrays that
        do not broadcast.

    Examples
    --------
    12 maternal deaths in 26,954 births against 30 in 40,000 (R's
    ``poisson.test(c(12, 30), c(26954, 40000))`` gives 0.5936, 0.2768–1.1939, p = 0.1561):

    >>> from mch_indicators import stats
    >>> c = stats.compare_rates(12, 26954, 30, 40000)
    >>> round(float(c.ratio), 4), round(float(c.lower), 4), round(float(c.upper), 4)
    (0.5936, 0.2768, 1.1939)
    >>> round(float(c.p_value), 4)
    0.1561
    >>> [round(float(v), 1) for v in c.percent_change]  # "down 41 %", but -72 % to +19 %
    [-40.6, -72.3, 19.4]
    """
    level = _level(confidence)
    a, b = _counts(x1, "x1"), _counts(n1, "n1", denominator=True)
    c, d = _counts(x2, "x2"), _counts(n2, "n2", denominator=True)
    a, b, c, d = _broadcast(x1=a, n1=b, x2=c, n2=d)
    zero = (b == 0) | (d == 0)
    if zero.any():
        raise error_of(
            InvalidInputError, "rate_needs_denominator", name="n1, n2",
            positions=positions_words(zero, np.where(b == 0, b, d)),
        )  # fmt: skip
    total = a + c
    ok = np.isfinite(total) & (total > 0)
    safe_total = np.where(ok, total, 1.0)
    safe_a = np.where(ok, a, 0.0)
    low_odds, high_odds = _clopper_pearson_odds(safe_a, safe_total, level)
    scale = d / b
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = (a / b) / (c / d)
        lower = low_odds * scale
        upper = high_odds * scale
    p_null = b / (b + d)
    p_value = _binomial_two_sided(safe_a, safe_total, p_null)
    nan = np.full(a.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate1, rate2 = a / b, c / d
    # with no events in the second (or so few that the limit is beyond any float) the
    # ratio has no upper bound
    unbounded = (c == 0) | (ok & ~(np.isfinite(upper) & np.isfinite(ratio)))
    bounded = ok & ~unbounded
    flags = _flags(np.isnan(a) | np.isnan(b) | np.isnan(c) | np.isnan(d), unbounded)
    return RateComparison(
        rate1, rate2, np.where(bounded, ratio, nan), np.where(ok, lower, nan),
        np.where(bounded, upper, nan), np.where(ok, p_value, nan), level, flags,
    )  # fmt: skip


# -- two proportions ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class ProportionComparison(ReadOnlyResult):
    """Two proportions compared (:func:`compare_proportions`).

    ``difference`` is p₁ − p₂ (fractions) with Newcombe's hybrid score limits;
    ``ratio`` is p₁ / p₂ (point estimate); ``p_value`` is the two-sided score
    (Pearson χ², no continuity correction) test of equal proportions. ``flags``
    says why a number is NaN: ``MISSING`` where a count is missing (or masked):
    everything NaN; ``ZERO_DENOMINATOR`` where p₂ is 0: the ratio is NaN, the
    difference and its interval stand.
    """

    p1: FloatArray
    p2: FloatArray
    difference: FloatArray
    lower: FloatArray
    upper: FloatArray
    ratio: FloatArray
    p_value: FloatArray
    confidence: float
    flags: npt.NDArray[np.uint16]


@labelled("x1", "n1", "x2", "n2")
def compare_proportions(
    x1: npt.ArrayLike,
    n1: npt.ArrayLike,
    x2: npt.ArrayLike,
    n2: npt.ArrayLike,
    *,
    confidence: float = 0.95,
) -> ProportionComparison:
    """The difference of two proportions with Newcombe's hybrid score interval and p-value.

    Examples
    --------
    Hospital delivery 9,856 of 12,345 against 7,100 of 9,200:

    >>> from mch_indicators import stats
    >>> c = stats.compare_proportions(9856, 12345, 7100, 9200)
    >>> round(float(c.difference), 5), round(float(c.lower), 5), round(float(c.upper), 5)
    (0.02664, 0.01555, 0.03779)
    >>> bool(c.p_value < 1e-5)
    True
    """
    level = _level(confidence)
    a, b = _counts(x1, "x1"), _counts(n1, "n1", denominator=True)
    c, d = _counts(x2, "x2"), _counts(n2, "n2", denominator=True)
    a, b, c, d = _broadcast(x1=a, n1=b, x2=c, n2=d)
    for x, n, name in ((a, b, "x1"), (c, d, "x2")):
        refuse_impossible_counts(x, n, name)
        empty = n == 0  # 0 of 0: no proportion to compare
        if empty.any():
            raise error_of(
                InvalidInputError,
                "proportion_of_nothing",
                name=name,
                positions=positions_words(empty, n),
            )
    shape = a.shape
    a, b, c, d = (v.ravel() for v in (a, b, c, d))
    wilson = get_method("wilson", "binomial", "proportion")
    z = normal_quantile(0.5 + level / 2.0)
    alpha = 1.0 - level
    p1, p2 = a / b, c / d
    ok = np.isfinite(p1) & np.isfinite(p2)
    l1, u1 = wilson.limits(np.where(ok, a, 0.0), np.where(ok, b, 1.0), z, alpha)
    l2, u2 = wilson.limits(np.where(ok, c, 0.0), np.where(ok, d, 1.0), z, alpha)
    difference = p1 - p2
    lower = difference - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = difference + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    pooled = (a + c) / (b + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = difference / np.sqrt(pooled * (1.0 - pooled) * (1.0 / b + 1.0 / d))
        ratio = p1 / p2
    from scipy.special import ndtr

    p_value = np.where(np.isnan(statistic) & ok, 1.0, 2.0 * ndtr(-np.abs(statistic)))
    nan = np.full(a.shape, np.nan)
    flags = _flags(~ok, p2 == 0).reshape(shape)
    return ProportionComparison(
        p1.reshape(shape), p2.reshape(shape), difference.reshape(shape),
        np.where(ok, lower, nan).reshape(shape), np.where(ok, upper, nan).reshape(shape),
        np.where(ok & (p2 > 0), ratio, nan).reshape(shape),
        np.where(ok, p_value, nan).reshape(shape), level, flags,
    )  # fmt: skip


# -- an area and its benchmark -------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class BenchmarkComparison(ReadOnlyResult):
    """Areas compared with a benchmark (:func:`compare_to_benchmark`).

    Attributes
    ----------
    value, lower, upper : numpy.ndarray
        Each area's value and interval (× multiplier).
    benchmark : numpy.ndarray
        The benchmark value each area was compared with (× multiplier).
    comparison : numpy.ndarray of str
        :class:`Comparison`: higher, similar, lower, or not compared (missing counts).
    assessment : numpy.ndarray of str
        :class:`Assessment`: better, similar, worse; not assessed when the
        direction is neutral; not compared.
    method : str
        ``"benchmark outside interval"`` (Fingertips) or ``"area versus rest"``.
    contrast, contrast_lower, contrast_upper, p_value : numpy.ndarray
        Area versus rest only (NaN otherwise): the rate ratio or the difference of
        proportions (× multiplier) with its interval, and the p-value.
    flags : numpy.ndarray of uint16
        Why a number is NaN or an area not compared: the area's own flags
        (``MISSING`` for a missing or masked count, ``ZERO_DENOMINATOR``...),
        ``MISSING`` where the benchmark is missing, and, area versus rest,
        ``ZERO_DENOMINATOR`` where the rest has no population (or, for rates,
        no events: the rate ratio and its upper limit are then NaN).
    """

    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    benchmark: FloatArray
    comparison: npt.NDArray[np.str_]
    assessment: npt.NDArray[np.str_]
    confidence: float
    method: str
    contrast: FloatArray
    contrast_lower: FloatArray
    contrast_upper: FloatArray
    p_value: FloatArray
    flags: npt.NDArray[np.uint16]


def _area_limits(
    x: FloatArray, n: FloatArray, statistic: str, method: str | None, level: float, scale: float
) -> tuple[FloatArray, FloatArray, FloatArray, npt.NDArray[np.uint16]]:
    from mch_indicators.stats._estimates import proportion, rate

    if statistic == "proportion":
        e = proportion(x, n, multiplier=scale, method=method or "wilson", confidence=level,
                       on_invalid="flag")  # fmt: skip
    else:
        e = rate(x, n, multiplier=scale, method=method or "exact", confidence=level)
    return np.asarray(e.value), np.asarray(e.lower), np.asarray(e.upper), np.array(e.flags)


@labelled("numerator", "denominator", "benchmark")
def compare_to_benchmark(
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike,
    benchmark: npt.ArrayLike | None = None,
    *,
    benchmark_counts: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
    statistic: str = "proportion",
    multiplier: float = 100.0,
    method: str | None = None,
    confidence: float = 0.95,
    direction: str | None = None,
) -> BenchmarkComparison:
    """Whether each area is higher, similar or lower than a benchmark, and better or worse.

    With a benchmark value (the nation's published rate, a target level), the
    area differs when the benchmark lies outside the area's confidence interval
    (Fingertips' method). With ``benchmark_counts`` (numerator, denominator) of an
    area that contains each compared area, such as the province, each area is
    compared with the rest of it: the exact conditional rate ratio (rates) or
    Newcombe's difference of proportions, area versus benchmark minus area.

    Parameters
    ----------
    numerator, denominator : array_like
        Each area's counts.
    benchmark : array_like, optional
        Benchmark value(s) in the indicator's units (× ``multiplier``),
        broadcast against the areas.
    benchmark_counts : (array_like, array_like), optional
        Numerator and denominator of the benchmark area instead of a value.
    statistic : {"proportion", "rate"}, default "proportion"
    multiplier : float, default 100
    method : str, optional
        Interval method for the area (default Wilson for proportions, exact
        Poisson for rates; ``"phe"`` for PHE's exact-below-10, Byar-from-10).
    confidence : float, default 0.95
        0.998 for Fingertips' 99.8 % comparison.
    direction : {"lower", "higher", "neutral"}, optional
        Which way is better (an indicator's ``direction``); without it the
        assessment is ``"not assessed"``.

    Raises
    ------
    InvalidInputError
        Both or neither of ``benchmark`` and ``benchmark_counts``; benchmark
        counts smaller than the area's own (the benchmark must contain the area);
        bad counts or direction.

    Examples
    --------
    >>> from mch_indicators import stats
    >>> c = stats.compare_to_benchmark([2, 30, 0], [26954, 61000, 60100], 16.1,
    ...                                statistic="rate", multiplier=100_000, direction="lower")
    >>> c.comparison.tolist(), c.assessment.tolist()
    (['similar', 'higher', 'lower'], ['similar', 'worse', 'better'])
    """
    if statistic not in ("proportion", "rate"):
        raise choice_error("statistic", ("proportion", "rate"), statistic)
    if (benchmark is None) == (benchmark_counts is None):
        raise error_of(InvalidInputError, "benchmark_one_way")
    level = _level(confidence)
    scale = float(multiplier)
    x, n = _counts(numerator, "numerator"), _counts(denominator, "denominator", denominator=True)
    x, n = _broadcast(numerator=x, denominator=n)
    value, lower, upper, flags = _area_limits(x, n, statistic, method, level, scale)
    unknown = np.isnan(value)
    nan = np.full(value.shape, np.nan)
    if benchmark is not None:
        if isinstance(benchmark, str | bytes):
            raise error_of(InvalidInputError, "benchmark_not_finite", value=benchmark)
        target = np.broadcast_to(coerce_values(benchmark, "benchmark"), value.shape)
        unknown = unknown | np.isnan(target)
        flags[np.isnan(target)] |= FLAG_DTYPE(Flag.MISSING)
        with np.errstate(invalid="ignore"):
            higher, lower_than = target < lower, target > upper
        return _benchmark_result(value, lower, upper, np.array(target), higher, lower_than,
                                 unknown, level, direction, "benchmark outside interval",
                                 (nan, nan, nan, nan), flags)  # fmt: skip
    return _versus_rest(x, n, benchmark_counts, statistic, (value, lower, upper, flags),
                        unknown, level, direction, scale)  # fmt: skip


def _versus_rest(
    x: FloatArray,
    n: FloatArray,
    counts: tuple[npt.ArrayLike, npt.ArrayLike] | None,
    statistic: str,
    area: tuple[FloatArray, FloatArray, FloatArray, npt.NDArray[np.uint16]],
    unknown: BoolArray,
    level: float,
    direction: str | None,
    scale: float,
) -> BenchmarkComparison:
    if not (isinstance(counts, tuple | list) and len(counts) == 2):
        raise error_of(InvalidInputError, "benchmark_counts_pair")
    big_x = np.broadcast_to(_counts(counts[0], "benchmark numerator"), x.shape)
    big_n = np.broadcast_to(_counts(counts[1], "benchmark denominator", denominator=True), x.shape)
    with np.errstate(invalid="ignore"):
        outside = (big_x < x) | (big_n < n)
    if outside.any():
        raise error_of(
            InvalidInputError, "benchmark_smaller", positions=positions_words(outside, x)
        )
    value, lower, upper, flags = area
    rest_x, rest_n = big_x - x, big_n - n
    flags[(np.isnan(rest_x) | np.isnan(rest_n)) & ~unknown] |= FLAG_DTYPE(Flag.MISSING)
    flags[(rest_n == 0) & ~unknown] |= FLAG_DTYPE(Flag.ZERO_DENOMINATOR)
    unknown = unknown | np.isnan(rest_x) | np.isnan(rest_n) | (rest_n == 0)
    safe = np.where(unknown, 1.0, rest_n)
    with np.errstate(invalid="ignore", divide="ignore"):
        benchmark = big_x / big_n * scale
    if statistic == "rate":
        c = compare_rates(np.where(unknown, 0.0, x), np.where(unknown, 1.0, n),
                          np.where(unknown, 0.0, rest_x), safe, confidence=level)  # fmt: skip
        contrast, c_low, c_high = c.ratio, c.lower, c.upper
        with np.errstate(invalid="ignore"):  # no events in the rest: no upper limit (NaN)
            higher, lower_than, p_value = c_low > 1.0, c_high < 1.0, c.p_value
        flags[~unknown & (c.flags > 0)] |= FLAG_DTYPE(Flag.ZERO_DENOMINATOR)
    else:
        p = compare_proportions(
            np.where(unknown, 0.0, x), np.where(unknown, 1.0, n), np.where(unknown, 0.0, rest_x),
            safe, confidence=level,
        )  # fmt: skip
        contrast, c_low, c_high = p.difference * scale, p.lower * scale, p.upper * scale
        higher, lower_than, p_value = p.lower > 0.0, p.upper < 0.0, p.p_value
    nan = np.full(value.shape, np.nan)
    contrast, c_low, c_high, p_value = (
        np.where(unknown, nan, a) for a in (contrast, c_low, c_high, p_value)
    )
    return _benchmark_result(value, lower, upper, np.array(benchmark), higher & ~unknown,
                             lower_than & ~unknown, unknown, level, direction,
                             "area versus rest", (contrast, c_low, c_high, p_value),
                             flags)  # fmt: skip


def _benchmark_result(
    value: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    benchmark: FloatArray,
    higher: BoolArray,
    lower_than: BoolArray,
    unknown: BoolArray,
    level: float,
    direction: str | None,
    method: str,
    extras: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    flags: npt.NDArray[np.uint16],
) -> BenchmarkComparison:
    comparison = np.select(
        [unknown, higher, lower_than],
        [Comparison.NOT_COMPARED.value, Comparison.HIGHER.value, Comparison.LOWER.value],
        Comparison.SIMILAR.value,
    ).astype(np.str_)
    assessment = assess(higher & ~unknown, lower_than & ~unknown, unknown, direction,
                        Assessment.SIMILAR.value)  # fmt: skip
    return BenchmarkComparison(value, lower, upper, benchmark, comparison, assessment, level,
                               method, *extras, flags)  # fmt: skip
