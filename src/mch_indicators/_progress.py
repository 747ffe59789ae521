"""Progress of areas towards the catalog's targets, with and without uncertainty.

The arithmetic of annual rates (:func:`mch_indicators.stats.arr`,
:func:`~mch_indicators.stats.projection`, :func:`~mch_indicators.stats.trend`...)
lives in :mod:`mch_indicators.stats`; this module adds what needs a
:class:`~mch_indicators.Target`: the rate an area needs to reach it; whether it
has, is on track, or is not; and whether that is statistically clear (the whole
confidence interval on one side of the threshold), now or projected to the
target's year from a trend fitted to the counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar, overload

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError
from mch_indicators._targets import Target, TargetStatus
from mch_indicators._validate import Labelled, align_labelled, check_broadcast, coerce_values
from mch_indicators.stats import projection
from mch_indicators.stats import required_arr as numeric_required_arr
from mch_indicators.stats._types import ReadOnlyResult

if TYPE_CHECKING:
    from mch_indicators._result import Result
    from mch_indicators.stats import Trend

__all__ = [
    "Progress",
    "TargetAssessment",
    "assess_target",
    "progress",
    "project_target",
    "required_arr",
]

FloatArray = npt.NDArray[np.float64]
L = TypeVar("L", bound=Labelled)


def _target_value(target: Target | npt.ArrayLike, unit: str | None) -> tuple[Any, Target | None]:
    if isinstance(target, Target):
        if target.comparator.relative:
            raise InvalidInputError(
                f"{target.id} is relative to {target.baseline_year}: pass the value it "
                "asks for (target.threshold(baseline=...)) as a number"
            )
        threshold = target.threshold(unit)
        return (float(threshold) if threshold.ndim == 0 else threshold), target
    coerce_values(target, "target")  # checked here, named as the caller named it
    return target, None


@overload
def required_arr(
    value: float, year: float, target: float | Target, target_year: float | None = ..., *,
    unit: str | None = ..., form: str = ...,
) -> float: ...  # fmt: skip
@overload
def required_arr(
    value: L, year: npt.ArrayLike, target: Target | npt.ArrayLike,
    target_year: npt.ArrayLike | None = ..., *, unit: str | None = ..., form: str = ...,
) -> L: ...  # fmt: skip
@overload
def required_arr(
    value: npt.ArrayLike, year: npt.ArrayLike, target: Target | npt.ArrayLike,
    target_year: npt.ArrayLike | None = ..., *, unit: str | None = ..., form: str = ...,
) -> FloatArray: ...  # fmt: skip
def required_arr(
    value: Any,
    year: Any,
    target: Any,
    target_year: Any = None,
    *,
    unit: str | None = None,
    form: str = "continuous",
) -> Any:
    """The annual rate of reduction needed to go from ``value`` to ``target`` by ``target_year``.

    ``target`` may be a number or a catalog :class:`Target` (its value and
    year are used; ``unit`` is the unit of ``value`` when it is not the target's).

    Examples
    --------
    >>> import mch_indicators as mch
    >>> round(mch.required_arr(223, 2020, 70, 2030), 4)  # MMR to the SDG level
    11.5868
    >>> sdg = mch.targets_for("MMR", plan="sdg_2030")[0]
    >>> round(mch.required_arr(216, 2015, sdg), 2)
    7.51
    """
    goal, chosen = _target_value(target, unit)
    if target_year is None:
        if chosen is None or chosen.year is None:
            raise InvalidInputError("give target_year (or a Target that has a year)")
        target_year = chosen.year
    return numeric_required_arr(value, year, goal, target_year, form=form)


class Progress(StrEnum):
    """Where an area stands against a target (:func:`progress`)."""

    ACHIEVED = "achieved"
    ON_TRACK = "on track"
    NOT_ON_TRACK = "not on track"
    MISSED = "missed"
    NEEDS_BASELINE = "needs baseline"
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
    criterion) is achieved or not on track; a value later than the target's year
    is achieved or *missed*. A relative target without ``baseline`` gives *needs
    baseline* for every area (no exception in the middle of a table).

    Examples
    --------
    >>> import mch_indicators as mch
    >>> hc2030 = mch.targets_for("MMR", plan="healthy_china_2030")[0]  # <= 12 by 2030
    >>> mch.progress(hc2030, [11.0, 14.3, 14.3], 2024, rate=[1.0, 3.5, 1.0]).tolist()
    ['achieved', 'on track', 'not on track']
    """
    if not isinstance(target, Target):
        raise InvalidInputError("progress() needs a Target, e.g. mch.targets_for('MMR')[0]")
    named = align_labelled(value=value, year=year, rate=rate, baseline=baseline)
    values, years = coerce_values(named["value"], "value"), coerce_values(named["year"], "year")
    rates, baseline = coerce_values(named["rate"], "rate"), named["baseline"]
    if target.comparator.relative and baseline is None:
        shape = check_broadcast(value=values, year=years, rate=rates)
        return np.full(shape, Progress.NEEDS_BASELINE.value)
    now = target.evaluate(values, unit=unit, baseline=baseline)
    if target.year is None:
        later = np.full(now.shape, TargetStatus.NOT_MET.value)
    else:
        carried = projection(values, years, rates, target.year, form=form)
        later = target.evaluate(carried, unit=unit, baseline=baseline)
    passed = np.broadcast_to(years > target.year if target.year else False, later.shape)
    status = np.where(
        now == TargetStatus.MET.value,
        Progress.ACHIEVED.value,
        np.where(
            passed,
            Progress.MISSED.value,
            np.where(
                later == TargetStatus.MET.value,
                Progress.ON_TRACK.value,
                Progress.NOT_ON_TRACK.value,
            ),
        ),
    )
    unknown = (now == TargetStatus.NOT_EVALUABLE.value) | (
        (now != TargetStatus.MET.value) & ~passed & np.isnan(np.broadcast_to(rates, status.shape))
    )
    return np.where(unknown, Progress.NOT_EVALUABLE.value, status)


# -- with uncertainty ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class TargetAssessment(ReadOnlyResult):
    """A target checked against values with their confidence intervals.

    Attributes
    ----------
    status : numpy.ndarray of str
        ``"met"``, ``"not met"``, ``"not evaluable"`` (a missing value or baseline),
        or ``"needs baseline"`` (a relative target assessed without one).
    clear : numpy.ndarray of bool
        True where the whole interval is on the same side of the threshold as
        the value: the status is statistically clear.
    label : numpy.ndarray of str
        The two together: ``"met (statistically clear)"``, ``"not met (not
        statistically clear)"``...
    value, lower, upper, threshold : numpy.ndarray
        What was compared (for :func:`project_target`, the trend line at the
        target's year and its interval: the interval of the *line*).
    year : int or None
        The year the values are for (the target's year for a projection).
    prediction_lower, prediction_upper : numpy.ndarray or None
        :func:`project_target` only: the range the rate *observed* in the
        target's year will fall in (:meth:`~mch_indicators.stats.Trend.prediction`),
        given ``prediction_denominator`` births; wider than the line's interval.
    prediction_denominator : numpy.ndarray or None
        The denominator assumed for the target's year.
    """

    status: npt.NDArray[np.str_]
    clear: npt.NDArray[np.bool_]
    label: npt.NDArray[np.str_]
    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    threshold: FloatArray
    year: int | None = None
    prediction_lower: FloatArray | None = None
    prediction_upper: FloatArray | None = None
    prediction_denominator: FloatArray | None = None


def _assessment(
    target: Target,
    value: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    unit: str | None,
    baseline: npt.ArrayLike | None,
    year: int | None,
) -> TargetAssessment:
    value, lower, upper = np.broadcast_arrays(value, lower, upper)
    if target.comparator.relative and baseline is None:
        status = np.full(value.shape, "needs baseline")
        return TargetAssessment(
            status, np.zeros(value.shape, dtype=bool), status, value, lower, upper,
            np.full(value.shape, np.nan), year,
        )  # fmt: skip
    threshold = np.broadcast_to(target.threshold(unit, baseline=baseline), value.shape)
    now = target.evaluate(value, unit=unit, baseline=baseline)
    at_lower = target.evaluate(lower, unit=unit, baseline=baseline)
    at_upper = target.evaluate(upper, unit=unit, baseline=baseline)
    lower_is_better = target.comparator.symbol in ("<", "≤")
    worst, best = (at_upper, at_lower) if lower_is_better else (at_lower, at_upper)
    met = now == TargetStatus.MET.value
    clear = np.where(met, worst == TargetStatus.MET.value, best == TargetStatus.NOT_MET.value) & (
        now != TargetStatus.NOT_EVALUABLE.value
    )
    label = np.where(
        now == TargetStatus.NOT_EVALUABLE.value,
        now,
        np.char.add(
            now.astype(str),
            np.where(clear, " (statistically clear)", " (not statistically clear)"),
        ),
    )
    return TargetAssessment(now, clear, label.astype(np.str_), value, lower, upper,
                            np.asarray(threshold, dtype=np.float64), year)  # fmt: skip


def assess_target(
    target: Target,
    value: npt.ArrayLike | Result,
    lower: npt.ArrayLike | None = None,
    upper: npt.ArrayLike | None = None,
    *,
    unit: str | None = None,
    baseline: npt.ArrayLike | None = None,
) -> TargetAssessment:
    """Met or not met, and whether that is statistically clear.

    A value meets a target; it meets it *clearly* when its whole confidence
    interval does (for "≤ 12", the upper limit is ≤ 12), and misses it clearly
    when the whole interval misses it. A prefecture MMR of 6.62/10万 from 2
    deaths (95 % CI 0.80–23.90) meets "≤ 12" but not clearly.

    Parameters
    ----------
    target : Target
    value : array_like or Result
        Values, or a :class:`Result` (its value, limits and unit are used).
    lower, upper : array_like
        The confidence limits of ``value`` (not with a Result). Labelled values
        and limits (pandas Series) are paired by label, never by position;
        limits that are not an interval around their value (lower above upper,
        a value outside its interval) and values outside the indicator's range
        (a negative rate, a proportion above 100 %) are refused.
    unit : str, optional
        Unit of plain values (default: the target's).
    baseline : array_like, optional
        For relative targets; without it every area is ``"needs baseline"``.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> hc2030 = mch.targets_for("MMR", plan="healthy_china_2030")[0]  # ≤ 12 per 100,000
    >>> result = mch.get("MMR").compute([2, 40], [30211, 580000])
    >>> mch.assess_target(hc2030, result).label.tolist()
    ['met (not statistically clear)', 'met (statistically clear)']
    """
    from mch_indicators._result import Result

    if not isinstance(target, Target):
        raise InvalidInputError("assess_target() needs a Target, e.g. mch.targets_for('MMR')[0]")
    if isinstance(value, Result):
        if lower is not None or upper is not None:
            raise InvalidInputError("a Result carries its limits; drop lower= and upper=")
        if unit is not None:
            raise InvalidInputError("a Result carries its unit; drop unit=")
        if value.indicator.id != target.indicator:
            raise InvalidInputError(
                f"{target.id} is a target for {target.indicator}, not {value.indicator.id}"
            )
        unit = value.unit
        values = np.asarray(value.value, dtype=np.float64)
        low = np.asarray(value.lower, dtype=np.float64)
        high = np.asarray(value.upper, dtype=np.float64)
        return _assessment(target, values, low, high, unit, baseline, None)
    if lower is None or upper is None:
        raise InvalidInputError("give lower= and upper= (the confidence limits of the values)")
    named = align_labelled(value=value, lower=lower, upper=upper, baseline=baseline)
    values = coerce_values(named["value"], "value")
    low, high = coerce_values(named["lower"], "lower"), coerce_values(named["upper"], "upper")
    check_broadcast(value=values, lower=low, upper=high)
    values, low, high = np.broadcast_arrays(values, low, high)
    _check_intervals(target, values, low, high, unit, _labels_of(named))
    return _assessment(target, values, low, high, unit, named["baseline"], None)


def _labels_of(named: dict[str, object]) -> list[object] | None:
    """The row labels of the first labelled argument (a pandas object), else None."""
    for argument in named.values():
        index = getattr(argument, "index", None)
        if index is not None and hasattr(argument, "reindex"):
            return list(index)
    return None


def _check_intervals(
    target: Target,
    value: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    unit: str | None,
    labels: list[object] | None,
) -> None:
    """Refuse limits that are not an interval around their value, or outside the range.

    Missing values and limits pass (they are "not evaluable"). The range is the
    indicator's (:func:`~mch_indicators._compute.value_range`): a negative IMR or a
    proportion above 100 % is no value at all.
    """
    from mch_indicators._catalog import builtin_catalog
    from mch_indicators._compute import check_indicator_values

    def where(mask: npt.NDArray[np.bool_]) -> str:
        position = int(np.flatnonzero(mask.ravel())[0])
        name = f"row {labels[position]!r}" if labels is not None else f"[{position}]"
        shown = ", ".join(
            f"{what} {float(array.ravel()[position]):g}"
            for what, array in (("value", value), ("lower", lower), ("upper", upper))
        )
        return f"{name} ({shown})"

    with np.errstate(invalid="ignore"):
        crossed = lower > upper
        outside = (value < lower) | (value > upper)
    if crossed.any():
        raise InvalidInputError(f"a lower limit above its upper limit at {where(crossed)}")
    if outside.any():
        raise InvalidInputError(f"a value outside its own interval at {where(outside)}")
    indicator = builtin_catalog().get(target.indicator)
    if indicator is not None:
        for name, array in (("value", value), ("lower", lower), ("upper", upper)):
            check_indicator_values(array, indicator, name, unit=unit or target.unit,
                                   labels=labels)  # fmt: skip


def project_target(
    target: Target,
    trend: Trend,
    *,
    unit: str | None = None,
    baseline: npt.ArrayLike | None = None,
    confidence: float | None = None,
    denominator: npt.ArrayLike | None = None,
) -> TargetAssessment:
    """Carry each area's fitted trend to the target's year and assess it there.

    The projection is the trend line of :func:`mch_indicators.stats.trend` at
    the target's year, with the interval of the line (from the fit's
    covariance); fit the trend with ``multiplier=`` in the target's unit (or say
    ``unit=``). ``"met (statistically clear)"`` then reads "on track, clearly".
    Alongside, ``prediction_lower`` and ``prediction_upper`` give the range the
    rate observed in that year will fall in, given ``denominator`` births
    (default: each area's births of its latest year), over-dispersion included
    (:meth:`~mch_indicators.stats.Trend.prediction`): a year's observed rate can
    miss a target its line meets.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> hc2030 = mch.targets_for("婴儿死亡率", plan="healthy_china_2030")[0]  # ≤ 5‰
    >>> deaths = [[95, 88, 80, 74, 66], [60, 62, 61, 63, 60]]
    >>> fit = mch.stats.trend(deaths, 12000, range(2020, 2025), multiplier=1000)
    >>> out = mch.project_target(hc2030, fit)
    >>> out.value.round(2).tolist(), out.label.tolist()
    ([3.25, 5.17], ['met (statistically clear)', 'not met (not statistically clear)'])
    >>> out.upper.round(2).tolist(), out.prediction_upper.round(2).tolist()  # line, year
    ([3.57, 6.31], [3.61, 6.39])
    """
    import dataclasses

    if target.year is None:
        raise InvalidInputError(f"{target.id} has no year to project to (a standing criterion)")
    value, lower, upper = trend.projection(target.year, confidence=confidence)
    assessed = _assessment(target, value, lower, upper, unit, baseline, target.year)
    if denominator is None and trend.last_denominator is None:
        return assessed
    births = trend.last_denominator if denominator is None else denominator
    _, low, high = trend.prediction(target.year, births, confidence=confidence)
    shape = np.shape(value)
    return dataclasses.replace(
        assessed, prediction_lower=np.broadcast_to(low, shape),
        prediction_upper=np.broadcast_to(high, shape),
        prediction_denominator=np.broadcast_to(np.asarray(births, dtype=np.float64), shape),
    )  # fmt: skip
