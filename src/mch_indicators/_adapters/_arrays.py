"""Counts as arrays, no table: ``mch.compute(indicator=..., numerator=x, denominator=n)``.

Plain arrays (numpy, lists, scalars) give a :class:`~mch_indicators.Result`, as
:meth:`Indicator.compute`; xarray DataArrays and dask arrays give an xarray Dataset
(lazily for dask) through :mod:`._xarray`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Unpack

from mch_indicators._compute import compute_indicator, is_lazy
from mch_indicators._errors import InvalidInputError
from mch_indicators._options import ComputeOptions, Options

if TYPE_CHECKING:
    from mch_indicators._model import Indicator

__all__ = ["compute_arrays"]


def _labelled(values: object) -> bool:
    """An xarray DataArray, or a dask array (which only the xarray path keeps lazy)."""
    xarray = sys.modules.get("xarray")
    return (xarray is not None and isinstance(values, xarray.DataArray)) or is_lazy(values)


def compute_arrays(
    data: None,
    indicator: Indicator | None,
    *,
    numerator: Any = None,
    denominator: Any = None,
    **options: Unpack[ComputeOptions],
) -> Any:
    """A Result from plain arrays, or a Dataset from DataArrays or dask arrays."""
    if indicator is None or numerator is None or denominator is None:
        raise InvalidInputError(
            "compute() needs a table (data=...), or indicator=, numerator= and denominator="
        )
    if _labelled(numerator) or _labelled(denominator):
        from mch_indicators._adapters._xarray import compute_dataarrays

        return compute_dataarrays(indicator, numerator, denominator, **options)
    return compute_indicator(indicator, numerator, denominator, Options.from_keywords(options))
