"""Progress of areas towards the catalog's targets.

The arithmetic of annual rates (:func:`mch_indicators.stats.arr`,
:func:`~mch_indicators.stats.projection`...) lives in :mod:`mch_indicators.stats`;
this module adds what needs a :class:`~mch_indicators.Target`: the rate an area
needs to reach it, and whether it has, is on track, or is not.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError
from mch_indicators._targets import Target, TargetStatus
from mch_indicators.stats._inputs import align_labelled, coerce_values
from mch_indicators.stats._trends import projection
from mch_indicators.stats._trends import required_arr as numeric_required_arr

__all__ = ["Progress", "progress", "required_arr"]

FloatArray = npt.NDArray[np.float64]


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
    return numeric_required_arr(value, year, goal, target_year, form=form)


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
    named = align_labelled(value=value, year=year, rate=rate, baseline=baseline)
    values, years = coerce_values(named["value"], "value"), coerce_values(named["year"], "year")
    rates, baseline = coerce_values(named["rate"], "rate"), named["baseline"]
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
