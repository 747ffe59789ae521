"""The top-level functions: look up indicators, and compute on whatever holds the counts.

:func:`compute`, :func:`pool`, :func:`dsr` and :func:`isr` choose the adapter by
the type of their input (pandas, dask, xarray, plain arrays) and leave the work
to it; nothing is computed here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar, Unpack, cast, overload

import numpy.typing as npt

from mch_indicators._adapters._dask import (
    compute_dask_frame,
    dsr_dask_frame,
    is_dask_frame,
    isr_dask_frame,
    pool_dask_frame,
)
from mch_indicators._adapters._pandas import FunnelTable, JoinpointTable, compute_frame
from mch_indicators._adapters._pandas import compare as frame_compare
from mch_indicators._adapters._pandas import dsr as frame_dsr
from mch_indicators._adapters._pandas import funnel as frame_funnel
from mch_indicators._adapters._pandas import isr as frame_isr
from mch_indicators._adapters._pandas import joinpoint as frame_joinpoint
from mch_indicators._adapters._pandas import pool as frame_pool
from mch_indicators._adapters._pandas import trend as frame_trend
from mch_indicators._adapters._pandas import trend_line as frame_trend_line
from mch_indicators._adapters._spark import is_spark_frame
from mch_indicators._compute import is_lazy
from mch_indicators._display import in_language
from mch_indicators._errors import InvalidInputError
from mch_indicators._labels import check_lang
from mch_indicators._options import ComputeOptions

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator
    from mch_indicators._result import Result
    from mch_indicators._standards import StandardPopulation
    from mch_indicators._targets import Target

__all__ = [
    "compare", "compute", "dsr", "funnel", "get", "isr", "joinpoint", "pool", "search", "trend",
    "trend_line",
]  # fmt: skip

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


def _builtin() -> Catalog:
    from mch_indicators._catalog import builtin_catalog

    return builtin_catalog()


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
    return _builtin().get_indicator(key)


def search(query: str, limit: int | None = 10) -> list[Indicator]:
    """Built-in indicators matching ``query`` in English or Chinese, best first.

    See :meth:`Catalog.search` for how matches are ranked.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> [i.id for i in mch.search("stillbirth", limit=3)]
    ['stillbirth_rate', 'stillbirth_rate_22w', 'stillbirth_rate_24w']
    >>> mch.search("早孕")[0].id
    'early_pregnancy_registration_rate_cn'
    """
    return _builtin().search(query, limit)


def _is_xarray(value: object, kind: str) -> bool:
    xarray = sys.modules.get("xarray")
    return xarray is not None and isinstance(value, getattr(xarray, kind))


@overload
def compute(
    data: pd.DataFrame,
    indicator: str | Indicator | Sequence[str | Indicator] | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    indicators: Sequence[str | Indicator] | None = None,
    columns: Mapping[Hashable, str] | None = None,
    allow_substitute: Mapping[str, str] | None = None,
    shape: Literal["long", "wide"] = "long",
    catalog: Catalog | None = None,
    lean: bool = False,
    totals: Literal["check", "drop", "keep"] = "check",
    duplicates: Literal["error", "sum"] = "error",
    total_labels: Sequence[str] | None = None,
    rules: Any = True,
    lang: str = "en",
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
    indicator: str | Indicator | Sequence[str | Indicator] | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    indicators: Sequence[str | Indicator] | None = None,
    columns: Mapping[Hashable, str] | None = None,
    allow_substitute: Mapping[str, str] | None = None,
    shape: Literal["long", "wide"] = "long",
    catalog: Catalog | None = None,
    lean: bool = False,
    totals: Literal["check", "drop", "keep"] = "check",
    duplicates: Literal["error", "sum"] = "error",
    total_labels: Sequence[str] | None = None,
    rules: Any = True,
    lang: str = "en",
    **options: Unpack[ComputeOptions],
) -> Any: ...
def compute(
    data: Any = None,
    indicator: str | Indicator | Sequence[str | Indicator] | None = None,
    *,
    numerator: Any = None,
    denominator: Any = None,
    indicators: Sequence[str | Indicator] | None = None,
    columns: Mapping[Hashable, str] | None = None,
    allow_substitute: Mapping[str, str] | None = None,
    shape: Literal["long", "wide"] = "long",
    catalog: Catalog | None = None,
    lean: bool = False,
    totals: Literal["check", "drop", "keep"] = "check",
    duplicates: Literal["error", "sum"] = "error",
    total_labels: Sequence[str] | None = None,
    rules: Any = True,
    lang: str = "en",
    **options: Unpack[ComputeOptions],
) -> Any:
    """Compute an indicator on a table or on labelled arrays, whatever holds the counts.

    Parameters
    ----------
    data : pandas, dask, Spark, polars, pyarrow or DuckDB frame, or xarray.Dataset, optional
        The counts. ``numerator`` and ``denominator`` then name the columns
        (variables); they default to the columns headed by the indicator's terms
        (``infant_deaths`` or ``婴儿死亡数``, ``live_births`` or ``活产数``...), or
        to ``numerator``/``denominator`` for a long table whose ``indicator``
        column says which indicator each row is. A pandas DataFrame with neither
        an indicator nor an ``indicator`` column is a *wide* table (one column
        per count, as offices keep them): every indicator whose counts are
        present is computed (see :func:`match_columns`).
    indicator : str or Indicator, optional
        Id, alias, Chinese name or code (a list means ``indicators=``).
    indicators : sequence, optional
        Wide table: the indicators to compute (default: all whose counts are present).
    columns : mapping, optional
        Wide table: ``{column: term}`` for headers the names do not give; always wins.
    allow_substitute : mapping, optional
        ``{definition_term: stand_in_term}``. A count column of another term than
        the definition's (``产妇数`` for ``活产数``) is an error naming both terms
        unless allowed here; the substitution is recorded in a ``substitution``
        column.
    shape : {"long", "wide"}, default "long"
        Wide table: one row per area, period and indicator, or one row per area
        and period with a column group per indicator.
    catalog : Catalog, optional
        Where indicator keys are looked up (default: the built-in catalog), e.g.
        ``mch.catalog.merged(mch.load_definitions("mine.toml"))``.
    lean : bool, default False
        pandas, dask and Spark frames: after the frame's other columns, only
        ``value``, the limits and ``flags`` (no ``indicator``, ``numerator``,
        ``denominator`` or ``unit`` repeated on every row).
    totals : {"check", "drop", "keep"}, default "check"
        pandas: total rows of an office's table (合计, 小计, 全县, Total, a blank
        area cell, a row summing the others) are never counted as units;
        ``"check"`` compares each with the sum of its parts, ``"drop"`` does not,
        ``"keep"`` counts every row as a unit. See :func:`checks`.
    duplicates : {"error", "sum"}, default "error"
        pandas: two rows of one unit and period are an error naming both, or
        with ``"sum"`` are added up (listed in the checks).
    total_labels : sequence of str, optional
        pandas: more labels marking a total row.
    rules : bool, path or sequence, default True
        pandas wide table: consistency rules over each row's counts
        (:func:`validate`); values whose counts break one are flagged
        ``INCONSISTENT``. A path or list adds your rules files; False: none.
    lang : {"en", "zh"}, default "en"
        pandas: the language of the result's column headers (``"zh"``: 县区, 年份,
        指标, 分子, 分母, 数值, 下限, 上限, 单位, 标记), for a table to show; the
        other functions (``pool``, ``to_excel``, the charts) take the English one.
    numerator, denominator : str or array
        Column names with ``data``; without ``data``, the counts themselves:
        xarray DataArrays or dask arrays (a Dataset comes back, lazily for
        dask), or plain arrays (a :class:`Result`, as :meth:`Indicator.compute`).
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
    pandas = sys.modules.get("pandas")
    names = {"numerator": numerator, "denominator": denominator}
    chosen_lang = check_lang(lang)
    if pandas is not None and isinstance(data, pandas.DataFrame):
        out = compute_frame(
            data, indicator, **names, indicators=indicators, columns=columns,
            allow_substitute=allow_substitute, shape=shape, catalog=catalog, lean=lean,
            totals=totals, duplicates=duplicates, total_labels=total_labels, rules=rules,
            **options,
        )  # fmt: skip
        return in_language(out, chosen_lang)
    if chosen_lang != "en":
        raise InvalidInputError("lang= names the columns of a pandas DataFrame's result")
    _pandas_units_only(totals, duplicates, total_labels)
    if isinstance(indicator, Sequence) and not isinstance(indicator, str):
        raise InvalidInputError(
            "several indicators need a pandas DataFrame: compute(frame, [...])"
        )
    wide = {"indicators": indicators, "columns": columns, "allow_substitute": allow_substitute}
    if any(value is not None for value in wide.values()) or shape != "long":
        raise InvalidInputError(
            "indicators=, columns=, allow_substitute= and shape= are for pandas DataFrames; "
            "call .compute() on a dask DataFrame first, or compute one indicator at a time"
        )
    if data is None:
        if indicator is None or numerator is None or denominator is None:
            raise InvalidInputError(
                "compute() needs a table (data=...), or indicator=, numerator= and denominator="
            )
        if lean:
            raise InvalidInputError("lean= applies to tables (data=...), not to arrays")
        chosen = (catalog or _builtin()).get_indicator(indicator)
        if any(_is_xarray(a, "DataArray") or is_lazy(a) for a in (numerator, denominator)):
            from mch_indicators._adapters._xarray import compute_dataarrays

            return compute_dataarrays(chosen, numerator, denominator, **options)
        return chosen.compute(numerator, denominator, **options)
    if is_dask_frame(data):
        return compute_dask_frame(data, indicator, **names, catalog=catalog, lean=lean, **options)
    if is_spark_frame(data):  # per batch, where the rows are (mapInPandas)
        from mch_indicators._adapters._spark import compute_spark

        return compute_spark(data, indicator, **names, catalog=catalog, lean=lean, **options)
    if lean:
        raise InvalidInputError(
            f"lean= applies to pandas, dask and Spark frames, not to a {type(data).__name__}"
        )
    if _is_xarray(data, "Dataset"):
        from mch_indicators._adapters._xarray import compute_dataset

        if indicator is None:
            raise InvalidInputError("compute() on a Dataset needs the indicator")
        chosen = (catalog or _builtin()).get_indicator(indicator)
        return compute_dataset(data, chosen, **names, **options)
    from mch_indicators._adapters._narwhals import compute_any_frame, is_narwhals_frame

    if is_narwhals_frame(data):  # polars, pyarrow, DuckDB
        return compute_any_frame(data, indicator, **names, catalog=catalog, **options)
    raise InvalidInputError(
        f"compute() takes a pandas, polars, pyarrow, DuckDB, Spark or dask frame or an xarray "
        f"Dataset, got "
        f"{type(data).__name__}; for plain arrays use get(indicator).compute(numerator, "
        "denominator)"
    )


@overload
def pool(
    frame: pd.DataFrame,
    indicator: str | Indicator | Sequence[str | Indicator] | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    by: Columns = None,
    over: str | None = None,
    window: int | None = None,
    missing: Literal["propagate", "skip"] = "propagate",
    indicators: Sequence[str | Indicator] | None = None,
    columns: Mapping[Hashable, str] | None = None,
    allow_substitute: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
    split_out: int | None = None,
    totals: Literal["check", "drop", "keep"] = "check",
    duplicates: Literal["error", "sum"] = "error",
    total_labels: Sequence[str] | None = None,
    **options: Unpack[ComputeOptions],
) -> pd.DataFrame: ...
@overload
def pool(
    frame: Any,
    indicator: str | Indicator | Sequence[str | Indicator] | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    by: Columns = None,
    over: str | None = None,
    window: int | None = None,
    missing: Literal["propagate", "skip"] = "propagate",
    indicators: Sequence[str | Indicator] | None = None,
    columns: Mapping[Hashable, str] | None = None,
    allow_substitute: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
    split_out: int | None = None,
    totals: Literal["check", "drop", "keep"] = "check",
    duplicates: Literal["error", "sum"] = "error",
    total_labels: Sequence[str] | None = None,
    **options: Unpack[ComputeOptions],
) -> Any: ...
@_documented_by(frame_pool)
def pool(
    frame: Any,
    indicator: str | Indicator | Sequence[str | Indicator] | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    by: Columns = None,
    over: str | None = None,
    window: int | None = None,
    missing: Literal["propagate", "skip"] = "propagate",
    indicators: Sequence[str | Indicator] | None = None,
    columns: Mapping[Hashable, str] | None = None,
    allow_substitute: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
    split_out: int | None = None,
    totals: Literal["check", "drop", "keep"] = "check",
    duplicates: Literal["error", "sum"] = "error",
    total_labels: Sequence[str] | None = None,
    **options: Unpack[ComputeOptions],
) -> Any:
    keywords: dict[str, Any] = {
        "numerator": numerator, "denominator": denominator, "by": by, "over": over,
        "window": window, "catalog": catalog,
    }  # fmt: skip
    wide = (indicators, columns, allow_substitute)
    pandas = sys.modules.get("pandas")
    if pandas is None or not isinstance(frame, pandas.DataFrame):
        _pandas_units_only(totals, duplicates, total_labels)
    if is_dask_frame(frame):  # distributed sums (tree reduction, split_out), computed in place
        return pool_dask_frame(frame, _pool_one(frame, indicator, missing, wide), **keywords,
                               split_out=split_out, **options)  # fmt: skip
    if is_spark_frame(frame):  # Spark's own sums, computed batch by batch where they are
        from mch_indicators._adapters._spark import pool_spark

        return pool_spark(frame, _pool_one(frame, indicator, missing, wide), **keywords,
                          split_out=split_out, **options)  # fmt: skip
    from mch_indicators._adapters._narwhals import is_narwhals_frame, pool_any_frame

    if is_narwhals_frame(frame):  # polars, pyarrow, DuckDB: summed in the engine
        if split_out is not None:
            raise InvalidInputError("split_out= is for dask DataFrames")
        return pool_any_frame(frame, _pool_one(frame, indicator, missing, wide), **keywords,
                              **options)  # fmt: skip
    return frame_pool(
        frame, indicator, **keywords, missing=missing, indicators=indicators, columns=columns,
        allow_substitute=allow_substitute, split_out=split_out, totals=totals,
        duplicates=duplicates, total_labels=total_labels, **options,
    )  # fmt: skip


def _pandas_units_only(totals: str, duplicates: str, total_labels: object) -> None:
    """Refuse ``totals=``, ``duplicates=`` and ``total_labels=`` beyond pandas frames."""
    if totals != "check" or duplicates != "error" or total_labels is not None:
        raise InvalidInputError(
            "totals=, duplicates= and total_labels= are for an office's pandas DataFrame "
            "(total rows and duplicates are found by its area and period columns)"
        )


def _pool_one(
    frame: object,
    indicator: str | Indicator | Sequence[str | Indicator] | None,
    missing: str,
    wide: tuple[object, ...],
) -> str | Indicator | None:
    """The one indicator (or long table) a dask or engine frame can pool, or an error.

    Such frames sum their partitions (or let the engine sum) before any row is seen,
    so units left out (``missing="skip"``) and wide tables need a pandas DataFrame.
    """
    several = isinstance(indicator, Sequence) and not isinstance(indicator, str)
    if missing != "propagate" or any(v is not None for v in wide) or several:
        raise InvalidInputError(
            f"pooling a {type(frame).__name__} sums its counts before any row is seen, so "
            "missing='skip' and wide tables (several indicators, indicators=, columns=, "
            "allow_substitute=) need a pandas DataFrame: convert it first"
        )
    return indicator  # type: ignore[return-value]


def _pandas_only(name: str, frame: object) -> None:
    if is_dask_frame(frame):
        raise InvalidInputError(
            f"{name}() needs a pandas DataFrame: call .compute() on the dask one first "
            "(comparisons work on one row per area and period: pool the dask frame to that "
            "(mch.pool), a small table)"
        )


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


@overload
def compare(
    frame: pd.DataFrame,
    indicator: str | Indicator,
    *,
    benchmark: Any,
    numerator: str | None = None,
    denominator: str | None = None,
    by: Columns = None,
    confidence: float = 0.95,
    method: str | None = None,
    lang: str = "en",
) -> pd.DataFrame: ...
@overload
def compare(
    frame: Any,
    indicator: str | Indicator,
    *,
    benchmark: Any,
    numerator: str | None = None,
    denominator: str | None = None,
    by: Columns = None,
    confidence: float = 0.95,
    method: str | None = None,
    lang: str = "en",
) -> Any: ...
@_documented_by(frame_compare)
def compare(
    frame: Any,
    indicator: str | Indicator,
    *,
    benchmark: Any,
    numerator: str | None = None,
    denominator: str | None = None,
    by: Columns = None,
    confidence: float = 0.95,
    method: str | None = None,
    lang: str = "en",
) -> Any:
    if is_dask_frame(frame):
        from mch_indicators._adapters._dask_compare import compare_dask_frame

        return compare_dask_frame(
            frame, indicator, benchmark=benchmark, numerator=numerator, denominator=denominator,
            by=by, confidence=confidence, method=method, lang=lang,
        )  # fmt: skip
    return frame_compare(
        frame, indicator, benchmark=benchmark, numerator=numerator, denominator=denominator,
        by=by, confidence=confidence, method=method, lang=lang,
    )  # fmt: skip


@_documented_by(frame_funnel)
def funnel(
    frame: pd.DataFrame,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    by: Columns = None,
    statistic: str | None = None,
    ratio_type: str = "isr",
    years: float = 1.0,
    dispersion: str | None = None,
    method: str = "phe",
    lang: str = "en",
) -> FunnelTable:
    _pandas_only("funnel", frame)
    return frame_funnel(
        frame, indicator, numerator=numerator, denominator=denominator, by=by,
        statistic=statistic, ratio_type=ratio_type, years=years, dispersion=dispersion,
        method=method, lang=lang,
    )  # fmt: skip


@_documented_by(frame_trend)
def trend(
    frame: pd.DataFrame,
    indicator: str | Indicator,
    *,
    by: Columns = None,
    period: str = "year",
    numerator: str | None = None,
    denominator: str | None = None,
    confidence: float = 0.95,
    dispersion: str = "quasi",
    min_points: int = 5,
    last: int | None = None,
    target: Target | None = None,
    baseline: str | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    _pandas_only("trend", frame)
    return frame_trend(
        frame, indicator, by=by, period=period, numerator=numerator, denominator=denominator,
        confidence=confidence, dispersion=dispersion, min_points=min_points, last=last,
        target=target, baseline=baseline, lang=lang,
    )  # fmt: skip


@_documented_by(frame_trend_line)
def trend_line(
    frame: pd.DataFrame,
    indicator: str | Indicator,
    *,
    by: Columns = None,
    period: str = "year",
    numerator: str | None = None,
    denominator: str | None = None,
    to: int | None = None,
    confidence: float = 0.95,
    dispersion: str = "quasi",
    min_points: int = 5,
    last: int | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    _pandas_only("trend_line", frame)
    return frame_trend_line(
        frame, indicator, by=by, period=period, numerator=numerator, denominator=denominator,
        to=to, confidence=confidence, dispersion=dispersion, min_points=min_points, last=last,
        lang=lang,
    )  # fmt: skip


@_documented_by(frame_joinpoint)
def joinpoint(
    frame: pd.DataFrame,
    indicator: str | Indicator,
    *,
    by: Columns = None,
    period: str = "year",
    numerator: str | None = None,
    denominator: str | None = None,
    max_joinpoints: int | None = None,
    model: str | None = None,
    selection: str = "wbic",
    min_segment: int = 2,
    min_end: int | None = None,
    permutations: int = 4499,
    seed: int = 0,
    confidence: float = 0.95,
    lang: str = "en",
) -> JoinpointTable:
    _pandas_only("joinpoint", frame)
    return frame_joinpoint(
        frame, indicator, by=by, period=period, numerator=numerator, denominator=denominator,
        max_joinpoints=max_joinpoints, model=model, selection=selection, min_segment=min_segment,
        min_end=min_end, permutations=permutations, seed=seed, confidence=confidence, lang=lang,
    )  # fmt: skip
