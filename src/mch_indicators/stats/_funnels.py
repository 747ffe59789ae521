"""Funnel-plot control limits and significance, as PHEindicatormethods computes them.

Three statistics, each compared with the overall average of the areas (the
funnel's centre line):

* ``proportion``: x / n. The limits at population n are the average π plus or
  minus z·√(π(1 − π)/n): the proportions at which the average just touches the
  area's Wilson interval. PHE writes this as the root of a quadratic; it is the
  same number.
* ``ratio``: observed / expected events (counts, or an indirectly standardised
  ratio). The limits at O observed events are O / E where E is the exact
  Poisson limit of the count O.
* ``rate``: crude or directly standardised rates over several years. The
  denominator of each area is derived from its events and rate, and the
  limits at E events are E over the population at which the exact Poisson limit
  of E meets the average rate.

Significance of each area uses the 95 % (2 s.d., "0.025") and 99.8 % (3 s.d.,
"0.001") limits: high or low at either level, or not significant.

PHEindicatormethods finds the Poisson funnel by bisection on a transformed scale
(23 halvings, a step of about 6·10⁻⁸) with Poisson probabilities from a series
truncated once a term falls below 10⁻¹⁰ of the running total. ``method="phe"``
repeats those steps and that truncation, so its limits agree with the package to
rounding error; ``method="exact"`` gives the exact Poisson limits (gamma
quantiles), which differ from PHE's by up to about 10⁻⁷ (relative).

References: PHE Fingertips technical guide, *Funnel plots* (2017); Spiegelhalter DJ
(2005) Funnel plots for comparing institutional performance, Stat Med 24:1185–1202;
PHEindicatormethods ``calculate_funnel_limits``, ``calculate_funnel_points``,
``assign_funnel_significance`` (v2.1.0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError, Words, error_of, words
from mch_indicators._validate import (
    LARGEST_COUNT,
    argument_words,
    check_range,
    choice_error,
    coerce_counts,
    labelled,
    positions_words,
    refuse_impossible_counts,
)
from mch_indicators.stats._intervals import normal_quantile, poisson_count_limits
from mch_indicators.stats._types import FloatArray, ReadOnlyResult

__all__ = [
    "FUNNEL_LEVELS",
    "FunnelLimits",
    "FunnelPoints",
    "FunnelSignificance",
    "Significance",
    "funnel_limits",
    "funnel_points",
    "funnel_significance",
]

Statistic = Literal["proportion", "ratio", "rate"]

#: The two funnels PHE draws: 95 % (about 2 s.d.) and 99.8 % (about 3 s.d.).
FUNNEL_LEVELS = (0.95, 0.998)
#: PHE draws its funnels through this many points.
GRID_POINTS = 100
#: PHE gives no significance for a directly standardised rate below this many events.
DSR_MIN_EVENTS = 10
_DEFAULT_MULTIPLIER = {"proportion": 100.0, "rate": 100_000.0}
#: From this mean on, PHE's truncated Poisson series is taken whole (see _last_term).
_WHOLE_SERIES = 2.0**50
#: Why a rate funnel has no limits (:attr:`FunnelLimits.reason`).
NO_EVENTS = "no events in the areas of the average: it is 0 and the funnel has no width"
TINY_AVERAGE = "the average rate is too small for the funnel's populations to be numbers"


class Significance(StrEnum):
    """Where an area lies against the funnel (:func:`funnel_significance`).

    The numbers are PHE's two-sided tail areas: 0.025 each side for the 95 %
    funnel, 0.001 for the 99.8 % one.
    """

    HIGH_998 = "high (0.001)"
    HIGH_95 = "high (0.025)"
    LOW_998 = "low (0.001)"
    LOW_95 = "low (0.025)"
    NOT_SIGNIFICANT = "not significant"
    NOT_APPLICABLE = "not applicable (dsr, fewer than 10 events)"


# -- input checks --------------------------------------------------------------------------


def _kind(statistic: str) -> Words | str:
    """A funnel's kind as its messages say it (比例, 率, 比 in Chinese); another as given."""
    if statistic in ("proportion", "rate", "ratio"):
        return words(f"funnel_statistic_{statistic}")
    return statistic


def _counts(values: npt.ArrayLike, name: str) -> FloatArray:
    array = np.atleast_1d(coerce_counts(values, name)).astype(np.float64, copy=False)
    if array.ndim != 1:
        raise error_of(
            InvalidInputError, "funnel_one_dimension", name=argument_words(name), ndim=array.ndim
        )
    check_range(array, name, denominator=name == "denominator")
    return array


def _no_missing(values: FloatArray, name: str, why: str) -> None:
    """Refuse missing ``values``, saying ``why`` (the ``[messages]`` key) they are needed."""
    missing = np.isnan(values)
    if missing.any():
        raise error_of(
            InvalidInputError, "funnel_missing", name=argument_words(name), why=words(why),
            positions=positions_words(missing, values),
        )  # fmt: skip


def _same_length(**arrays: FloatArray | None) -> int:
    sizes = {name: a.size for name, a in arrays.items() if a is not None}
    if len(set(sizes.values())) > 1:
        shown = ", ".join(f"{name} {size}" for name, size in sizes.items())
        raise error_of(InvalidInputError, "funnel_lengths", shown=shown)
    return next(iter(sizes.values()))


def _statistic(statistic: str) -> Statistic:
    if statistic in ("proportion", "ratio", "rate"):
        return statistic  # type: ignore[return-value]
    raise choice_error("statistic", ("proportion", "ratio", "rate"), statistic)


def _choice(value: str | None, name: str, allowed: tuple[str, ...], statistic: str) -> str:
    if value not in allowed:
        raise error_of(
            InvalidInputError, "funnel_choice", name=name, statistic=_kind(statistic), value=value,
            allowed=Words.listing(repr(choice) for choice in allowed),
        )  # fmt: skip
    return value


@dataclass(frozen=True, slots=True)
class _Prepared:
    """Validated inputs of one funnel: numerators and the denominators PHE uses."""

    statistic: Statistic
    numerator: FloatArray
    denominator: FloatArray  # derived for rates (NaN where PHE leaves it out)
    multiplier: float
    ratio_type: str | None = None
    rate_type: str | None = None
    years: float = 1.0

    @property
    def average(self) -> float:
        """The centre line per unit: Σ numerators / Σ denominators (PHE's ``av``).

        NaN when no area counts towards it (a DSR funnel of areas without events).
        """
        total = float(np.nansum(self.denominator))
        return float(self.numerator.sum()) / total if total > 0 else math.nan


def _derived_denominators(
    x: FloatArray, rate: FloatArray, n: FloatArray | None, rate_type: str, multiplier: float
) -> FloatArray:
    """PHE's ``denominator_derived``: the population implied by each area's events and rate."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # refused later
        implied = multiplier * x / rate
    zero = x == 0
    if rate_type == "dsr":
        return np.where(zero, np.nan, implied)
    if n is None:
        return implied
    return np.where(zero, n, implied)


def _prepare(
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike | None,
    *,
    statistic: str,
    multiplier: float | None,
    rate: npt.ArrayLike | None,
    ratio_type: str | None,
    rate_type: str | None,
    years: float | None,
    need_years: bool,
) -> _Prepared:
    kind = _statistic(statistic)
    x = _counts(numerator, "numerator")
    n = None if denominator is None else _counts(denominator, "denominator")
    r = None if rate is None else _counts(rate, "rate")
    _same_length(numerator=x, denominator=n, rate=r)
    if kind == "rate":
        return _prepare_rate(x, n, r, multiplier, rate_type, years, need_years)
    if n is None:
        raise error_of(InvalidInputError, "funnel_needs_denominators", statistic=_kind(kind))
    if r is not None or rate_type is not None or years is not None:
        raise error_of(InvalidInputError, "funnel_rate_arguments", statistic=_kind(kind))
    _no_missing(x, "numerator", "funnel_needs_count")
    _no_missing(n, "denominator", "funnel_needs_denominator")
    if kind == "ratio":
        if multiplier is not None:
            raise error_of(InvalidInputError, "funnel_ratio_multiplier")
        chosen = _choice(ratio_type, "ratio_type", ("count", "isr"), kind)
        _positive(n, "denominator", "funnel_expected_events")
        return _Prepared(kind, x, n, 1.0, ratio_type=chosen)
    if ratio_type is not None:
        raise error_of(InvalidInputError, "funnel_ratio_type")
    _positive(n, "denominator", "funnel_population")
    refuse_impossible_counts(x, n, "numerator")
    scale = _DEFAULT_MULTIPLIER["proportion"] if multiplier is None else float(multiplier)
    return _Prepared(kind, x, n, _positive_scalar(scale, "multiplier"))


def _positive(values: FloatArray, name: str, what: str) -> None:
    """Refuse values not above 0, saying ``what`` (the ``[messages]`` key) they are."""
    zero = values <= 0
    if zero.any():
        raise error_of(
            InvalidInputError, "funnel_positive", name=argument_words(name), what=words(what),
            positions=positions_words(zero, values),
        )  # fmt: skip


def _positive_scalar(value: float, name: str) -> float:
    if not (math.isfinite(value) and value > 0):
        raise error_of(InvalidInputError, "positive_number", name=name, value=value)
    return value


def _prepare_rate(
    x: FloatArray,
    n: FloatArray | None,
    r: FloatArray | None,
    multiplier: float | None,
    rate_type: str | None,
    years: float | None,
    need_years: bool,
) -> _Prepared:
    if r is None:
        raise error_of(InvalidInputError, "funnel_needs_rate_argument")
    chosen = _choice(rate_type, "rate_type", ("crude", "dsr"), "rate")
    if need_years and years is None:
        raise error_of(InvalidInputError, "funnel_needs_years")
    span = 1.0 if years is None else _positive_scalar(float(years), "years")
    scale = _DEFAULT_MULTIPLIER["rate"] if multiplier is None else float(multiplier)
    _no_missing(x, "numerator", "funnel_needs_events")
    if n is None:
        _no_missing(r, "rate", "funnel_needs_rate")
    else:
        both = np.isnan(r) & np.isnan(n)
        if both.any():
            raise error_of(
                InvalidInputError, "funnel_rate_or_denominator",
                positions=positions_words(both, r),
            )  # fmt: skip
    zero = x == 0
    if zero.any():
        if n is None:
            raise error_of(
                InvalidInputError, "funnel_zero_events", positions=positions_words(zero, x)
            )
        bad = zero & ~(n > 0)
        if bad.any():
            raise error_of(
                InvalidInputError, "funnel_zero_events_population",
                positions=positions_words(bad, n),
            )  # fmt: skip
    derived = _derived_denominators(x, r, n, chosen, _positive_scalar(scale, "multiplier"))
    implied = derived > LARGEST_COUNT  # a count of 9e15 at a rate of 5 per 100,000
    if implied.any():
        raise error_of(
            InvalidInputError, "funnel_implied_population",
            positions=positions_words(implied, derived),
        )  # fmt: skip
    return _Prepared("rate", x, derived, scale, rate_type=chosen, years=span)


# -- the axis PHE chooses ----------------------------------------------------------------


def _r_nchar(value: float) -> int:
    """Characters R prints for a whole number: ``nchar(100000)`` is 5 ("1e+05").

    R prints a number in scientific notation when that is shorter than fixed
    notation; PHE counts the characters to round its axis, so we count the same way.
    """
    digits = str(int(value))
    negative = digits.startswith("-")
    body = digits.lstrip("-")
    significant = len(body.rstrip("0")) or 1
    exponent = len(body) - 1
    mantissa = 1 if significant == 1 else significant + 1
    scientific = mantissa + 2 + max(2, len(str(exponent)))
    return int(negative) + (len(body) if len(body) <= scientific else scientific)


def _floor_neat(value: float) -> float:
    """PHE's axis minimum: 95 % of ``value`` rounded down to its leading digit."""
    if value == 0:
        return 0.0
    power = 10.0 ** (_r_nchar(math.floor(value * 0.95)) - 1)
    return math.floor(value * 0.95 / power) * power


def _ceiling_neat(value: float) -> float:
    """PHE's axis maximum: 105 % of ``value`` rounded up to two leading digits."""
    if value == 0:
        return 0.0
    power = 10.0 ** (_r_nchar(math.ceil(value * 1.05)) - 2)
    return math.ceil(value * 1.05 / power) * power


def _axis(prepared: _Prepared) -> tuple[float, float]:
    """Smallest and largest x of the funnel, in PHE's units (population or events)."""
    low = float(np.nanmin(prepared.denominator))
    high = float(np.nanmax(prepared.denominator))
    per_year = prepared.years if prepared.statistic == "rate" else 1.0
    minimum = 0.0 if high > 2 * low else _floor_neat(low / per_year) * per_year
    maximum = _ceiling_neat(high / per_year) * per_year
    if prepared.statistic == "rate":
        average = prepared.average
        return float(math.floor(minimum * average)), float(math.ceil(maximum * average))
    return minimum, maximum


def _grid(minimum: float, maximum: float, ratio: bool) -> FloatArray:
    """PHE's 100 x values: closer together where the funnel is wide."""
    points = [max(1.0, minimum)]
    for j in range(2, GRID_POINTS + 1):
        previous = points[-1]
        steps = GRID_POINTS + 1 - (j - 1 if ratio else j)
        step = round(math.pow(maximum / previous, 1.0 / steps) * previous)
        points.append(max(float(step), previous + 1.0))
    return np.array(points)


# -- Poisson funnels -----------------------------------------------------------------------


def _last_term(z: FloatArray) -> FloatArray:
    """Index of the last term PHE's Poisson series adds at mean ``z``.

    The series adds terms k = 0, 1, ... and stops at the first k above z whose
    term is at most 10⁻¹⁰ of the sum so far; the last term added is k − 1.
    From a mean of 2**50 on, the terms it leaves out weigh less than 10⁻¹⁰ of
    the whole and whole numbers near z are no longer all floats (a search over
    them would not end): the series is taken whole (``inf``).
    """
    from scipy.special import gammaln, pdtr

    whole = z >= _WHOLE_SERIES
    if whole.any():
        last = np.full(z.shape, np.inf)
        if not whole.all():
            last[~whole] = _last_term(z[~whole])
        return last

    def small(k: FloatArray) -> npt.NDArray[np.bool_]:
        log_term = k * np.log(z) - z - gammaln(k + 1.0)
        return np.asarray(log_term <= np.log(1e-10) + np.log(pdtr(k - 1.0, z)))

    low = np.floor(z) + 1.0  # the first k above z
    high = low + np.ceil(12.0 * np.sqrt(z) + 60.0)
    done = small(low)
    high = np.where(done, low, high)
    while True:  # binary search for the first k that is small (terms fall past the mode)
        open_ = high - low > 0
        if not open_.any():
            break
        middle = np.floor((low + high) / 2.0)
        middle_small = small(middle)
        high = np.where(open_ & middle_small, middle, high)
        low = np.where(open_ & ~middle_small, middle + 1.0, low)
    return low - 1.0


def _series_probability(z: FloatArray, counts: FloatArray, side: str) -> FloatArray:
    """P(K ≥ x) (side "low") or P(K ≤ x) (side "high") from PHE's truncated series."""
    from scipy.special import pdtr, pdtrc

    last = _last_term(z)
    total = pdtr(last, z)
    if side == "low":
        upper_part = np.where(counts <= last, pdtrc(counts - 1.0, z) - pdtrc(last, z), 0.0)
        return np.asarray(upper_part / total)
    return np.asarray(np.where(counts < last, pdtr(counts, z) / total, 1.0))


def _phe_poisson_mean(counts: FloatArray, tail: float, side: str) -> FloatArray:
    """The Poisson mean at which ``counts`` sits at tail area ``tail``, PHE's way.

    Side "high": P(K ≤ x) = tail (the mean above x); side "low": P(K ≥ x) = tail.
    A bisection on v in (0, 1) with mean (1 + x)·v / (1 − v), halving the step
    from 0.25 while it exceeds 10⁻⁷.
    """
    v = np.full(counts.shape, 0.5)
    step = 0.5
    while step > 1e-7:
        step /= 2.0
        probability = _series_probability((1.0 + counts) * v / (1.0 - v), counts, side)
        lower = probability > tail if side == "low" else probability < tail
        v = np.where(lower, v - step, v + step)
    return np.asarray((1.0 + counts) * v / (1.0 - v))


def _exact_poisson_mean(counts: FloatArray, tail: float, side: str) -> FloatArray:
    from scipy.special import gammainccinv, gammaincinv

    if side == "low":
        return np.asarray(gammaincinv(counts, tail))
    return np.asarray(gammainccinv(counts + 1.0, tail))


# -- limits --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class FunnelLimits(ReadOnlyResult):
    """Control limits of a funnel plot, ready to draw.

    Every array has one row per level of :attr:`confidence` (95 %, then 99.8 %)
    and one column per point of :attr:`grid`. A limit line is drawn through
    (``lower_x``, ``lower``) or (``upper_x``, ``upper``): for proportions both x
    are the population; for ratios they are the expected events and for rates
    the population per year at which the line passes through each value of
    :attr:`grid` (observed events or events), as in PHEindicatormethods.

    Attributes
    ----------
    statistic : {"proportion", "ratio", "rate"}
    label : str
        PHE's description: ``"proportion"``, ``"ratio (isr)"``, ``"rate (dsr per 100,000)"``.
    grid : numpy.ndarray
        PHE's first column: population, observed events or events.
    axis : str
        What :attr:`grid` holds: ``"population"``, ``"observed_events"``, ``"events"``.
    lower, upper, lower_x, upper_x : numpy.ndarray, shape (2, points)
    baseline : float
        The centre line (average × multiplier); NaN for ratios, whose centre
        line PHE leaves to the plot (1, 100 or 0 by ratio type).
    method : str
        ``"Wilson"`` or ``"Poisson"`` (PHE's label).
    confidence : tuple of float
    reason : str
        Why the limits are NaN, ``""`` when they are not: a rate funnel of areas
        none of which had an event has an average of 0, so there is no funnel
        (its populations would be infinite).
    """

    statistic: Statistic
    label: str
    grid: FloatArray
    axis: str
    lower: FloatArray
    upper: FloatArray
    lower_x: FloatArray
    upper_x: FloatArray
    baseline: float
    method: str
    confidence: tuple[float, ...] = FUNNEL_LEVELS
    reason: str = ""

    def columns(self, *, full: bool = False) -> dict[str, npt.NDArray[np.generic]]:
        """The limits as PHE's output columns, in its order (``type = "standard"``).

        ``full=True`` adds PHE's ``statistic`` and ``method`` columns
        (``type = "full"``), and a ``reason`` column when the limits are NaN.
        Names are lower-case: ``population``,
        ``observed_events`` or ``events``, then ``lower_2s_limit`` ...
        ``upper_3s_limit`` (with ``*_exp_events`` or ``*_population_1_year``
        before each limit of a ratio or rate), then ``baseline``.
        """
        out: dict[str, npt.NDArray[np.generic]] = {self.axis: self.grid}
        x_name = {"ratio": "exp_events", "rate": "population_1_year"}.get(self.statistic)
        for i, sigma in enumerate(("2s", "3s")):
            for side, y, x in (
                ("lower", self.lower, self.lower_x),
                ("upper", self.upper, self.upper_x),
            ):
                if x_name is not None:
                    out[f"{side}_{sigma}_{x_name}"] = x[i]
                out[f"{side}_{sigma}_limit"] = y[i]
        if self.statistic != "ratio":
            out["baseline"] = np.full(self.grid.shape, self.baseline)
        if full:
            out["statistic"] = np.full(self.grid.shape, self.label, dtype=object)
            out["method"] = np.full(self.grid.shape, self.method, dtype=object)
            if self.reason:
                out["reason"] = np.full(self.grid.shape, self.reason, dtype=object)
        return out


def _no_funnel(label: str, reason: str, baseline: float) -> FunnelLimits:
    """The limits of a rate funnel that cannot be drawn: NaN, with the ``reason``."""
    nan = np.full(GRID_POINTS, np.nan)
    both = np.full((2, GRID_POINTS), np.nan)
    return FunnelLimits("rate", label, nan, "events", both, both, both, both, baseline,
                        "Poisson", reason=reason)  # fmt: skip


def _proportion_limits(prepared: _Prepared, grid: FloatArray) -> tuple[FloatArray, FloatArray]:
    average, scale = prepared.average, prepared.multiplier
    lower = np.empty((2, grid.size))
    upper = np.empty((2, grid.size))
    for i, level in enumerate(FUNNEL_LEVELS):
        half = normal_quantile(0.5 + level / 2.0) * np.sqrt(average * (1.0 - average) / grid)
        lower[i] = np.maximum(0.0, (average - half) * scale)
        upper[i] = np.minimum(scale, (average + half) * scale)
    return lower, upper


def _poisson_means(grid: FloatArray, method: str) -> tuple[FloatArray, FloatArray]:
    """For each count of the grid, the means putting it at each funnel's edge.

    Row i of the first array: the mean above which the count is low at level i
    (the lower limit); of the second, the mean below which it is high.
    """
    solve = _phe_poisson_mean if method == "phe" else _exact_poisson_mean
    above = np.empty((2, grid.size))
    below = np.empty((2, grid.size))
    for i, level in enumerate(FUNNEL_LEVELS):
        tail = (1.0 - level) / 2.0
        above[i] = solve(grid, tail, "high")
        below[i] = solve(grid, tail, "low")
    return above, below


def _label(prepared: _Prepared) -> str:
    if prepared.statistic == "ratio":
        return f"ratio ({prepared.ratio_type})"
    if prepared.statistic == "rate":
        return f"rate ({prepared.rate_type} per {prepared.multiplier:,.10g})"
    return "proportion"


def funnel_limits(
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike | None = None,
    *,
    statistic: str,
    multiplier: float | None = None,
    rate: npt.ArrayLike | None = None,
    ratio_type: str | None = None,
    rate_type: str | None = None,
    years: float | None = None,
    method: str = "phe",
) -> FunnelLimits:
    """Funnel-plot control limits at 95 % and 99.8 %, as PHEindicatormethods draws them.

    The funnel is centred on the average of the areas (Σ numerators / Σ
    denominators) and drawn through 100 points spread over the axis PHE
    chooses: from 0 when the largest denominator is more than twice the
    smallest, else from 95 % of the smallest rounded down to its leading digit,
    to 105 % of the largest rounded up to two digits.

    Parameters
    ----------
    numerator : array_like
        Events (or observed events, for ratios) of each area; no missing values.
    denominator : array_like, optional
        Population (proportions), expected events (ratios), or for rates the
        population of areas with 0 events (PHE derives the others from the rate).
    statistic : {"proportion", "ratio", "rate"}
    multiplier : float, optional
        Proportions: default 100 (percent). Rates: default 100,000. Not for ratios.
    rate : array_like, optional
        Rates only: each area's crude or directly standardised rate (per ``multiplier``).
    ratio_type : {"count", "isr"}
        Ratios only: ``"isr"`` gives the limits × 100, ``"count"`` the limits − 1.
    rate_type : {"crude", "dsr"}
        Rates only. Areas with 0 events are left out of a DSR funnel's average.
    years : float
        Rates only: how many years the data cover (the x axis is per year).
    method : {"phe", "exact"}, default "phe"
        Poisson funnels (ratios, rates): PHE's bisection (its numbers to rounding
        error) or the exact gamma quantiles.

    Returns
    -------
    FunnelLimits
        ``.columns()`` gives PHE's ``type = "standard"`` table, ``.columns(full=True)``
        its ``"full"`` one. A rate funnel of areas none of which had an event has
        NaN limits and says why in ``.reason`` (its average is 0: no funnel).

    Raises
    ------
    InvalidInputError
        A missing count, a negative or infinite one, a numerator above its
        denominator (proportions), a denominator of 0, arrays of different
        lengths, or an option that does not fit the statistic.

    Examples
    --------
    >>> from mch_indicators import stats
    >>> f = stats.funnel_limits([35, 40, 52], [1000, 1500, 2000], statistic="proportion")
    >>> f.grid[:3].tolist(), round(f.baseline, 4)
    ([900.0, 908.0, 916.0], 2.8222)
    >>> f.lower[:, 0].round(4).tolist(), f.upper[:, 0].round(4).tolist()  # 95 %, 99.8 %
    ([1.7403, 1.1163], [3.9042, 4.5281])
    """
    if method not in ("phe", "exact"):
        raise choice_error("method", ("phe", "exact"), method)
    prepared = _prepare(
        numerator, denominator, statistic=statistic, multiplier=multiplier, rate=rate,
        ratio_type=ratio_type, rate_type=rate_type, years=years, need_years=True,
    )  # fmt: skip
    label = _label(prepared)
    if prepared.statistic == "rate" and not prepared.average > 0:
        return _no_funnel(label, NO_EVENTS, 0.0)
    minimum, maximum = _axis(prepared)
    grid = _grid(minimum, maximum, ratio=prepared.statistic == "ratio")
    if prepared.statistic == "proportion":
        lower, upper = _proportion_limits(prepared, grid)
        baseline = prepared.average * prepared.multiplier
        both = np.vstack([grid, grid])
        return FunnelLimits("proportion", label, grid, "population", lower, upper, both, both,
                            baseline, "Wilson")  # fmt: skip
    above, below = _poisson_means(grid, method)
    if prepared.statistic == "ratio":
        lower, upper = grid / above, grid / below
        if prepared.ratio_type == "count":
            lower, upper = lower - 1.0, upper - 1.0
        else:
            lower, upper = lower * 100.0, upper * 100.0
        return FunnelLimits("ratio", label, grid, "observed_events", lower, upper, above, below,
                            math.nan, "Poisson")  # fmt: skip
    average = prepared.average
    with np.errstate(over="ignore"):  # an average rate of 1e-308: populations beyond floats
        lower_population, upper_population = above / average, below / average
    if not (np.isfinite(lower_population).all() and np.isfinite(upper_population).all()):
        return _no_funnel(label, TINY_AVERAGE, average * prepared.multiplier)
    lower = grid / lower_population * prepared.multiplier
    upper = grid / upper_population * prepared.multiplier
    return FunnelLimits(
        "rate", label, grid, "events", lower, upper, lower_population / prepared.years,
        upper_population / prepared.years, average * prepared.multiplier, "Poisson",
    )  # fmt: skip


# -- significance --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class FunnelSignificance(ReadOnlyResult):
    """Per-area significance against the funnel (:func:`funnel_significance`).

    Attributes
    ----------
    significance : numpy.ndarray of str
        :class:`Significance` values, one per area.
    value : numpy.ndarray
        Each area's value (× multiplier; the ratio O / E for ratios).
    average : float
        The centre line (× multiplier; 1 for ratios).
    denominator : numpy.ndarray
        The denominators compared (derived from the rate for rates; NaN where PHE
        leaves an area out of the average).
    """

    significance: npt.NDArray[np.str_]
    value: FloatArray
    average: float
    denominator: FloatArray


def _labels(
    high: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]],
    low: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]],
) -> npt.NDArray[np.str_]:
    """PHE's order of tests: high at 99.8 %, high at 95 %, low at 99.8 %, low at 95 %."""
    return np.select(
        [high[1], high[0], low[1], low[0]],
        [Significance.HIGH_998.value, Significance.HIGH_95.value,
         Significance.LOW_998.value, Significance.LOW_95.value],
        Significance.NOT_SIGNIFICANT.value,
    ).astype(np.str_)  # fmt: skip


def _poisson_significance(
    counts: FloatArray, denominator: FloatArray, centre: float
) -> npt.NDArray[np.str_]:
    """High when the area's Poisson interval (exact below 10, Byar from 10) is above the centre."""
    high, low = [], []
    with np.errstate(divide="ignore", invalid="ignore"):
        for level in FUNNEL_LEVELS:
            lower, upper = poisson_count_limits("phe", counts, level)
            high.append(centre < lower / denominator)
            low.append(centre > upper / denominator)
    return _labels((high[0], high[1]), (low[0], low[1]))


@labelled("numerator", "denominator", "rate")
def funnel_significance(
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike | None = None,
    *,
    statistic: str,
    multiplier: float | None = None,
    rate: npt.ArrayLike | None = None,
    rate_type: str | None = None,
) -> FunnelSignificance:
    """Whether each area lies outside the 95 % or 99.8 % funnel, as PHEindicatormethods says.

    * Proportions: high (low) when x/n is above (below) the average π by more
      than z·√(π(1 − π)/n), the score test against the average (equivalently,
      π outside the area's Wilson interval).
    * Ratios: high when the lower Poisson limit of O / E (exact below 10
      events, Byar from 10) is above 1, low when the upper one is below 1.
    * Rates: the same Poisson limits of the area's rate against the average
      rate; a directly standardised rate from fewer than 10 events is not
      applicable.

    Parameters are those of :func:`funnel_limits` (no ``years``).

    Examples
    --------
    >>> from mch_indicators import stats
    >>> out = stats.funnel_significance([10232, 12321, 15123, 13213],
    ...                                 [15232, 16123, 17932, 18475], statistic="proportion")
    >>> out.significance.tolist()
    ['low (0.001)', 'high (0.001)', 'high (0.001)', 'low (0.001)']
    """
    prepared = _prepare(
        numerator, denominator, statistic=statistic, multiplier=multiplier, rate=rate,
        ratio_type="count" if statistic == "ratio" else None, rate_type=rate_type, years=None,
        need_years=False,
    )  # fmt: skip
    x, n = prepared.numerator, prepared.denominator
    if prepared.statistic == "proportion":
        average = prepared.average
        p = x / n
        high, low = [], []
        for level in FUNNEL_LEVELS:
            half = normal_quantile(0.5 + level / 2.0) * np.sqrt(average * (1.0 - average) / n)
            high.append(p > average + half)
            low.append(p < average - half)
        labels = _labels((high[0], high[1]), (low[0], low[1]))
        return FunnelSignificance(labels, p * prepared.multiplier,
                                  average * prepared.multiplier, n)  # fmt: skip
    if prepared.statistic == "ratio":
        labels = _poisson_significance(x, n, 1.0)
        return FunnelSignificance(labels, x / n, 1.0, n)
    average = prepared.average
    labels = _poisson_significance(x, n, average)
    if prepared.rate_type == "dsr":
        labels = np.where(x < DSR_MIN_EVENTS, Significance.NOT_APPLICABLE.value, labels)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = x / n * prepared.multiplier
    return FunnelSignificance(labels.astype(np.str_), value, average * prepared.multiplier, n)


# -- points --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class FunnelPoints:
    """Where each area is drawn on a rate funnel (:func:`funnel_points`).

    ``rate`` is NaN for a directly standardised rate from fewer than 10 events;
    ``population_1_year`` is the derived population per year.
    """

    rate: FloatArray
    population_1_year: FloatArray


@labelled("numerator", "rate", "denominator")
def funnel_points(
    numerator: npt.ArrayLike,
    rate: npt.ArrayLike,
    denominator: npt.ArrayLike | None = None,
    *,
    rate_type: str,
    years: float,
    multiplier: float = 100_000.0,
) -> FunnelPoints:
    """Each area's point on a rate funnel, as PHEindicatormethods' ``calculate_funnel_points``.

    The x of an area is its population per year, derived from its events and
    rate (its ``denominator`` when it had 0 events); a DSR from fewer than 10
    events is not drawn (NaN).

    Examples
    --------
    >>> from mch_indicators import stats
    >>> p = stats.funnel_points([414, 5], [184, 102], rate_type="dsr", years=3)
    >>> p.rate.tolist(), p.population_1_year.round(1).tolist()
    ([184.0, nan], [75000.0, nan])
    """
    x = _counts(numerator, "numerator")
    r = _counts(rate, "rate")
    n = None if denominator is None else _counts(denominator, "denominator")
    _same_length(numerator=x, rate=r, denominator=n)
    chosen = _choice(rate_type, "rate_type", ("crude", "dsr"), "rate")
    span = _positive_scalar(float(years), "years")
    scale = _positive_scalar(float(multiplier), "multiplier")
    zero = x == 0
    if zero.any() and (n is None or np.any(zero & ~(n > 0))):
        raise error_of(InvalidInputError, "funnel_zero_events", positions=positions_words(zero, x))
    with np.errstate(divide="ignore", invalid="ignore"):
        population = scale * x / r / span
    if chosen == "dsr":
        few = x < DSR_MIN_EVENTS
        return FunnelPoints(np.where(few, np.nan, r), np.where(few, np.nan, population))
    if n is not None:
        population = np.where(zero, n / span, population)
    return FunnelPoints(r.copy(), population)
