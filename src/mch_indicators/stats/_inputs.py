"""Turning user input into validated float arrays, with errors that say where."""

from __future__ import annotations

import decimal
import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError

__all__ = [
    "broadcast_counts",
    "check_confidence",
    "check_range",
    "coerce_counts",
    "coerce_values",
    "describe_positions",
]

FloatArray = npt.NDArray[np.float64]

_MAX_LISTED = 5


def describe_positions(
    mask: npt.NDArray[np.bool_], values: npt.NDArray[Any], *, quote: bool = True
) -> str:
    """List the first positions where ``mask`` is true, with their values."""
    positions = np.argwhere(mask)
    shown = []
    for position in positions[:_MAX_LISTED]:
        index = tuple(int(i) for i in position)
        where = ", ".join(str(i) for i in index) if index else "scalar"
        value = values[index]
        if isinstance(value, np.generic):
            value = value.item()
        shown.append(f"[{where}] = {value!r}" if quote else f"[{where}]: {value}")
    extra = len(positions) - len(shown)
    text = ", ".join(shown)
    if extra > 0:
        text += f" and {extra} more"
    return text


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if type(value).__name__ in {"NAType", "NaTType"}:  # pandas.NA / pandas.NaT
        return True
    return isinstance(value, float) and math.isnan(value)


def _from_objects(array: npt.NDArray[Any], name: str) -> FloatArray:
    out = np.empty(array.shape, dtype=np.float64)
    bad = np.zeros(array.shape, dtype=bool)
    for index, value in np.ndenumerate(array):
        if _is_missing(value):
            out[index] = np.nan
        elif isinstance(value, bool | np.bool_) or not isinstance(
            value, numbers.Real | decimal.Decimal
        ):
            bad[index] = True
        else:
            out[index] = float(value)
    if bad.any():
        raise InvalidInputError(
            f"{name}: counts must be numbers; not a number at {describe_positions(bad, array)}"
        )
    return out


def coerce_counts(values: npt.ArrayLike, name: str) -> FloatArray:
    """Return ``values`` as a float64 array, or raise :class:`InvalidInputError`.

    NaN and None are kept as NaN (the caller flags them MISSING). Booleans,
    text and complex numbers are refused with a message naming ``name`` and the
    first offending positions; :func:`check_range` refuses negative and
    infinite values. The input is never modified; a float64 array is returned
    as is (not copied).
    """
    try:
        # Python sequences go through the element-by-element check, which sees
        # booleans and None that numpy would silently turn into 1, 0 or NaN.
        sequence = isinstance(values, list | tuple)
        array = np.asarray(values, dtype=object if sequence else None)
    except ValueError as error:  # ragged nested sequences
        raise InvalidInputError(f"{name}: cannot be read as an array ({error})") from None
    kind = array.dtype.kind
    if kind in "US":
        array = array.astype(object)
        kind = "O"
    if kind == "b":
        raise InvalidInputError(
            f"{name}: got booleans; counts must be numbers (convert with .astype(int) "
            "if True/False really are counts of 1 and 0)"
        )
    if kind in "iuf":
        counts: FloatArray = array.astype(np.float64, copy=False)
    elif kind == "O":
        counts = _from_objects(array, name)
    else:
        description = {"c": "complex numbers", "M": "dates", "m": "time spans"}
        raise InvalidInputError(
            f"{name}: got {description.get(kind, array.dtype.name)}; counts must be real numbers"
        )
    return counts


def coerce_values(values: npt.ArrayLike, name: str) -> FloatArray:
    """Numbers that are not counts (indicator values, years, rates) as float64.

    NaN is kept (a missing value); booleans, text, objects and infinities are
    refused with an :class:`InvalidInputError` naming ``name``. Negative values
    are allowed (a rate of change can be). The input is never modified.

    Examples
    --------
    >>> coerce_values([1, 2.5, float("nan")], "values").tolist()
    [1.0, 2.5, nan]
    """
    array = np.asarray(values)
    if array.dtype == bool or array.dtype.kind not in "iuf":
        raise InvalidInputError(f"{name} must be numbers, got an array of {array.dtype}")
    result: FloatArray = array.astype(np.float64)
    if np.isinf(result).any():
        raise InvalidInputError(f"{name} must be finite numbers or NaN")
    return result


def check_range(counts: FloatArray, name: str) -> None:
    """Raise :class:`InvalidInputError` naming negative or infinite counts, if any.

    The compute loop checks ranges block by block on its fast path and calls
    this only when a block fails, to name the offending positions.
    """
    with np.errstate(invalid="ignore"):
        negative = counts < 0
    if negative.any():
        raise InvalidInputError(
            f"{name}: counts cannot be negative; got {describe_positions(negative, counts)}"
        )
    infinite = np.isinf(counts)
    if infinite.any():
        raise InvalidInputError(
            f"{name}: counts must be finite; got {describe_positions(infinite, counts)}"
        )


def broadcast_counts(numerator: FloatArray, denominator: FloatArray) -> tuple[int, ...]:
    """Return the common shape of the two arrays or raise naming both shapes."""
    try:
        return tuple(np.broadcast_shapes(numerator.shape, denominator.shape))
    except ValueError:
        raise InvalidInputError(
            f"numerator of shape {numerator.shape} and denominator of shape "
            f"{denominator.shape} do not broadcast together"
        ) from None


def check_confidence(confidence: float | Iterable[float]) -> tuple[float, ...]:
    """Validate one or several confidence levels, each strictly between 0 and 1.

    Examples
    --------
    >>> check_confidence(0.95)
    (0.95,)
    >>> check_confidence((0.95, 0.998))
    (0.95, 0.998)
    """
    levels: list[object]
    if isinstance(confidence, numbers.Real | np.ndarray) and np.ndim(confidence) == 0:
        levels = [confidence]
    elif isinstance(confidence, Iterable) and not isinstance(confidence, str | bytes):
        levels = list(confidence)
    else:
        raise InvalidInputError(f"confidence must be a number such as 0.95, got {confidence!r}")
    if not levels:
        raise InvalidInputError("confidence: give at least one level, such as 0.95")
    checked: list[float] = []
    for level in levels:
        if isinstance(level, bool | np.bool_) or not isinstance(level, numbers.Real):
            raise InvalidInputError(f"confidence must be a number such as 0.95, got {level!r}")
        value = float(level)
        if not 0.0 < value < 1.0:
            hint = f"; did you mean {value / 100:g}?" if 1.0 < value < 100.0 else ""
            raise InvalidInputError(
                f"confidence level {level!r} is not strictly between 0 and 1{hint}"
            )
        if value in checked:
            raise InvalidInputError(f"confidence level {value:g} is given twice")
        checked.append(value)
    return tuple(checked)
