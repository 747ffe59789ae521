"""The top-level functions: look up indicators, and compute on whatever holds the counts.

:func:`compute`, :func:`pool`, :func:`dsr` and :func:`isr` choose the adapter by
the type of their input (pandas, dask, xarray, plain arrays) and leave the work
to it; nothing is computed here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar, Unpack, cast, overload

import numpy.typing as npt

from mch_indicators._adapters._dask import (
    compute_dask_frame,
    dsr_dask_frame,
    is_dask_frame,
    isr_dask_frame,
    pool_dask_frame,
)
from mch_indicators._adapters._pandas import compute_frame
from mch_indicators._adapters._pandas import dsr as frame_dsr
from mch_indicators._adapters._pandas import isr as frame_isr
from mch_indicators._adapters._pandas import pool as frame_pool
from mch_indicators._adapters._spark import is_spark_frame
from mch_indicators._compute import is_lazy
from mch_indicators._errors import InvalidInputError
from mch_indicators._options import ComputeOptions

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

    from mch_indicators._model import Indicator
    from mch_indicators._result import Result
    from mch_indicators._standards import StandardPopulation

__all__ = ["compute", "dsr", "get", "isr", "pool", "search"]

Columns = str | Sequence[str] | None
F = TypeVar("F", bound=Callable[..., Any])
#: a pandas frame gives a pandas frame, a dask frame a lazy dask frame
FrameT = TypeVar("FrameT")


def _documented_by(implementation: Callable[..., Any]) -> Callable[[F], F]:
    """Give the public function the docstring of the adapter function that does the work."""

    def decorate(function: F) -> F:
        function.__doc__ = implementation.__doc__
        return function

    return decorate


def get(key: str | Indicator) -> Indicator:
    """Find a built-in indicator by id, alias, English or Chinese name, or code.

    Parameters
    ----------
    key : str
        ``"maternal_mortality_ratio"``, ``"MMR"``, ``"孕产妇死亡率"``,
        ``"SDG 3.1.1"``... Case, width and ``_``/``-``/space are ignored.

    Raises
    ------
    UnknownIndicatorError
        A ``KeyError`` whose message suggests the closest indicators.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> mch.get("孕产妇死亡率").id
    'maternal_mortality_ratio'
    >>> try:
    ...     mch.get("infant mortality")
    ... except KeyError as error:
    ...     print(error.suggestions[0])
    infant_mortality_rate
    """
    from mch_indicators._catalog import builtin_catalog

    return builtin_catalog().get_indicator(key)


def search(query: str, limit: int | None = 10) -> list[Indicator]:
    """Built-in indicators matching ``query`` in English or Chinese, best first.

    See :meth:`Catalog.search` for how matches are ranked.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> [i.id for i in mch.search("stillbirth", limit=3)]
    ['stillbirth_rate', 'stillbirth_rate_22w', 'perinatal_mortality_rate_cn']
    >>> mch.search("早孕")[0].id
    'early_pregnancy_registration_rate_cn'
    """
    from mch_indicators._catalog import builtin_catalog

    return builtin_catalog().search(query, limit)


def _is_xarray(value: object, kind: str) -> bool:
    xarray = sys.modules.get("xarray")
    return xarray is not None and isinstance(value, getattr(xarray, kind))


@overload
def compute(
    data: pd.DataFrame,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    lean: bool = False,
    **options: Unpack[ComputeOptions],
) -> pd.DataFrame: ...
@overload
def compute(
    data: xr.Dataset,
    indicator: str | Indicator,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    **options: Unpack[ComputeOptions],
) -> xr.Dataset: ...
@overload
def compute(
    data: None = None,
    indicator: str | Indicator | None = None,
    *,
    numerator: npt.ArrayLike | xr.DataArray,
    denominator: npt.ArrayLike | xr.DataArray,
    **options: Unpack[ComputeOptions],
) -> Result | xr.Dataset: ...
@overload
def compute(
    data: Any,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    lean: bool = False,
    **options: Unpack[ComputeOptions],
) -> Any: ...
def compute(
    data: Any = None,
    indicator: str | Indicator | None = None,
    *,
    numerator: Any = None,
    denominator: Any = None,
    lean: bool = False,
    **options: Unpack[ComputeOptions],
) -> Any:
    """Compute an indicator on a table or on labelled arrays, whatever holds the counts.

    Parameters
    ----------
    data : pandas, dask or Spark DataFrame, or xarray.Dataset, optional
        The counts. ``numerator`` and ``denominator`` then name the columns
        (variables); they default to the indicator's term ids (``infant_deaths``,
        ``live_births``), or to ``numerator``/``denominator`` for a long table
        whose ``indicator`` column says which indicator each row is.
    indicator : str or Indicator, optional
        Id, alias, Chinese name or code; required except for long tables.
    numerator, denominator : str or array
        Column names with ``data``; without ``data``, the counts themselves:
        xarray DataArrays or dask arrays (a Dataset comes back, lazily for
        dask), or plain arrays (a :class:`Result`, as :meth:`Indicator.compute`).
    lean : bool, default False
        Tables only: after the frame's other columns, only ``value``, the
        limits and ``flags`` (no ``indicator``, ``numerator``, ``denominator``
        or ``unit`` repeated on every row).
    **options
        The compute options (:class:`~mch_indicators.ComputeOptions`):
        ``confidence``, ``method``, ``on_invalid``, ``reliability``, ``suppress``.

    Returns
    -------
    pandas.DataFrame, dask DataFrame, xarray.Dataset or Result
        A tidy frame keeps the input's index and other columns, then
        ``indicator, numerator, denominator, value, lower, upper, unit, flags``;
        a Dataset keeps dims and coords, with units and flag meanings in attrs.
        Dask inputs stay lazy.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> counts = pd.DataFrame({"county": ["A", "B"], "maternal_deaths": [2, 0],
    ...                        "live_births": [26954, 8000]})
    >>> mch.compute(counts, "孕产妇死亡率")[["county", "value", "upper"]].round(2).to_dict("list")
    {'county': ['A', 'B'], 'value': [7.42, 0.0], 'upper': [26.8, 46.11]}
    """
    if data is None:
        if indicator is None or numerator is None or denominator is None:
            raise InvalidInputError(
                "compute() needs a table (data=...), or indicator=, numerator= and denominator="
            )
        if lean:
            raise InvalidInputError("lean= applies to tables (data=...), not to arrays")
        chosen = get(indicator)
        if any(_is_xarray(a, "DataArray") or is_lazy(a) for a in (numerator, denominator)):
            from mch_indicators._adapters._xarray import compute_dataarrays

            return compute_dataarrays(chosen, numerator, denominator, **options)
        return chosen.compute(numerator, denominator, **options)
    names = {"numerator": numerator, "denominator": denominator}
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(data, pandas.DataFrame):
        return compute_frame(data, indicator, **names, lean=lean, **options)
    if is_dask_frame(data):
        return compute_dask_frame(data, indicator, **names, lean=lean, **options)
    if is_spark_frame(data):
        from mch_indicators._adapters._spark import compute_spark

        return compute_spark(data, indicator, **names, lean=lean, **options)
    if lean:
        raise InvalidInputError("lean= applies to tables, not to a Dataset")
    if _is_xarray(data, "Dataset"):
        from mch_indicators._adapters._xarray import compute_dataset

        if indicator is None:
            raise InvalidInputError("compute() on a Dataset needs the indicator")
        return compute_dataset(data, get(indicator), **names, **options)
    raise InvalidInputError(
        f"compute() takes a pandas, dask or Spark DataFrame or an xarray Dataset, got "
        f"{type(data).__name__}; for plain arrays use get(indicator).compute(numerator, "
        "denominator)"
    )


@overload
def pool(
    frame: pd.DataFrame,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    by: Columns = None,
    over: str | None = None,
    window: int | None = None,
    split_out: int | None = None,
    **options: Unpack[ComputeOptions],
) -> pd.DataFrame: ...
@overload
def pool(
    frame: Any,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    by: Columns = None,
    over: str | None = None,
    window: int | None = None,
    split_out: int | None = None,
    **options: Unpack[ComputeOptions],
) -> Any: ...
@_documented_by(frame_pool)
def pool(
    frame: Any,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    by: Columns = None,
    over: str | None = None,
    window: int | None = None,
    split_out: int | None = None,
    **options: Unpack[ComputeOptions],
) -> Any:
    keywords: dict[str, Any] = {
        "numerator": numerator, "denominator": denominator, "by": by, "over": over,
        "window": window, "split_out": split_out,
    }  # fmt: skip
    if is_dask_frame(frame):
        return pool_dask_frame(frame, indicator, **keywords, **options)
    if is_spark_frame(frame):
        from mch_indicators._adapters._spark import pool_spark

        return pool_spark(frame, indicator, **keywords, **options)
    return frame_pool(frame, indicator, **keywords, **options)


@_documented_by(frame_dsr)
def dsr(
    frame: FrameT,
    *,
    count: str,
    population: str,
    age: str,
    standard: str | StandardPopulation | Mapping[str, float],
    by: Columns = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000,
    frequency: str | None = None,
    subset: bool = False,
) -> FrameT:
    implementation: Callable[..., Any] = dsr_dask_frame if is_dask_frame(frame) else frame_dsr
    return cast(FrameT, implementation(
        frame, count=count, population=population, age=age, standard=standard, by=by,
        confidence=confidence, multiplier=multiplier, frequency=frequency, subset=subset,
    ))  # fmt: skip


@_documented_by(frame_isr)
def isr(
    frame: FrameT,
    *,
    count: str,
    population: str,
    reference_count: str,
    reference_population: str,
    by: Columns = None,
    kind: Literal["ratio", "rate"] = "ratio",
    confidence: float | Sequence[float] = 0.95,
    refvalue: float = 1.0,
    multiplier: float = 100_000,
) -> FrameT:
    implementation: Callable[..., Any] = isr_dask_frame if is_dask_frame(frame) else frame_isr
    return cast(FrameT, implementation(
        frame, count=count, population=population, reference_count=reference_count,
        reference_population=reference_population, by=by, kind=kind, confidence=confidence,
        refvalue=refvalue, multiplier=multiplier,
    ))  # fmt: skip
