"""Comparing the areas of a pandas DataFrame with a benchmark.

Every row of the frame is kept, in order, with its index and columns; the
statistics are :func:`mch_indicators.stats.compare_to_benchmark`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from mch_indicators._adapters._columns import Columns, require, resolve
from mch_indicators._adapters._pandas._columns import (
    check_frame,
    group_codes,
    numbers,
    row_label,
)
from mch_indicators._adapters._pandas._index import index_as_columns, index_restored
from mch_indicators._adapters._pandas._labelled import analysis_columns
from mch_indicators._adapters._pandas._units import Totals
from mch_indicators._checks import attach
from mch_indicators._errors import InvalidInputError, error_of, words
from mch_indicators._labels import check_lang, translate
from mch_indicators._optional import pandas
from mch_indicators._validate import align_labelled, coerce_values, quoted
from mch_indicators.stats import compare_to_benchmark

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._model import Indicator
    from mch_indicators._targets import Target

__all__ = ["compare", "indicator_statistic", "target_value"]

FloatArray = npt.NDArray[np.float64]


def indicator_statistic(indicator: Indicator) -> str:
    """``"proportion"`` for binomial indicators, ``"rate"`` for the others."""
    return "proportion" if indicator.kind.family == "binomial" else "rate"


def target_value(
    target: Target,
    indicator: Indicator,
    relative: str = "compare with target.threshold(baseline=...) per area as a column",
) -> float:
    """A benchmark given as a Target: its value in the indicator's unit.

    A target of another indicator is refused, and so is a relative one (its value
    depends on each area's baseline: ``relative`` says what to do instead).
    """
    if target.indicator != indicator.id:
        raise InvalidInputError(
            f"benchmark: {target.id} is a target for {target.indicator}, not {indicator.id}"
        )
    if target.comparator.relative:
        raise InvalidInputError(
            f"benchmark: {target.id} is relative to {target.baseline_year}; {relative}"
        )
    return float(target.threshold(indicator.unit))


def _not_a_benchmark(got: object) -> InvalidInputError:
    """The refusal of a benchmark of no kind compare takes, saying each kind, in both languages."""
    kinds = words("benchmark_kinds")
    return error_of(InvalidInputError, "benchmark_not_kind", kinds=kinds, value=got)


def _benchmark_values(frame: pd.DataFrame, benchmark: Any, indicator: Indicator) -> Any:
    """A benchmark given as values (a number, a Target, a column, a Series), checked; else None.

    Values must lie in the indicator's range (a benchmark of -1 would make every
    area "higher"); a Series is paired with the rows by label, never by position.
    """
    from mch_indicators._compute import check_indicator_values
    from mch_indicators._targets import Target

    pd = pandas()
    if isinstance(benchmark, Target):
        benchmark = target_value(benchmark, indicator)
    if isinstance(benchmark, bool | list | tuple | set | np.ndarray | pd.DataFrame):
        raise _not_a_benchmark(type(benchmark).__name__)
    labels = None
    if isinstance(benchmark, int | float | np.number):
        values: Any = float(benchmark)
        if not np.isfinite(values):
            raise error_of(InvalidInputError, "benchmark_not_finite", value=benchmark)
    elif isinstance(benchmark, pd.Series):
        named = align_labelled(rows=pd.Series(0, index=frame.index), benchmark=benchmark)
        values, labels = coerce_values(named["benchmark"], "benchmark"), list(frame.index)
    elif isinstance(benchmark, str) and benchmark != "total":
        if benchmark not in frame.columns:
            kinds = words("benchmark_kinds")
            raise error_of(InvalidInputError, "benchmark_not_column", value=benchmark, kinds=kinds)
        values, labels = numbers(frame, benchmark, counts=False), list(frame.index)
    else:
        return None
    check_indicator_values(values, indicator, "benchmark", labels=labels)
    return values


def _benchmark_rows(
    frame: pd.DataFrame, selector: Mapping[Any, Any], codes: npt.NDArray[np.intp], groups: int,
    keys: list[str],
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.intp]]:  # fmt: skip
    """Rows of the benchmark area and, per group, the position of its row."""
    if len(selector) != 1:
        raise InvalidInputError(f"benchmark: give one {{column: label}}, got {dict(selector)!r}")
    ((column, label),) = selector.items()
    require(frame, [column], "benchmark column")
    chosen = (frame[column] == label).to_numpy(dtype=bool)
    per_group = np.bincount(codes[chosen], minlength=groups)
    if (per_group != 1).any():
        group = int(np.argmax(per_group != 1))
        where = row_label(frame, int(np.flatnonzero(codes == group)[0]), keys) if keys else ""
        count = int(per_group[group])
        raise InvalidInputError(
            f"benchmark: {count} rows with {column}={label!r}"
            + (f" for {where}" if where else "")
            + "; give exactly one benchmark row per group (by=)"
        )
    position = np.full(groups, -1, dtype=np.intp)
    position[codes[chosen]] = np.flatnonzero(chosen)
    return chosen, position


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
) -> pd.DataFrame:
    """Compare each row's area with a benchmark: higher, similar or lower; better or worse.

    Parameters
    ----------
    frame : pandas.DataFrame or dask DataFrame
        A tidy table, one row per area (and period): the indicator's counts. A
        dask frame stays lazy with a row-by-row benchmark (a value, a Target, a
        column); for ``"total"`` or a benchmark row, pool and compute it first.
    indicator : str or Indicator
        Decides the statistic (proportion or rate), the multiplier, the interval
        method and which way is better (its ``direction``).
    benchmark : number, Target, str, Series or mapping
        * a number (in the indicator's unit), or a :class:`Target` (its value):
          Fingertips' comparison, the benchmark outside the area's interval;
        * the name of a column holding each row's benchmark value, or a Series
          of them paired with the rows by label (never by position);
        * ``"total"``: the sum of the areas of each group (``by``), each area
          compared with the others (area versus rest);
        * ``{column: label}``: the benchmark area's own row in each group (the
          prefecture row among its counties), area versus rest; its row is
          marked ``"benchmark"``.
    numerator, denominator : str, optional
        The count columns (default: the columns headed by the indicator's terms,
        by id, name or alias: ``infant_deaths``, ``婴儿死亡数``).
    by : str or list of str, optional
        Groups compared separately (``"year"``, ``"年份"``): headers or field ids.
    confidence : float, default 0.95
        0.998 for Fingertips' 99.8 % level.
    method : str, optional
        Interval method of each area (default: the indicator's).
    lang : {"en", "zh"}, default "en"
        Language of the ``comparison`` and ``assessment`` labels (``"zh"``: 较高,
        无显著差异, 较低; 较好, 较差).

    Returns
    -------
    pandas.DataFrame
        The frame, every row in order, with ``value, lower, upper, benchmark,
        comparison, assessment, method`` and, area versus rest, ``contrast,
        contrast_lower, contrast_upper, p_value`` (rate ratio, or difference of
        proportions in the indicator's unit). Rows with missing counts are
        ``"not compared"``.

    Raises
    ------
    InvalidInputError
        A benchmark of the wrong kind (a list, a target of another indicator,
        an unknown column, a benchmark row missing or repeated in a group, a
        benchmark smaller than an area), a benchmark value outside the
        indicator's range (below 0; above 100 % for a proportion), negative
        counts (naming the row).

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> counties = pd.DataFrame({"county": ["A", "B", "C"], "infant_deaths": [30, 95, 60],
    ...                          "live_births": [12000, 15000, 14000]})
    >>> out = mch.compare(counties, "IMR", benchmark=4.0)
    >>> out[["county", "comparison", "assessment"]].values.tolist()
    [['A', 'lower', 'better'], ['B', 'higher', 'worse'], ['C', 'similar', 'similar']]
    >>> mch.compare(counties, "IMR", benchmark="total")["comparison"].tolist()
    ['lower', 'higher', 'similar']
    """
    frame, moved = index_as_columns(check_frame(frame, "compare"))
    check_lang(lang)
    chosen = resolve(indicator)
    totals: Totals = "keep" if isinstance(benchmark, Mapping) else "check"  # the row named
    columns = analysis_columns(frame, chosen, numerator, denominator, by, totals=totals)
    frame, keys, (x, n) = columns.frame, columns.keys, columns.counts()
    options: dict[str, Any] = {
        "statistic": indicator_statistic(chosen), "multiplier": float(chosen.scale),
        "method": method or chosen.default_method, "confidence": confidence,
        "direction": chosen.direction.value,
    }  # fmt: skip
    out = frame.copy()
    values = _benchmark_values(frame, benchmark, chosen)
    if values is not None:
        compared = _attach(out, compare_to_benchmark(x, n, values, **options), None, lang)
        return attach(index_restored(compared, moved), columns.checks)
    total = isinstance(benchmark, str) and benchmark == "total"
    if not (total or isinstance(benchmark, Mapping)):
        raise _not_a_benchmark(quoted(benchmark))
    codes, labels = group_codes(frame, keys)
    groups = len(labels)
    if total:
        is_benchmark = np.zeros(len(frame), dtype=bool)
        big_x = np.asarray(
            np.bincount(codes, weights=np.nan_to_num(x), minlength=groups)[codes], dtype=np.float64
        )
        big_n = np.asarray(
            np.bincount(codes, weights=np.nan_to_num(n), minlength=groups)[codes], dtype=np.float64
        )
    else:
        is_benchmark, position = _benchmark_rows(frame, benchmark, codes, groups, keys)
        big_x, big_n = x[position][codes], n[position][codes]
        with np.errstate(invalid="ignore"):
            outside = ~is_benchmark & ((big_x < x) | (big_n < n))
        if outside.any():
            first = int(np.argmax(outside))
            raise InvalidInputError(
                f"benchmark: the benchmark area is smaller than {row_label(frame, first, keys)}; "
                "area versus rest needs a benchmark that contains each area (for another "
                "benchmark, give its value)"
            )
    x_use = np.where(is_benchmark, np.nan, x)
    result = compare_to_benchmark(x_use, n, benchmark_counts=(big_x, big_n), **options)
    out = _attach(out, result, is_benchmark, lang)
    if is_benchmark.any():  # the benchmark rows keep their own value and interval
        own = compare_to_benchmark(x, n, 0.0, **options)
        for name in ("value", "lower", "upper"):
            out[name] = np.where(is_benchmark, getattr(own, name), out[name].to_numpy())
    return attach(index_restored(out, moved), columns.checks)


def _attach(
    out: pd.DataFrame, result: Any, is_benchmark: npt.NDArray[np.bool_] | None, lang: str
) -> pd.DataFrame:
    out["value"] = result.value
    out["lower"] = result.lower
    out["upper"] = result.upper
    out["benchmark"] = result.benchmark
    comparison, assessment = result.comparison.astype(object), result.assessment.astype(object)
    if is_benchmark is not None:
        comparison[is_benchmark] = assessment[is_benchmark] = "benchmark"
    out["comparison"] = translate(comparison, lang)
    out["assessment"] = translate(assessment, lang)
    out["method"] = result.method
    if result.method == "area versus rest":
        for name in ("contrast", "contrast_lower", "contrast_upper", "p_value"):
            out[name] = getattr(result, name)
    return out
