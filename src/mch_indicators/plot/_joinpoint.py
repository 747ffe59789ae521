"""A joinpoint model of one area: observed values, fitted segments, joinpoints and APCs.

Nothing is computed here: what is drawn is said in :func:`joinpoint`'s docstring.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._errors import InvalidInputError
from mch_indicators._result import level_label
from mch_indicators.plot._axes import finish, new_axes, time_axes
from mch_indicators.plot._common import (
    check_lang,
    legend_text,
    require_columns,
    require_drawable,
    resolve_indicator,
    select_rows,
)
from mch_indicators.plot._docs import chart_doc
from mch_indicators.plot._style import colour

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from mch_indicators._adapters._pandas._joinpoint import JoinpointTable

__all__ = ["joinpoint"]


def _one_area(frame: pd.DataFrame, by: list[str], area: Any, what: str) -> pd.DataFrame:
    """The rows of ``area`` (a value, or a tuple for several ``by`` columns)."""
    if not by:
        return frame
    if area is None:
        areas = frame[by].drop_duplicates()
        if len(areas) != 1:
            raise InvalidInputError(
                f"the joinpoint table holds {len(areas)} areas: choose one with area="
            )
        return frame
    values = area if isinstance(area, tuple) else (area,)
    if len(values) != len(by):
        raise InvalidInputError(f"area= needs one value per by column {by}, got {area!r}")
    where = dict(zip(by, values, strict=True))
    return select_rows(frame, where, f"no area {area!r} in {what}")


def _apc_text(apc: float, significant: bool, lang: str) -> str:
    return legend_text("apc", lang, value=f"{apc:+.1f}", mark="*" if significant else "")


@chart_doc
def joinpoint(
    table: JoinpointTable,
    series: pd.DataFrame | None = None,
    *,
    area: Any = None,
    indicator: str | Any = None,
    lang: str = "en",
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw one area's joinpoint model: observed values, fitted segments, joinpoints, APCs.

    Everything drawn comes from :func:`mch_indicators.joinpoint` (the fitted values,
    the joinpoints with their intervals, the segments with their APCs) and, when
    given, the observed values' intervals from :func:`mch_indicators.compute`.
    Nothing is computed here.

    Parameters
    ----------
    table : JoinpointTable
        :func:`mch_indicators.joinpoint` of one or more areas.
    series : pandas.DataFrame, optional
        :func:`mch_indicators.compute` of the same rows: the observed values are
        drawn with their interval (error bars). Without it, the observed values
        of ``table.fitted`` are drawn as points.
    area : value or tuple, optional
        Which area to draw when the table holds several (its ``by`` values).
    indicator : str or Indicator, optional
        Default: the table's.
    {chart_options}

    Returns
    -------
    matplotlib.axes.Axes
        Each segment is a line labelled with its APC (``*``: its interval, of
        the table's kind and confidence level, excludes 0); each joinpoint a
        marker with its interval as a horizontal bar.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> data = pd.DataFrame({"year": range(2013, 2024), "live_births": [10000] * 11,
    ...                      "infant_deaths": [100, 90, 81, 73, 66, 66, 67, 67, 68, 69, 70]})
    >>> ax = mch.plot.joinpoint(mch.joinpoint(data, "IMR"), mch.compute(data, "IMR"), lang="zh")
    >>> ax.get_ylabel(), [t.get_text() for t in ax.texts]
    ('婴儿死亡率（‰）', ['年度变化 -10.0%*', '年度变化 +1.0%*'])
    """
    check_lang(lang)
    chosen = resolve_indicator(indicator, fallback=table.indicator)
    period = table.period
    fitted = _one_area(table.fitted, table.by, area, "the joinpoint table").sort_values(period)
    segments = _one_area(table.segments, table.by, area, "the joinpoint table")
    points = _one_area(table.joinpoints, table.by, area, "the joinpoint table")
    ax = new_axes(ax, (7.0, 4.2))
    level = level_label(table.result.confidence)
    _observed(ax, fitted, series, table, area, period, lang, level)
    _segments(ax, fitted, segments, period, lang)
    _joinpoints(ax, fitted, points, period, lang, level)
    time_axes(ax, chosen, period, lang)
    return finish(ax, title, 3)


def _observed(
    ax: Axes, fitted: pd.DataFrame, series: pd.DataFrame | None, table: JoinpointTable,
    area: Any, period: str, lang: str, level: str,
) -> None:  # fmt: skip
    if series is None:
        years = fitted[period].to_numpy(dtype=float)
        ax.plot(years, fitted["observed"].to_numpy(dtype=float), "o", color=colour("observed"),
                markersize=4, label=legend_text("observed_values", lang))  # fmt: skip
        return
    require_columns(series, [period, "value", "lower", "upper"], "the series")
    require_drawable(series, ["value", "lower", "upper"], limits=[("lower", "upper")])
    one = _one_area(series, [c for c in table.by if c in series.columns], area, "the series")
    one = one.sort_values(period)
    years = one[period].to_numpy(dtype=float)
    value = one["value"].to_numpy(dtype=float)
    low, high = one["lower"].to_numpy(dtype=float), one["upper"].to_numpy(dtype=float)
    ax.errorbar(years, value, yerr=[value - low, high - value], fmt="o",
                color=colour("observed"), markersize=4, capsize=2, linewidth=0.9,
                label=legend_text("observed", lang, level=level))  # fmt: skip


def _segments(
    ax: Axes, fitted: pd.DataFrame, segments: pd.DataFrame, period: str, lang: str
) -> None:
    years = fitted[period].to_numpy(dtype=float)
    values = fitted["fitted"].to_numpy(dtype=float)
    names = ("start", "end", "apc", "apc_lower", "apc_upper")
    columns = [segments[c].to_numpy(dtype=float) for c in names]
    for number, (start, end, apc, low, high) in enumerate(zip(*columns, strict=True)):
        inside = (years >= start) & (years <= end)
        ax.plot(years[inside], values[inside], "-", color=colour("fitted"), linewidth=1.8,
                label=legend_text("joinpoint_fit", lang) if number == 0 else None)  # fmt: skip
        if not inside.any() or math.isnan(apc):
            continue
        middle = (start + end) / 2.0
        height = float(np.interp(middle, years[inside], values[inside]))
        ax.annotate(_apc_text(apc, low > 0 or high < 0, lang), (middle, height),
                    textcoords="offset points", xytext=(0, 10), ha="center", fontsize=8,
                    color=colour("fitted"),
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                          "alpha": 0.85})  # fmt: skip


def _joinpoints(
    ax: Axes, fitted: pd.DataFrame, points: pd.DataFrame, period: str, lang: str, level: str
) -> None:
    years = fitted[period].to_numpy(dtype=float)
    values = fitted["fitted"].to_numpy(dtype=float)
    columns = [points[c].to_numpy(dtype=float) for c in (period, "lower", "upper")]
    for number, (year, low, high) in enumerate(zip(*columns, strict=True)):
        height = float(np.interp(year, years, values))
        xerr = None
        if math.isfinite(low) and math.isfinite(high):
            xerr = [[year - low], [high - year]]
        name = legend_text("joinpoint", lang, level=level) if number == 0 else None
        ax.errorbar([year], [height], xerr=xerr, fmt="D", color=colour("target"),
                    markersize=6, capsize=3, linewidth=1.0, label=name)  # fmt: skip
        ax.axvline(year, color=colour("target"), linestyle=":", linewidth=0.8)
