"""Annual rates of reduction, projections and annualisation on plain arrays.

The UN IGME / MMEIG annual rate of reduction is continuous (log-linear):
``ARR = ln(r1 / r2) / (t2 - t1)``; the compound form is ``1 - (r2 / r1)^(1/(t2 - t1))``.
Rates are returned in percent per year; a positive rate is a decline. A value
that is not positive has no logarithm, so its rate is NaN (documented, no warning).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "Form",
    "annual_rate",
    "annual_rate_series",
    "annualisation_factor",
    "check_form",
    "project",
    "required_rate",
]

FloatArray = npt.NDArray[np.float64]
Form = Literal["continuous", "compound"]


def check_form(form: str) -> Form:
    """Return ``form`` if it names a form of the annual rate, else raise ValueError."""
    if form not in ("continuous", "compound"):
        raise ValueError(f"form must be 'continuous' or 'compound', got {form!r}")
    return form  # type: ignore[return-value]


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
    if form == "continuous":
        return value * np.exp(-rate / 100.0 * years)
    with np.errstate(invalid="ignore"):
        return value * (1.0 - rate / 100.0) ** years


def annualisation_factor(days: FloatArray, year_days: float) -> FloatArray:
    """How many times a period of ``days`` fits into a year of ``year_days``."""
    return year_days / days
