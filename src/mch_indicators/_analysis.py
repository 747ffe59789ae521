"""Trends and progress to targets: annual rates of reduction, projections, annualisation.

All functions are vectorised over broadcastable arrays (one value per area, say)
and return numpy arrays; rates are in percent per year, positive for a decline.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import numpy.typing as npt

from mch_indicators._core._inputs import check_range, coerce_counts, coerce_values
from mch_indicators._core._trends import (
    annual_rate,
    annual_rate_series,
    annualisation_factor,
    check_form,
    project,
    required_rate,
)
from mch_indicators._errors import InvalidInputError
from mch_indicators._targets import Target, TargetStatus

__all__ = [
    "Progress",
    "annualize",
    "arr",
    "arr_series",
    "percent_decline",
    "progress",
    "projection",
    "required_arr",
]

FloatArray = npt.NDArray[np.float64]


def _form(form: str) -> str:
    try:
        return check_form(form)
    except ValueError as error:
        raise InvalidInputError(str(error)) from None


def _later(t1: FloatArray, t2: FloatArray, first: str, second: str) -> None:
    with np.errstate(invalid="ignore"):
        if np.any(t2 <= t1):
            raise InvalidInputError(f"{second} must be later than {first}")


def arr(
    r1: npt.ArrayLike,
    r2: npt.ArrayLike,
    t1: npt.ArrayLike,
    t2: npt.ArrayLike,
    *,
    form: str = "continuous",
) -> FloatArray:
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
    numpy.ndarray
        Percent per year; positive for a decline, negative for a rise, NaN where a
        value is missing or not positive (a logarithm does not exist).

    Examples
    --------
    >>> import mch_indicators as mch
    >>> round(float(mch.arr(339, 223, 2000, 2020)), 4)  # global MMR, UN estimates
    2.0941
    >>> mch.arr([20, 100], 10, 1990, 2015, form="compound").round(4).tolist()
    [2.7345, 8.7989]
    """
    a, b = coerce_values(r1, "r1"), coerce_values(r2, "r2")
    s, e = coerce_values(t1, "t1"), coerce_values(t2, "t2")
    _later(s, e, "t1", "t2")
    return annual_rate(a, b, s, e, _form(form))  # type: ignore[arg-type]


def arr_series(
    values: npt.ArrayLike,
    years: npt.ArrayLike,
    *,
    axis: int = -1,
    form: str = "continuous",
) -> FloatArray:
    """Annual rate of reduction over a series, from a log-linear least-squares fit.

    Fits ``ln(value) = a + b·year`` along ``axis`` and returns ``−b`` (continuous)
    or ``1 − e^b`` (compound, UNICEF's AARR for nutrition) in percent per year.
    Missing or non-positive values are left out of each series; a series with
    fewer than two usable years gives NaN.

    Examples
    --------
    >>> import numpy as np, mch_indicators as mch
    >>> years = np.arange(2015, 2025)
    >>> mmr = 20.1 * np.exp(-0.035 * (years - 2015))
    >>> round(float(mch.arr_series(mmr, years)), 6)
    3.5
    """
    data = np.moveaxis(coerce_values(values, "values"), axis, -1)
    times = coerce_values(years, "years")
    if times.ndim == 1 and times.shape[0] != data.shape[-1]:
        raise InvalidInputError(
            f"{times.shape[0]} years for series of length {data.shape[-1]} along axis {axis}"
        )
    return annual_rate_series(data, times, _form(form))  # type: ignore[arg-type]


def percent_decline(r1: npt.ArrayLike, r2: npt.ArrayLike) -> FloatArray:
    """Percentage decline from ``r1`` to ``r2``: ``(1 − r2/r1) × 100``.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> round(float(mch.percent_decline(339, 223)), 4)
    34.2183
    """
    a, b = coerce_values(r1, "r1"), coerce_values(r2, "r2")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a > 0, (1.0 - b / np.where(a > 0, a, 1.0)) * 100.0, np.nan)


def _target_value(
    target: Target | npt.ArrayLike, unit: str | None
) -> tuple[FloatArray, Target | None]:
    if isinstance(target, Target):
        if target.comparator.relative:
            raise InvalidInputError(
                f"{target.id} is relative to {target.baseline_year}: pass the value it "
                "asks for (target.threshold(baseline=...)) as a number"
            )
        return target.threshold(unit), target
    return coerce_values(target, "target"), None


def required_arr(
    value: npt.ArrayLike,
    year: npt.ArrayLike,
    target: Target | npt.ArrayLike,
    target_year: npt.ArrayLike | None = None,
    *,
    unit: str | None = None,
    form: str = "continuous",
) -> FloatArray:
    """The annual rate of reduction needed to go from ``value`` to ``target`` by ``target_year``.

    ``target`` may be a number or a catalog :class:`Target` (its value and
    year are used; ``unit`` is the unit of ``value`` when it is not the target's).

    Examples
    --------
    >>> import mch_indicators as mch
    >>> round(float(mch.required_arr(223, 2020, 70, 2030)), 4)  # MMR to the SDG level
    11.5868
    >>> sdg = mch.targets_for("MMR", plan="sdg_2030")[0]
    >>> round(float(mch.required_arr(216, 2015, sdg)), 2)
    7.51
    """
    goal, chosen = _target_value(target, unit)
    if target_year is None:
        if chosen is None or chosen.year is None:
            raise InvalidInputError("give target_year (or a Target that has a year)")
        target_year = chosen.year
    start, end = coerce_values(year, "year"), coerce_values(target_year, "target_year")
    _later(start, end, "year", "target_year")
    return required_rate(coerce_values(value, "value"), start, goal, end, _form(form))  # type: ignore[arg-type]


def projection(
    value: npt.ArrayLike,
    year: npt.ArrayLike,
    rate: npt.ArrayLike,
    target_year: npt.ArrayLike,
    *,
    form: str = "continuous",
) -> FloatArray:
    """``value`` at ``year`` carried to ``target_year`` at ``rate`` percent a year.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> round(float(mch.projection(14.3, 2024, 3.0, 2030)), 3)
    11.944
    """
    start, end = coerce_values(year, "year"), coerce_values(target_year, "target_year")
    return project(
        coerce_values(value, "value"),
        start,
        coerce_values(rate, "rate"),
        end,
        _form(form),  # type: ignore[arg-type]
    )


class Progress(StrEnum):
    """Where an area stands against a target (:func:`progress`)."""

    ACHIEVED = "achieved"
    ON_TRACK = "on track"
    NOT_ON_TRACK = "not on track"
    NOT_EVALUABLE = "not evaluable"


def progress(
    target: Target,
    value: npt.ArrayLike,
    year: npt.ArrayLike,
    *,
    rate: npt.ArrayLike,
    unit: str | None = None,
    baseline: npt.ArrayLike | None = None,
    form: str = "continuous",
) -> npt.NDArray[np.str_]:
    """Classify areas against a target: achieved, on track, not on track.

    An area has *achieved* the target when its latest ``value`` already meets
    it; it is *on track* when ``value`` carried to the target's year at its
    current annual rate of reduction ``rate`` (from :func:`arr` or
    :func:`arr_series`) would meet it; otherwise *not on track*. Missing values
    or rates are *not evaluable*. A target without a year (a standing
    criterion) is achieved or not on track.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> hc2030 = mch.targets_for("MMR", plan="healthy_china_2030")[0]  # <= 12 by 2030
    >>> mch.progress(hc2030, [11.0, 14.3, 14.3], 2024, rate=[1.0, 3.5, 1.0]).tolist()
    ['achieved', 'on track', 'not on track']
    """
    if not isinstance(target, Target):
        raise InvalidInputError("progress() needs a Target, e.g. mch.targets_for('MMR')[0]")
    values, years = coerce_values(value, "value"), coerce_values(year, "year")
    rates = coerce_values(rate, "rate")
    now = target.evaluate(values, unit=unit, baseline=baseline)
    if target.year is None:
        later = np.full(now.shape, TargetStatus.NOT_MET.value)
    else:
        if np.any(years > target.year):
            raise InvalidInputError(f"year is after the target year {target.year}")
        carried = projection(values, years, rates, target.year, form=form)
        later = target.evaluate(carried, unit=unit, baseline=baseline)
    status = np.where(
        now == TargetStatus.MET.value,
        Progress.ACHIEVED.value,
        np.where(
            later == TargetStatus.MET.value, Progress.ON_TRACK.value, Progress.NOT_ON_TRACK.value
        ),
    )
    unknown = (now == TargetStatus.NOT_EVALUABLE.value) | (
        (now != TargetStatus.MET.value) & np.isnan(np.broadcast_to(rates, status.shape))
    )
    return np.where(unknown, Progress.NOT_EVALUABLE.value, status)


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
    >>> import mch_indicators as mch
    >>> mch.annualize([1150, 300], months=3).tolist()
    [4600.0, 1200.0]
    >>> float(mch.annualize(10, days=73))
    50.0
    """
    values = coerce_counts(counts, "counts")
    check_range(values, "counts")
    if (months is None) == (days is None):
        raise InvalidInputError("give the period length as months= or days= (exactly one)")
    if months is not None:
        span = coerce_values(months, "months")
        if np.any((span < 1) | (span > 12) | (span != np.round(span))):
            raise InvalidInputError("months must be whole numbers from 1 to 12")
        return values * (12.0 / span)
    span = coerce_values(days if days is not None else 0, "days")
    if np.any((span < 1) | (span > 366)):
        raise InvalidInputError("days must be from 1 to 366")
    return values * annualisation_factor(span, year_days)
