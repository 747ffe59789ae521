"""Trends fitted to the counts themselves: a log-linear Poisson or logistic binomial model.

For each series (an area's numerators and denominators over the years) the
model is

* ``family="poisson"`` (rates, ratios): log E[x] = log n + a + b·(year − ȳ);
* ``family="binomial"`` (proportions): logit E[x/n] = a + b·(year − ȳ).

Years with 0 events are data, not gaps (a fit of log rates has to drop them,
which can reverse the sign of a trend on small counts). The annual percent change
is (eᵇ − 1) × 100 (of the rate; of the odds for proportions, which is close to
the change of the proportion when it is small). Over-dispersion is handled as a
quasi-likelihood scale φ = Pearson χ² / (points − 2), with t intervals on
points − 2 degrees of freedom, as R's ``quasipoisson`` and statsmodels'
``GLM.fit(scale="X2", use_t=True)`` do.

All series are fitted together: iteratively reweighted least squares on stacked
arrays, each step a closed-form 2 × 2 solve per series, until every series has
converged. There is no loop over series.

The labels follow Fingertips' recent-trend markers (increasing, decreasing, no
significant change; better or worse by the indicator's polarity): Fingertips
tests the most recent five points and needs at least five (``min_points=5``,
``last=5``), at 99.8 % (``confidence=0.998``). Its own tests differ (a χ² test for
trend on proportions, a weighted regression on values for other types); the
model here is the count-based GLM. Reference: Public Health England, Fingertips
technical guidance, *Fingertips trend markers*.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError, error_of, words
from mch_indicators._validate import (
    check_broadcast,
    check_level,
    check_multiplier,
    check_range,
    coerce_counts,
    coerce_values,
    labelled,
    quoted,
    refuse_impossible_counts,
)
from mch_indicators.stats._annual import check_form
from mch_indicators.stats._compare import Assessment, assess
from mch_indicators.stats._types import BoolArray, FloatArray, ReadOnlyResult

__all__ = ["Change", "Trend", "trend"]


#: Fingertips calculates a recent trend from at least this many points.
MIN_POINTS = 5
_MAX_ITERATIONS = 100
_TOLERANCE = 1e-11
#: The widest exponent a trend's interval may reach: e to it, times a multiplier up to
#: 1e9 (per billion), still fits in a float. A fit whose slope or level interval goes
#: further (counts that follow no log-linear trend, over-dispersion in the millions)
#: cannot be calculated rather than give infinite limits.
_WIDEST = float(np.log(np.finfo(np.float64).max / 1e9))
_TOO_WIDE = "the interval of the fit is too wide to express (the counts follow no trend)"


class Change(StrEnum):
    """The direction of a trend, whatever is better (:func:`trend`)."""

    INCREASING = "increasing"
    DECREASING = "decreasing"
    NO_CHANGE = "no significant change"
    CANNOT_BE_CALCULATED = "cannot be calculated"


@dataclass(frozen=True, slots=True, eq=False)
class Trend(ReadOnlyResult):
    """Fitted trends, one per series (:func:`trend`).

    Arrays have the shape of the series (the inputs without their last axis).

    Attributes
    ----------
    slope, standard_error : numpy.ndarray
        b and its standard error (scaled by the dispersion), per year, on the log
        (Poisson) or logit (binomial) scale.
    apc, apc_lower, apc_upper : numpy.ndarray
        Annual percent change (eᵇ − 1) × 100 and its interval.
    p_value : numpy.ndarray
        Two-sided test of no trend (normal, or t on points − 2 df with ``quasi``).
    dispersion : numpy.ndarray
        φ used (1 for ``dispersion="none"``).
    points : numpy.ndarray of int
        Years used per series.
    change, assessment : numpy.ndarray of str
        :class:`Change` and :class:`Assessment` labels.
    reason : numpy.ndarray of str
        Why a trend cannot be calculated ("" when it can).
    last_denominator : numpy.ndarray
        The denominator of each series' latest year used: what :meth:`prediction`
        assumes for a future year unless told otherwise.
    """

    family: str
    slope: FloatArray
    standard_error: FloatArray
    intercept: FloatArray
    centre: FloatArray
    var_intercept: FloatArray
    covariance: FloatArray
    dispersion: FloatArray
    points: npt.NDArray[np.int64]
    p_value: FloatArray
    apc: FloatArray
    apc_lower: FloatArray
    apc_upper: FloatArray
    change: npt.NDArray[np.str_]
    assessment: npt.NDArray[np.str_]
    reason: npt.NDArray[np.str_]
    iterations: int
    confidence: float
    multiplier: float
    scaled: bool
    last_denominator: FloatArray | None = None

    def _quantile(self, confidence: float | None) -> FloatArray:
        level = self.confidence if confidence is None else check_level(confidence)
        return _quantile(self.points, self.scaled, level)

    def arr(
        self, *, form: str = "continuous", confidence: float | None = None
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Annual rate of reduction from the fit, with its interval, in percent per year.

        ``continuous`` (UN IGME): −b × 100; ``compound``: (1 − eᵇ) × 100. A
        positive rate is a decline. Returns (arr, lower, upper).

        Examples
        --------
        >>> from mch_indicators import stats
        >>> t = stats.trend([40, 36, 35, 30, 29, 25], [10000] * 6, range(2019, 2025),
        ...                 dispersion="none")
        >>> [round(float(v), 2) for v in t.arr()]
        [8.92, 0.64, 17.2]
        """
        q = self._quantile(confidence)
        b, se = self.slope, self.standard_error
        if check_form(form) == "continuous":
            return -b * 100.0, -(b + q * se) * 100.0, -(b - q * se) * 100.0
        with np.errstate(over="ignore"):  # checked: an overflow is an error
            rates = (-np.expm1(b) * 100.0, -np.expm1(b + q * se) * 100.0,
                     -np.expm1(b - q * se) * 100.0)  # fmt: skip
        return _finite("trend_rate_beyond_float", rates)

    def projection(
        self, year: npt.ArrayLike, *, confidence: float | None = None
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """The trend line at ``year`` (× multiplier), with the interval of the fitted line.

        The interval is that of the expected value of the line at that year
        (from the covariance of a and b), not of the value an area will record,
        which varies about the line.

        Examples
        --------
        >>> from mch_indicators import stats
        >>> t = stats.trend([40, 36, 35, 30, 29, 25], [10000] * 6, range(2019, 2025),
        ...                 multiplier=1000, dispersion="none")
        >>> value, lower, upper = t.projection([2025, 2030])  # a value per year
        >>> value.round(2).tolist(), lower.round(2).tolist(), upper.round(2).tolist()
        ([2.35, 1.5], [1.67, 0.72], [3.31, 3.15])
        """
        years = coerce_values(year, "year")
        check_broadcast(year=years, series=self.centre)
        q = self._quantile(confidence)
        eta, var = self._line(years)
        spread = q * np.sqrt(var)
        inverse = _inverse_link(self.family)
        with np.errstate(over="ignore"):  # checked: an overflow is an error
            line = (
                inverse(eta) * self.multiplier,
                inverse(eta - spread) * self.multiplier,
                inverse(eta + spread) * self.multiplier,
            )
        return _finite("trend_line_beyond_float", line, years)

    def _line(self, year: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """η of the line at ``year`` and its variance (from the covariance of a and b)."""
        at = coerce_values(year, "year") - self.centre
        eta = self.intercept + self.slope * at
        var = self.var_intercept + 2.0 * at * self.covariance + at * at * self.standard_error**2
        return eta, var

    def prediction(
        self,
        year: npt.ArrayLike,
        denominator: npt.ArrayLike | None = None,
        *,
        confidence: float | None = None,
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """The line at ``year`` and the range the *observed* rate of that year will fall in.

        Not the interval of the line (:meth:`projection`): the rate an area will
        record in ``year`` varies about its line by chance, more so with fewer
        births, and by the fit's over-dispersion φ; the line itself is uncertain
        too. Both are combined on the scale where a count's variance is stable,
        √(x + 3/8) for rates (variance φ/4) and arcsin √p for proportions
        (variance φ/(4n)): on each side, the distance from the line to its own
        limit and the count's spread add in quadrature, so the prediction
        interval always contains the line's.
        The quantile is t on points − 2 degrees of freedom with
        ``dispersion="quasi"``, whose φ is then the estimate, even below 1 (the
        t quantile allows for its uncertainty); normal with ``"none"``. The
        limits are turned back into rates. Coverage of the observed rate is checked by simulation
        (``tests/stats/test_prediction.py``: 93–97 % for a nominal 95 %, counts
        of about 10 or more expected; with fewer, the discreteness of the counts
        makes it uneven).

        Parameters
        ----------
        year : array_like
            The year(s), broadcast against the series.
        denominator : array_like, optional
            The births (population...) assumed for that year; default: each
            series' denominator of its latest year used (``last_denominator``).
        confidence : float, optional
            Default: the fit's.

        Returns
        -------
        tuple of numpy.ndarray
            ``(value, lower, upper)``: the line (× multiplier) and the prediction
            interval of the observed rate.

        Examples
        --------
        >>> from mch_indicators import stats
        >>> t = stats.trend([40, 36, 35, 30, 29, 25], [10000] * 6, range(2019, 2025),
        ...                 multiplier=1000, dispersion="none")
        >>> [round(float(v), 2) for v in t.prediction(2030)]  # where 2030's rate will fall
        [1.5, 0.54, 3.45]
        >>> [round(float(v), 2) for v in t.prediction(2030, denominator=2500)]  # fewer births
        [1.5, 0.18, 4.27]
        >>> [round(float(v), 2) for v in t.projection(2030)]  # the line's own interval: narrower
        [1.5, 0.72, 3.15]
        """
        years = coerce_values(year, "year")
        eta, var = self._line(years)
        if denominator is None:
            if self.last_denominator is None:
                raise error_of(InvalidInputError, "trend_no_last_denominator")
            n = np.asarray(self.last_denominator, dtype=np.float64)
        else:
            n = coerce_values(denominator, "denominator")
            with np.errstate(invalid="ignore"):
                if (n <= 0).any():
                    raise error_of(InvalidInputError, "trend_future_births")
        q = self._quantile(confidence)
        inverse = _inverse_link(self.family)
        phi = self.dispersion
        with np.errstate(invalid="ignore", over="ignore"):  # checked: an overflow is an error
            if self.family == "poisson":
                low, high = _poisson_prediction(eta, var, n, phi, q)
            else:
                low, high = _binomial_prediction(eta, var, n, phi, q)
            value = inverse(eta) * self.multiplier
            limits = (value, low * self.multiplier, high * self.multiplier)
        return _finite("trend_prediction_beyond_float", limits, years)


def _finite(
    refusal: str,
    computed: tuple[FloatArray, FloatArray, FloatArray],
    years: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The three arrays, or an error when one overflowed (a value beyond any float).

    ``refusal`` is the ``[messages]`` text saying which (the rate, the line or the
    prediction), in both languages, with the ``years`` asked for where there are some.
    """
    if any(np.isinf(part).any() for part in computed):
        if years is None:
            raise error_of(InvalidInputError, refusal)
        asked = years.tolist() if years.ndim else float(years)
        raise error_of(InvalidInputError, refusal, years=quoted(asked))
    return computed


def _poisson_prediction(
    eta: FloatArray, var: FloatArray, n: FloatArray, phi: FloatArray, q: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Limits of x/n where x has mean n·e^η, on the √(x + 3/8) scale.

    Each side adds, in quadrature, the distance of the line's limit from the line
    (e^(η ± q·sd) kept as it is: a long projection's interval is skewed) and the
    count's own spread q·√φ / 2.
    """
    root = np.sqrt(var)

    def at(shift: FloatArray) -> FloatArray:
        return np.sqrt(n * np.exp(eta + shift) + 0.375)

    centre, noise = at(0.0 * eta), q * np.sqrt(phi) / 2.0
    down = np.hypot(centre - at(-q * root), noise)
    up = np.hypot(at(q * root) - centre, noise)
    low = np.maximum(centre - down, 0.0) ** 2 - 0.375
    high = (centre + up) ** 2 - 0.375
    return np.maximum(low, 0.0) / n, high / n


def _binomial_prediction(
    eta: FloatArray, var: FloatArray, n: FloatArray, phi: FloatArray, q: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Limits of x/n where x is binomial with p = expit(η), on the arcsin √p scale."""
    root = np.sqrt(var)

    def at(shift: FloatArray) -> FloatArray:
        return np.arcsin(np.sqrt(1.0 / (1.0 + np.exp(-(eta + shift)))))

    centre, noise = at(0.0 * eta), q * np.sqrt(phi / n) / 2.0
    down = np.hypot(centre - at(-q * root), noise)
    up = np.hypot(at(q * root) - centre, noise)
    low = np.sin(np.clip(centre - down, 0.0, np.pi / 2)) ** 2
    high = np.sin(np.clip(centre + up, 0.0, np.pi / 2)) ** 2
    return low, high


def _inverse_link(family: str) -> Callable[[FloatArray], FloatArray]:
    if family == "poisson":
        return np.exp
    from scipy.special import expit

    return expit  # type: ignore[no-any-return]


# -- inputs ------------------------------------------------------------------------------


def _series(
    numerator: npt.ArrayLike, denominator: npt.ArrayLike, years: npt.ArrayLike, family: str
) -> tuple[FloatArray, FloatArray, FloatArray, tuple[int, ...]]:
    x = coerce_counts(numerator, "numerator")
    n = coerce_counts(denominator, "denominator")
    t = coerce_values(years, "years")
    if x.ndim == 0:
        raise InvalidInputError(
            "numerator: give a series of years (the last axis), not one number"
        )
    try:
        x, n, t = (np.asarray(a, dtype=np.float64) for a in np.broadcast_arrays(x, n, t))
    except ValueError:
        raise InvalidInputError(
            f"numerator {np.shape(numerator)}, denominator {np.shape(denominator)} and years "
            f"{np.shape(years)} do not match: one value per year along the last axis"
        ) from None
    check_range(x, "numerator")
    check_range(n, "denominator")
    axes = words("axes_series_year" if x.ndim > 1 else "axes_year")
    refuse_impossible_counts(
        x, n, "numerator", zero_name="denominator", proportion=family == "binomial", axes=axes
    )
    shape = x.shape[:-1]
    rows, k = math.prod(shape), x.shape[-1]  # not -1: numpy cannot infer it when k is 0
    return x.reshape(rows, k), n.reshape(rows, k), t.reshape(rows, k), shape


def _usable(x: FloatArray, n: FloatArray, t: FloatArray, last: int | None) -> BoolArray:
    use = np.isfinite(x) & np.isfinite(n) & np.isfinite(t) & (n > 0)
    order = np.argsort(np.where(use, t, -np.inf), axis=1, kind="stable")
    sorted_t = np.take_along_axis(np.where(use, t, np.nan), order, axis=1)
    same = np.diff(sorted_t, axis=1) == 0
    if same.any():
        rows = np.flatnonzero(same.any(axis=1))
        raise InvalidInputError(
            f"years: a year appears twice in series {rows[:5].tolist()}; sum the counts of "
            "each year first"
        )
    if last is not None:
        use_sorted = np.take_along_axis(use, order, axis=1)
        from_end = np.cumsum(use_sorted[:, ::-1], axis=1)[:, ::-1]
        keep = np.zeros_like(use)
        np.put_along_axis(keep, order, use_sorted & (from_end <= last), axis=1)
        use = keep
    return use


def _mle_exists(
    x: FloatArray, n: FloatArray, t: FloatArray, use: BoolArray, family: str
) -> BoolArray:
    """False where the likelihood has no maximum (the slope runs off to ±∞).

    That happens when all events fall in the first or the last year used (and,
    for proportions, when all non-events do), or when there are no events.
    """

    def extremes(mask: BoolArray) -> tuple[FloatArray, FloatArray]:
        low = np.where(mask, t, np.inf).min(axis=1, initial=np.inf)  # initial: no years at all
        return low, np.where(mask, t, -np.inf).max(axis=1, initial=-np.inf)

    events = use & (x > 0)
    others = use & ((n - x > 0) if family == "binomial" else True)
    e_min, e_max = extremes(events)
    o_min, o_max = extremes(others)
    return np.asarray((e_max > o_min) & (e_min < o_max))


# -- fitting -----------------------------------------------------------------------------


def _irls(
    x: FloatArray, n: FloatArray, tc: FloatArray, use: BoolArray, family: str
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, BoolArray, int]:
    """Fit every series at once; returns (a, b, weights, fitted means, det, converged, steps)."""
    w_use = use.astype(np.float64)
    xs, ns = np.where(use, x, 0.0), np.where(use, n, 1.0)
    exposure = (ns * w_use).sum(axis=1)
    total = np.maximum((xs * w_use).sum(axis=1), 0.5) / np.where(exposure > 0, exposure, 1.0)
    if family == "poisson":
        a = np.log(total)
        offset = np.log(ns)
    else:
        share = np.clip(total, 1e-8, 1.0 - 1e-8)
        a = np.log(share / (1.0 - share))
        offset = np.zeros_like(ns)
    b = np.zeros_like(a)
    converged = np.zeros(a.shape, dtype=bool)
    steps = 0
    # a series whose fit runs off (exposures 10**15 apart, say) overflows on the way: its
    # numbers turn inf or NaN, which is checked below (not converged), never warned about
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        while steps < _MAX_ITERATIONS:
            steps += 1
            new_a, new_b, change = _irls_step(a, b, xs, ns, w_use, tc, offset, use, family)
            a = np.where(converged, a, new_a)
            b = np.where(converged, b, new_b)
            converged |= ~(change > _TOLERANCE * (1.0 + np.abs(a) + np.abs(b)))
            if converged.all():
                break
        converged &= np.isfinite(a) & np.isfinite(b)  # stopped on NaN is not converged
        eta = a[:, None] + b[:, None] * tc
        weight, mean = _weights(eta, offset, ns, family)
        weight = np.where(use, weight, 0.0)
        s0, s1, s2 = (weight.sum(axis=1), (weight * tc).sum(axis=1),
                      (weight * tc * tc).sum(axis=1))  # fmt: skip
        det = s0 * s2 - s1 * s1
    return a, b, np.stack([s0, s1, s2]), mean, det, converged, steps


def _irls_step(
    a: FloatArray, b: FloatArray, xs: FloatArray, ns: FloatArray, w_use: FloatArray,
    tc: FloatArray, offset: FloatArray, use: BoolArray, family: str,
) -> tuple[FloatArray, FloatArray, FloatArray]:  # fmt: skip
    """One reweighted least-squares step of every series: new a, new b, and the change."""
    eta = a[:, None] + b[:, None] * tc
    weight, mean = _weights(eta, offset, ns, family)
    weight = np.where(use, weight, 0.0)
    working = eta + np.where(
        weight > 0, (xs - mean) * w_use / np.where(weight > 0, weight, 1.0), 0.0
    )
    s0, s1, s2 = weight.sum(axis=1), (weight * tc).sum(axis=1), (weight * tc * tc).sum(axis=1)
    r0, r1 = (weight * working).sum(axis=1), (weight * tc * working).sum(axis=1)
    det = s0 * s2 - s1 * s1
    new_b = (s0 * r1 - s1 * r0) / det
    new_a = (r0 - new_b * s1) / s0
    change = np.maximum(np.abs(new_a - a), np.abs(new_b - b))
    return new_a, new_b, change


def _weights(
    eta: FloatArray, offset: FloatArray, n: FloatArray, family: str
) -> tuple[FloatArray, FloatArray]:
    with np.errstate(over="ignore", invalid="ignore"):
        if family == "poisson":
            mean = np.exp(eta + offset)
            return mean.copy(), mean
        p = 1.0 / (1.0 + np.exp(-eta))
        return n * p * (1.0 - p), n * p


@labelled("numerator", "denominator", "years")
def trend(
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike,
    years: npt.ArrayLike,
    *,
    family: str = "poisson",
    confidence: float = 0.95,
    dispersion: str = "quasi",
    direction: str | None = None,
    min_points: int = MIN_POINTS,
    last: int | None = None,
    multiplier: float = 1.0,
) -> Trend:
    """Fit the trend of every series of counts at once and label it.

    Parameters
    ----------
    numerator, denominator : array_like, shape (..., years)
        Events and population (births, person-years) per year, one series per
        leading index. A missing count (NaN) leaves its year out; 0 events is data.
    years : array_like, shape (years,) or the shape of the counts
        The year of each column.
    family : {"poisson", "binomial"}, default "poisson"
        Poisson for rates and ratios, binomial for proportions.
    confidence : float, default 0.95
        Of the intervals and of the labels (Fingertips uses 0.998).
    dispersion : {"quasi", "none"}, default "quasi"
        ``quasi`` scales the variance by φ = Pearson χ² / (points − 2) (which
        may be below 1) and uses t quantiles; ``none`` keeps the Poisson or
        binomial variance and normal quantiles.
    direction : {"lower", "higher", "neutral"}, optional
        Which way is better, for the assessment (better / worse).
    min_points : int, default 5
        Series with fewer usable years get NaN and "cannot be calculated"
        (Fingertips needs five). At least 3 with ``quasi``, 2 otherwise.
    last : int, optional
        Use only the most recent ``last`` usable years of each series.
    multiplier : float, default 1
        Scale of :meth:`Trend.projection` (100,000 for an MMR).

    Returns
    -------
    Trend

    Raises
    ------
    InvalidInputError
        Negative, infinite or non-numeric counts, events over a denominator of
        0, a proportion's numerator above its denominator, shapes that do not
        match, a year given twice in a series, bad options.

    Examples
    --------
    Deaths 1, 0, 0, 1, 0 in a county: no significant change, the estimate falling
    (a fit of log rates drops the zero years and calls it rising):

    >>> from mch_indicators import stats
    >>> t = stats.trend([1, 0, 0, 1, 0], [9000, 8800, 8500, 8300, 8000], range(2020, 2025))
    >>> t.change.tolist(), round(float(t.apc), 1)
    ('no significant change', -20.4)
    >>> rates = [1 / 9000, 0, 0, 1 / 8300, 0]
    >>> round(float(stats.arr_series(rates, range(2020, 2025))), 1)  # negative: "rising"
    -2.7
    >>> t = stats.trend([[60, 52, 49, 41, 37], [20, 22, 25, 31, 33]], [[30000] * 5] * 2,
    ...                 range(2020, 2025), direction="lower")
    >>> t.change.tolist(), t.assessment.tolist()
    (['decreasing', 'increasing'], ['better', 'worse'])
    """
    if family not in ("poisson", "binomial"):
        raise InvalidInputError(f"family must be 'poisson' or 'binomial', got {family!r}")
    if dispersion not in ("quasi", "none"):
        raise InvalidInputError(f"dispersion must be 'quasi' or 'none', got {dispersion!r}")
    confidence = check_level(confidence)
    scaled = dispersion == "quasi"
    fewest = 3 if scaled else 2
    if int(min_points) != min_points or min_points < fewest:
        raise InvalidInputError(
            f"min_points must be a whole number of at least {fewest} with dispersion="
            f"{dispersion!r}, got {min_points!r}"
        )
    if last is not None and (int(last) != last or last < min_points):
        raise InvalidInputError(f"last must be a whole number ≥ min_points, got {last!r}")
    scale = check_multiplier(multiplier)
    x, n, t, shape = _series(numerator, denominator, years, family)
    use = _usable(x, n, t, last)
    points = use.sum(axis=1)
    exists = _mle_exists(x, n, t, use, family)
    fit = (points >= min_points) & exists
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.where(use, t, 0.0).sum(axis=1) / np.maximum(points, 1)
    tc = np.where(use, t - centre[:, None], 0.0)
    a, b, moments, mean, det, converged, steps = _irls(x, n, tc, use & fit[:, None], family)
    s0, s1, s2 = moments
    variance = np.where(
        use & fit[:, None],
        mean if family == "poisson" else mean * (1 - mean / np.where(use, n, 1.0)),
        1.0,
    )
    # a denominator near 0 (1e-303) can make the dispersion overflow: no finite interval
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        pearson = np.where(use & fit[:, None], (x - mean) ** 2 / variance, 0.0).sum(axis=1)
        phi = pearson / (points - 2) if scaled else np.ones(points.shape)
        var_b = phi * s0 / det
        var_a = phi * s2 / det
        cov = -phi * s1 / det
    finite = np.isfinite(var_a) & np.isfinite(var_b) & np.isfinite(cov)
    ok = fit & converged & finite & (var_b >= 0)
    reason = _reasons(points, exists, converged, fit, min_points, x, use)
    reason = np.where(fit & converged & ~finite & (reason == ""), _TOO_WIDE, reason)
    level = float(confidence)
    wide = ok & _too_wide(a, b, var_a, var_b, _quantile(points, scaled, level))
    ok &= ~wide
    reason = np.where(wide, _TOO_WIDE, reason).astype(np.str_)
    nan = np.full(a.shape, np.nan)
    b, a = np.where(ok, b, nan), np.where(ok, a, nan)
    se = np.where(ok, np.sqrt(np.where(ok, var_b, 0.0)), nan)
    var_a, cov, phi = np.where(ok, var_a, nan), np.where(ok, cov, nan), np.where(ok, phi, nan)
    p_value, q = _test(b, se, points, scaled, level)
    apc = np.expm1(b) * 100.0
    lower, upper = np.expm1(b - q * se) * 100.0, np.expm1(b + q * se) * 100.0
    significant = p_value < 1.0 - level
    up, down = ok & significant & (b > 0), ok & significant & (b < 0)
    change = np.select(
        [~ok, up, down],
        [Change.CANNOT_BE_CALCULATED.value, Change.INCREASING.value, Change.DECREASING.value],
        Change.NO_CHANGE.value,
    ).astype(np.str_)
    assessment = assess(up, down, ~ok, direction, Assessment.NO_CHANGE.value)
    assessment = np.where(~ok, Assessment.CANNOT_BE_CALCULATED.value, assessment).astype(np.str_)

    def back(v: npt.NDArray[Any]) -> Any:
        return v.reshape(shape)

    return Trend(
        family, back(b), back(se), back(a), back(centre), back(var_a), back(cov), back(phi),
        back(points.astype(np.int64)), back(p_value), back(apc), back(lower), back(upper),
        back(change), back(assessment), back(reason), steps, level, scale, scaled,
        back(_last_denominator(n, t, use)),
    )  # fmt: skip


def _quantile(points: npt.NDArray[np.int64], scaled: bool, level: float) -> FloatArray:
    """The quantile of the intervals: t on points - 2 df (quasi), else normal."""
    if scaled:
        from scipy.stats import t

        with np.errstate(invalid="ignore"):
            df = np.where(points > 2, points - 2, np.nan).astype(np.float64)
        return np.asarray(t.ppf(0.5 + level / 2.0, df), dtype=np.float64)
    from scipy.special import ndtri

    return np.full(points.shape, float(ndtri(0.5 + level / 2.0)))


def _too_wide(
    a: FloatArray, b: FloatArray, var_a: FloatArray, var_b: FloatArray, q: FloatArray
) -> BoolArray:
    """Where e to the slope's or the level's interval would pass :data:`_WIDEST`."""
    with np.errstate(invalid="ignore"):
        slope = np.abs(b) + q * np.sqrt(np.maximum(var_b, 0.0))
        level = np.abs(a) + q * np.sqrt(np.maximum(var_a, 0.0))
        return np.asarray(~((slope <= _WIDEST) & (level <= _WIDEST)))


def _last_denominator(n: FloatArray, t: FloatArray, use: BoolArray) -> FloatArray:
    """Each series' denominator in its latest year used (NaN without one)."""
    if n.shape[1] == 0:  # no years at all: argmax has nothing to point at
        return np.full(n.shape[0], np.nan)
    latest = np.argmax(np.where(use, t, -np.inf), axis=1)
    found = np.take_along_axis(n, latest[:, None], axis=1)[:, 0]
    return np.where(use.any(axis=1), found, np.nan)


def _test(
    b: FloatArray, se: FloatArray, points: npt.NDArray[np.int64], scaled: bool, level: float
) -> tuple[FloatArray, FloatArray]:
    """Two-sided p-values of b = 0 and the quantile of the intervals."""
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.abs(b / se)
    q = _quantile(points, scaled, level)
    if scaled:
        from scipy.stats import t

        df = np.where(points > 2, points - 2, np.nan).astype(np.float64)
        return np.asarray(2.0 * t.sf(statistic, df), dtype=np.float64), q
    from scipy.special import ndtr

    return np.asarray(2.0 * ndtr(-statistic), dtype=np.float64), q


def _reasons(
    points: npt.NDArray[np.int64],
    exists: BoolArray,
    converged: BoolArray,
    fit: BoolArray,
    min_points: int,
    x: FloatArray,
    use: BoolArray,
) -> npt.NDArray[np.str_]:
    no_events = ~(use & (x > 0)).any(axis=1)
    return np.select(
        [points < min_points, no_events, ~exists, fit & ~converged],
        [
            f"fewer than {min_points} years with counts",
            "no events in the years used",
            "all events (or all non-events) in the first or last year: no finite trend",
            "the fit did not converge",
        ],
        "",
    ).astype(np.str_)
