"""Annual rates of reduction, projections and annualisation on plain arrays.

The UN IGME / MMEIG annual rate of reduction is continuous (log-linear):
``ARR = ln(r1 / r2) / (t2 - t1)``; the compound form is ``1 - (r2 / r1)^(1/(t2 - t1))``.
Rates are returned in percent per year; a positive rate is a decline. A value
that is not positive has no logarithm, so its rate is NaN (documented, no warning).
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar, overload

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError
from mch_indicators._validate import (
    Labelled,
    align_labelled,
    check_broadcast,
    check_range,
    coerce_counts,
    coerce_values,
    shaped,
)
from mch_indicators.stats._types import FloatArray

__all__ = [
    "Form",
    "annual_rate",
    "annual_rate_series",
    "annualisation_factor",
    "annualize",
    "arr",
    "arr_series",
    "check_form",
    "later",
    "percent_decline",
    "project",
    "projection",
    "required_arr",
    "required_rate",
]

Form = Literal["continuous", "compound"]
L = TypeVar("L", bound=Labelled)


def check_form(form: str) -> Form:
    """Return ``form`` if it names a form of the annual rate, else raise InvalidInputError."""
    if form == "continuous":
        return "continuous"
    if form == "compound":
        return "compound"
    raise InvalidInputError(f"form must be 'continuous' or 'compound', got {form!r}")


def _from_log_slope(slope: FloatArray, form: Form) -> FloatArray:
    """Percent per year from the slope of ln(value) on time."""
    if form == "continuous":
        return -slope * 100.0
    return -np.expm1(slope) * 100.0


def _log(values: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(values > 0, np.log(np.where(values > 0, values, 1.0)), np.nan)


def annual_rate(
    r1: FloatArray, r2: FloatArray, t1: FloatArray, t2: FloatArray, form: Form
) -> FloatArray:
    """Annual rate of reduction between two values, in percent per year."""
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (_log(r2) - _log(r1)) / (t2 - t1)
    return _from_log_slope(slope, form)


def annual_rate_series(values: FloatArray, times: FloatArray, form: Form) -> FloatArray:
    """Rate from the least-squares slope of ln(value) on time along the last axis.

    Missing or non-positive values are left out of each series' fit; a series
    with fewer than two usable points (or one distinct time) gives NaN.
    """
    y = _log(values)
    t = np.broadcast_to(times, y.shape)
    use = np.isfinite(y) & np.isfinite(t)
    count = use.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_mean = np.where(use, t, 0.0).sum(axis=-1) / count
        y_mean = np.where(use, y, 0.0).sum(axis=-1) / count
        dt = np.where(use, t - t_mean[..., np.newaxis], 0.0)
        dy = np.where(use, y - y_mean[..., np.newaxis], 0.0)
        spread = (dt * dt).sum(axis=-1)
        slope = (dt * dy).sum(axis=-1) / spread
    slope = np.where((count >= 2) & (spread > 0), slope, np.nan)
    return _from_log_slope(slope, form)


def required_rate(
    value: FloatArray, t: FloatArray, target: FloatArray, t_target: FloatArray, form: Form
) -> FloatArray:
    """The annual rate (percent) that takes ``value`` at ``t`` to ``target`` at ``t_target``."""
    return annual_rate(value, target, t, t_target, form)


def project(
    value: FloatArray, t: FloatArray, rate: FloatArray, t_target: FloatArray, form: Form
) -> FloatArray:
    """``value`` at ``t`` carried to ``t_target`` at ``rate`` percent a year."""
    years = t_target - t
    with np.errstate(over="ignore", invalid="ignore"):
        if form == "continuous":
            carried = value * np.exp(-rate / 100.0 * years)
        else:
            carried = value * (1.0 - rate / 100.0) ** years
    if np.isinf(carried).any():
        raise InvalidInputError(
            "projection: a rate this large over these years takes the value beyond the range "
            "of floating-point numbers"
        )
    out: FloatArray = carried
    return out


def annualisation_factor(days: FloatArray, year_days: float) -> FloatArray:
    """How many times a period of ``days`` fits into a year of ``year_days``."""
    return year_days / days


# -- public, validated ------------------------------------------------------------------


def later(t1: FloatArray, t2: FloatArray, first: str, second: str) -> None:
    with np.errstate(invalid="ignore"):
        if np.any(t2 <= t1):
            raise InvalidInputError(f"{second} must be later than {first}")


@overload
def arr(r1: float, r2: float, t1: float, t2: float, *, form: str = ...) -> float: ...
@overload
def arr(
    r1: L, r2: npt.ArrayLike, t1: npt.ArrayLike, t2: npt.ArrayLike, *, form: str = ...
) -> L: ...
@overload
def arr(
    r1: npt.ArrayLike, r2: npt.ArrayLike, t1: npt.ArrayLike, t2: npt.ArrayLike, *, form: str = ...
) -> FloatArray: ...
def arr(r1: Any, r2: Any, t1: Any, t2: Any, *, form: str = "continuous") -> Any:
    """Annual rate of reduction from ``r1`` at ``t1`` to ``r2`` at ``t2``, in percent.

    Parameters
    ----------
    r1, r2 : array_like
        Values (rates, ratios, prevalences) at the two times, any broadcastable shapes.
    t1, t2 : array_like
        Times in years; ``t2`` must be later than ``t1``.
    form : {"continuous", "compound"}, default "continuous"
        ``continuous`` is the UN IGME / MMEIG definition ``ln(r1/r2) / (t2 − t1)``;
        ``compound`` is ``1 − (r2/r1)^(1/(t2 − t1))``.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        Percent per year; positive for a decline, negative for a rise, NaN where a
        value is missing or not positive (a logarithm does not exist). A float for
        numbers, a Series with its index for a Series (as statsmodels).

    Notes
    -----
    Publications differ in the form: UN IGME's child mortality rates are
    continuous; the 2023 MMEIG report (*Trends in maternal mortality 2000 to
    2020*) is compound (its 339 → 223 is 2.07 %). For an interval, fit the counts
    with :func:`trend` and use :meth:`Trend.arr`.

    Examples
    --------
    >>> from mch_indicators import stats
    >>> round(stats.arr(339, 223, 2000, 2020), 4)  # global MMR, UN estimates
    2.0941
    >>> round(stats.arr(339, 223, 2000, 2020, form="compound"), 2)  # MMEIG 2023: 2.07 %
    2.07
    >>> stats.arr([20, 100], 10, 1990, 2015, form="compound").round(4).tolist()
    [2.7345, 8.7989]
    """
    named = align_labelled(r1=r1, r2=r2, t1=t1, t2=t2)
    a, b = coerce_values(named["r1"], "r1"), coerce_values(named["r2"], "r2")
    s, e = coerce_values(named["t1"], "t1"), coerce_values(named["t2"], "t2")
    check_broadcast(r1=a, r2=b, t1=s, t2=e)
    later(s, e, "t1", "t2")
    return shaped(annual_rate(a, b, s, e, check_form(form)), r1, r2, t1, t2)


def arr_series(
    values: npt.ArrayLike,
    years: npt.ArrayLike,
    *,
    axis: int = -1,
    form: str = "continuous",
) -> FloatArray:
    """Annual rate of reduction over a series of published values (log-linear least squares).

    Fits ``ln(value) = a + b·year`` along ``axis`` and returns ``−b`` (continuous)
    or ``1 − e^b`` (compound, UNICEF's AARR for nutrition) in percent per year.
    Missing or non-positive values are left out of each series; a series with
    fewer than two usable years gives NaN.

    Use it for published rates whose counts you do not have. With counts, prefer
    :func:`trend`: a year with 0 events has no logarithm, so this fit drops it,
    which on small counts can reverse the sign of a trend (deaths 1, 0, 0, 1, 0
    give a "rising" line here), and it gives no interval; :func:`trend` fits the
    counts themselves, zero years included, with an interval and a p-value
    (its :meth:`Trend.arr` is the annual rate of reduction of that fit).

    Examples
    --------
    >>> import numpy as np
    >>> from mch_indicators import stats
    >>> years = np.arange(2015, 2025)
    >>> mmr = 20.1 * np.exp(-0.035 * (years - 2015))
    >>> round(float(stats.arr_series(mmr, years)), 6)
    3.5
    """
    named = align_labelled(values=values, years=years)
    given = coerce_values(named["values"], "values")
    if not isinstance(axis, int) or not -given.ndim <= axis < max(given.ndim, 1):
        raise InvalidInputError(f"axis {axis!r} is not an axis of values of shape {given.shape}")
    data = np.moveaxis(given, axis, -1) if given.ndim else given.reshape(1)
    times = coerce_values(named["years"], "years")
    if times.ndim == 1 and times.shape[0] != data.shape[-1]:
        raise InvalidInputError(
            f"{times.shape[0]} years for series of length {data.shape[-1]} along axis {axis}"
        )
    return annual_rate_series(data, times, check_form(form))


@overload
def percent_decline(r1: float, r2: float) -> float: ...
@overload
def percent_decline(r1: L, r2: npt.ArrayLike) -> L: ...
@overload
def percent_decline(r1: npt.ArrayLike, r2: npt.ArrayLike) -> FloatArray: ...
def percent_decline(r1: Any, r2: Any) -> Any:
    """Percentage decline from ``r1`` to ``r2``: ``(1 − r2/r1) × 100``.

    A float for numbers, a Series with its index for a Series, else an array.
    NaN where ``r1`` is not above 0; ``-inf`` for a rise from a rate so near 0
    that the ratio exceeds the largest float (``r1`` of ``1e-303``).

    Examples
    --------
    >>> from mch_indicators import stats
    >>> round(stats.percent_decline(339, 223), 4)
    34.2183
    """
    named = align_labelled(r1=r1, r2=r2)
    a, b = coerce_values(named["r1"], "r1"), coerce_values(named["r2"], "r2")
    check_broadcast(r1=a, r2=b)
    # a ratio beyond the largest float (r1 of 1e-303) is an unbounded rise: -inf
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        decline = np.where(a > 0, (1.0 - b / np.where(a > 0, a, 1.0)) * 100.0, np.nan)
    return shaped(decline, r1, r2)


@overload
def required_arr(
    value: float, year: float, target: float, target_year: float, *, form: str = ...
) -> float: ...
@overload
def required_arr(
    value: L, year: npt.ArrayLike, target: npt.ArrayLike, target_year: npt.ArrayLike, *,
    form: str = ...,
) -> L: ...  # fmt: skip
@overload
def required_arr(
    value: npt.ArrayLike, year: npt.ArrayLike, target: npt.ArrayLike,
    target_year: npt.ArrayLike, *, form: str = ...,
) -> FloatArray: ...  # fmt: skip
def required_arr(
    value: Any, year: Any, target: Any, target_year: Any, *, form: str = "continuous"
) -> Any:
    """The annual rate of reduction (percent) taking ``value`` to ``target`` by ``target_year``.

    Examples
    --------
    >>> from mch_indicators import stats
    >>> round(stats.required_arr(223, 2020, 70, 2030), 4)  # MMR to the SDG level
    11.5868

    A float for numbers, a Series with its index for a Series, else an array.
    """
    named = align_labelled(value=value, year=year, target=target, target_year=target_year)
    start = coerce_values(named["year"], "year")
    end = coerce_values(named["target_year"], "target_year")
    goal, now = coerce_values(named["target"], "target"), coerce_values(named["value"], "value")
    check_broadcast(value=now, year=start, target=goal, target_year=end)
    later(start, end, "year", "target_year")
    rate = required_rate(now, start, goal, end, check_form(form))
    return shaped(rate, value, year, target, target_year)


def projection(
    value: npt.ArrayLike,
    year: npt.ArrayLike,
    rate: npt.ArrayLike,
    target_year: npt.ArrayLike,
    *,
    form: str = "continuous",
) -> FloatArray:
    """``value`` at ``year`` carried to ``target_year`` at ``rate`` percent a year.

    A compound rate is below 100 % a year (a value cannot fall by all of itself
    each year and stay positive); 100 % or more is refused, as is a projection
    that would overflow.

    Examples
    --------
    >>> from mch_indicators import stats
    >>> round(float(stats.projection(14.3, 2024, 3.0, 2030)), 3)
    11.944
    """
    named = align_labelled(value=value, year=year, rate=rate, target_year=target_year)
    start = coerce_values(named["year"], "year")
    end = coerce_values(named["target_year"], "target_year")
    rates = coerce_values(named["rate"], "rate")
    chosen = check_form(form)
    with np.errstate(invalid="ignore"):
        if chosen == "compound" and np.any(rates >= 100.0):
            raise InvalidInputError(
                "rate: a compound annual rate of reduction must be below 100 % a year"
            )
    now = coerce_values(named["value"], "value")
    check_broadcast(value=now, year=start, rate=rates, target_year=end)
    return project(now, start, rates, end, chosen)


def annualize(
    counts: npt.ArrayLike,
    *,
    months: npt.ArrayLike | None = None,
    days: npt.ArrayLike | None = None,
    year_days: float = 365.0,
) -> FloatArray:
    """Scale counts of a part of a year to a full year (DHIS2's ``annualized``).

    A quarter's 1,150 ANC4 visits against an annual number of expected
    pregnancies compare as 1,150 × 12 / 3 = 4,600. Say the period length
    explicitly, in whole months (1–12) or in days (1–366).

    Examples
    --------
    >>> from mch_indicators import stats
    >>> stats.annualize([1150, 300], months=3).tolist()
    [4600.0, 1200.0]
    >>> float(stats.annualize(10, days=73))
    50.0
    """
    named = align_labelled(counts=counts, months=months, days=days)
    counts, months, days = named["counts"], named["months"], named["days"]
    values = coerce_counts(counts, "counts")
    check_range(values, "counts")
    if (months is None) == (days is None):
        raise InvalidInputError("give the period length as months= or days= (exactly one)")
    if months is not None:
        span = coerce_values(months, "months")
        with np.errstate(invalid="ignore"):
            wrong = np.isnan(span) | (span < 1) | (span > 12) | (span != np.round(span))
        if np.any(wrong):
            raise InvalidInputError("months must be whole numbers from 1 to 12")
        check_broadcast(counts=values, months=span)
        return values * (12.0 / span)
    span = coerce_values(days if days is not None else 0, "days")
    with np.errstate(invalid="ignore"):
        if np.any(np.isnan(span) | (span < 1) | (span > 366)):
            raise InvalidInputError("days must be from 1 to 366")
    length = coerce_values(year_days, "year_days")
    if length.ndim or not 365 <= float(length) <= 366:
        raise InvalidInputError(f"year_days must be 365 or 366 (or between), got {year_days!r}")
    check_broadcast(counts=values, days=span)
    return values * annualisation_factor(span, float(length))
