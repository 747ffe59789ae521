"""Values, limits and flags for arrays of numerator and denominator counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from mch_indicators._core._flags import FLAG_DTYPE, Flag
from mch_indicators._core._inputs import (
    broadcast_counts,
    coerce_counts,
    describe_positions,
)
from mch_indicators._core._methods import IntervalMethod
from mch_indicators._errors import InvalidInputError

__all__ = ["CoreResult", "compute_counts"]

FloatArray = npt.NDArray[np.float64]
OnInvalid = Literal["raise", "flag"]


@dataclass(frozen=True, slots=True)
class CoreResult:
    """Plain arrays: ``lower`` and ``upper`` have one leading axis per confidence level."""

    numerator: FloatArray
    denominator: FloatArray
    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    flags: npt.NDArray[np.uint16]


def compute_counts(
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike,
    *,
    method: IntervalMethod,
    levels: tuple[float, ...],
    scale: float,
    bounded: bool,
    estimated_denominator: bool,
    on_invalid: OnInvalid = "raise",
) -> CoreResult:
    """Compute value = numerator / denominator x scale with intervals and flags.

    Parameters
    ----------
    numerator, denominator
        Counts of any broadcastable shapes; NaN or None marks a missing count.
    method
        Interval method, already checked against the indicator kind.
    levels
        Confidence levels, each strictly between 0 and 1.
    scale
        Display multiplier (100 for percent, 100000 for per 100,000).
    bounded
        True for proportions: a numerator above its denominator is invalid.
    estimated_denominator
        True for coverage: a numerator above the denominator is flagged
        ABOVE_DENOMINATOR and the value kept.
    on_invalid
        ``"raise"`` (default) or ``"flag"`` for a numerator above the
        denominator of a proportion.
    """
    from scipy.special import ndtri

    x = coerce_counts(numerator, "numerator")
    n = coerce_counts(denominator, "denominator")
    shape = broadcast_counts(x, n)
    x = np.broadcast_to(x, shape)
    n = np.broadcast_to(n, shape)

    flags = np.zeros(shape, dtype=FLAG_DTYPE)
    missing = np.isnan(x) | np.isnan(n)
    zero = (n == 0) & ~missing
    flags[missing] |= FLAG_DTYPE(Flag.MISSING)
    flags[zero] |= FLAG_DTYPE(Flag.ZERO_DENOMINATOR)
    with np.errstate(invalid="ignore"):
        above = (x > n) & ~missing & ~zero
    invalid = np.zeros(shape, dtype=bool)
    if above.any():
        if bounded:
            if on_invalid == "raise":
                pairs = np.empty(shape, dtype=object)
                for index in map(tuple, np.argwhere(above)[:6]):
                    pairs[index] = f"{x[index]:g} > {n[index]:g}"
                raise InvalidInputError(
                    "numerator exceeds denominator, impossible for a proportion, at "
                    f"{describe_positions(above, pairs, quote=False)}; pass "
                    "on_invalid='flag' to get NaN with an INVALID flag instead"
                )
            invalid = above
            flags[invalid] |= FLAG_DTYPE(Flag.INVALID)
        elif estimated_denominator:
            flags[above] |= FLAG_DTYPE(Flag.ABOVE_DENOMINATOR)
    bad = missing | zero | invalid
    all_valid = not bad.any()

    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.empty(shape, dtype=np.float64)
        np.multiply(x, scale, out=value)  # scale first: 110 * 100 / 100 is exactly 110
        np.divide(value, n, out=value)
    if not all_valid:
        value[bad] = np.nan

    lower = np.full((len(levels), *shape), np.nan)
    upper = np.full((len(levels), *shape), np.nan)
    if all_valid:
        xs, ns = np.ravel(x), np.ravel(n)
    else:
        keep = ~bad
        xs, ns = x[keep], n[keep]
    for i, level in enumerate(levels):
        alpha = 1.0 - level
        z = float(ndtri(1.0 - alpha / 2.0))
        low, high = method(xs, ns, z, alpha)
        low *= scale
        high *= scale
        if all_valid:
            lower[i, ...] = low.reshape(shape)
            upper[i, ...] = high.reshape(shape)
        else:
            lower[i, ...][keep] = low
            upper[i, ...][keep] = high
    return CoreResult(x, n, value, lower, upper, flags)
