"""An indicator and its counts in, a :class:`Result` out.

This is the one place where a definition meets the statistics: the indicator's
kind chooses the interval family and the checks (a proportion is bounded by its
denominator, a coverage may exceed it), its unit the scale, and
:func:`mch_indicators.stats._engine.compute_counts` does the arithmetic.
:meth:`Indicator.compute` and every adapter come through here.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError
from mch_indicators._options import Options
from mch_indicators._result import Result
from mch_indicators._validate import labels_of
from mch_indicators.stats._engine import CoreResult, compute_counts
from mch_indicators.stats._intervals import get_method

if TYPE_CHECKING:
    from mch_indicators._model import Indicator

__all__ = [
    "check_indicator_values",
    "compute_indicator",
    "compute_owned",
    "is_lazy",
    "require_computable",
    "value_range",
]


def is_lazy(values: object) -> bool:
    """True for a dask collection (a dask array, or a DataArray backed by one)."""
    graph = getattr(values, "__dask_graph__", None)
    return callable(graph) and graph() is not None


def _refuse_lazy(indicator: Indicator, numerator: object, denominator: object) -> None:
    for role, values in (("numerator", numerator), ("denominator", denominator)):
        if is_lazy(values):
            raise InvalidInputError(
                f"the {role} is a lazy dask array: computing a Result would load it "
                "into memory. Use mch_indicators.compute(indicator="
                f"{indicator.id!r}, numerator=..., denominator=...), which stays lazy "
                "(an xarray Dataset of dask arrays), or call .compute() on the arrays first"
            )


def require_computable(indicator: Indicator) -> None:
    """Raise :class:`InvalidInputError` with the reason when ``indicator`` is not a quotient."""
    if not indicator.computable:
        raise InvalidInputError(
            f"{indicator.id} is not a quotient of two counts and cannot be computed from a "
            f"numerator and a denominator: {indicator.note}"
        )


def compute_indicator(
    indicator: Indicator,
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike,
    options: Options,
) -> Result:
    """Values, limits and flags of ``indicator`` on counts (see :meth:`Indicator.compute`)."""
    return _computed(indicator, numerator, denominator, options)[0]


def compute_owned(
    indicator: Indicator,
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike,
    options: Options,
) -> tuple[Result, dict[str, npt.NDArray[np.float64]]]:
    """The :class:`Result`, and its ``value``, ``lower`` and ``upper`` arrays, writable.

    For a caller that reads the Result, then discards it and hands the arrays
    on (a table adapter building a frame): they were written by the
    computation and are referenced by nothing but that Result, so they need no
    copy. Empty when a suppression replaced them (the Result then holds new
    arrays). A Result that reaches a user comes from :func:`compute_indicator`,
    whose arrays stay read-only for good.
    """
    result, core = _computed(indicator, numerator, denominator, options)
    if options.suppress is not None:
        return result, {}
    handed = {"value": core.value, "lower": core.lower, "upper": core.upper}
    return result, {name: _writable_again(array) for name, array in handed.items()}


def _computed(
    indicator: Indicator,
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike,
    options: Options,
) -> tuple[Result, CoreResult]:
    require_computable(indicator)
    _refuse_lazy(indicator, numerator, denominator)
    kind = indicator.kind
    chosen = get_method(options.method or indicator.default_method, kind.family, kind.value)
    core = compute_counts(
        numerator,
        denominator,
        method=chosen,
        levels=options.confidence,
        scale=float(indicator.scale),
        bounded=kind.family == "binomial",
        estimated_denominator=kind.value == "coverage",
        on_invalid=options.on_invalid,
        reliability=options.reliability,
    )
    result = Result(
        indicator=indicator,
        unit=indicator.unit,
        confidence=options.confidence,
        method=chosen.name,
        value=core.value,
        lower=core.lower,
        upper=core.upper,
        numerator=core.numerator,
        denominator=core.denominator,
        flags=core.flags,
        labels=labels_of(core.value.shape, numerator, denominator),
    )
    if options.suppress is not None:
        result = result.suppress(options.suppress)
    return result, core


def _writable_again(array: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The engine's own output, locked for the Result, unlocked for the caller's table.

    Only for :func:`compute_owned`, whose caller reads the Result and then
    discards it: the memory was allocated by this computation, so the table
    that receives it is its only writer.
    """
    root = array
    while isinstance(root.base, np.ndarray):
        root = root.base
    root.flags.writeable = True
    array.flags.writeable = True
    return array


def value_range(indicator: Indicator, unit: str | None = None) -> tuple[float, float]:
    """The lowest and highest value ``indicator`` can take, in ``unit`` (default: its own).

    Every indicator is a quotient of counts: 0 and up. A proportion (a part of
    its denominator) is at most 1 in its unit (100 %); a coverage may exceed it.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> value_range(mch.get("hospital_delivery_rate_cn")), value_range(mch.get("IMR"))
    ((0.0, 100.0), (0.0, inf))
    """
    from mch_indicators._model import Kind
    from mch_indicators._unitspec import resolve_unit

    if indicator.kind is not Kind.PROPORTION:
        return 0.0, math.inf
    return 0.0, float(resolve_unit(unit or indicator.unit).scale)


def check_indicator_values(
    values: npt.ArrayLike,
    indicator: Indicator,
    name: str,
    *,
    unit: str | None = None,
    labels: Sequence[Hashable] | None = None,
) -> None:
    """Raise naming the first value outside ``indicator``'s :func:`value_range` (NaN passes).

    ``labels`` name the values (a frame's index, a Series' labels); without them
    they are named by position.
    """
    array = np.asarray(values, dtype=np.float64)
    low, high = value_range(indicator, unit)
    with np.errstate(invalid="ignore"):
        outside = (array < low) | (array > high)
    if not outside.any():
        return
    position = int(np.flatnonzero(outside.ravel())[0])
    where = f"row {labels[position]!r}" if labels is not None else f"[{position}]"
    upto = f"to {high:g}" if math.isfinite(high) else "up"
    raise InvalidInputError(
        f"{name}: {indicator.id} takes values from 0 {upto} ({unit or indicator.unit}); "
        f"{where} is {float(array.ravel()[position]):g}"
    )
