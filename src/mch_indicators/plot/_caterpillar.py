"""The caterpillar (forest) chart: areas ranked with their intervals and the benchmark.

Nothing is computed here: what is drawn is said in :func:`caterpillar`'s docstring.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators.plot._axes import area_rows, finish, new_axes
from mch_indicators.plot._common import (
    axis_title,
    category_label,
    check_lang,
    frame_and_areas,
    legend_text,
    require_columns,
    require_drawable,
    resolve_indicator,
    status_codes,
    value_label,
)
from mch_indicators.plot._docs import chart_doc
from mch_indicators.plot._style import colour

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from mch_indicators._model import Indicator
    from mch_indicators._result import Result

__all__ = ["caterpillar"]

_ORDER = ("worse", "higher", "similar", "lower", "better", "not compared", "benchmark", "value")


def _categories(frame: pd.DataFrame) -> list[str]:
    """Better / similar / worse, or higher / similar / lower for a neutral indicator."""
    if "assessment" not in frame.columns:
        return ["value"] * len(frame)
    assessment = status_codes(frame["assessment"])
    comparison = status_codes(frame["comparison"]) if "comparison" in frame.columns else assessment
    return [
        str(c) if a == "not assessed" else str(a)
        for a, c in zip(assessment, comparison, strict=True)
    ]


def _ranked(value: Any, sort: bool) -> tuple[Any, Any]:
    """The rows from the bottom of the chart up (highest at the top), and each row's height."""
    count = len(value)
    order = np.argsort(np.where(np.isnan(value), -np.inf, value), kind="stable")
    order = order if sort else np.arange(count)[::-1]
    position = np.empty(count)
    position[order] = np.arange(count)
    return order, position


@chart_doc
def caterpillar(
    compared: pd.DataFrame | Result,
    *,
    label: str | Sequence[Any] | None = None,
    indicator: str | Indicator | None = None,
    sort: bool = True,
    lang: str = "en",
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw areas ranked by value, with their intervals, coloured by the comparison.

    Fingertips' "spine" view: each area's value and confidence interval, coloured
    better / similar / worse (or higher / lower where no direction is better) by what
    :func:`mch_indicators.compare` said, and the benchmark as a line. Given
    :func:`mch_indicators.smooth`, each area's smoothed rate and its interval beside
    its crude rate and interval, ranked by the smoothed rate. Nothing is computed:
    values, intervals and categories are drawn as the frame holds them.

    Parameters
    ----------
    compared : pandas.DataFrame or Result
        :func:`mch_indicators.compare` (coloured by ``assessment``, the
        benchmark drawn as a line), or any frame with ``value, lower, upper``
        (:func:`mch_indicators.compute`, :func:`mch_indicators.dsr`...) or a
        :class:`Result`, drawn in one colour; or :func:`mch_indicators.smooth`
        (its ``smoothed`` rate and interval beside the ``crude`` ones, ranked
        by the smoothed rate, the overall rate as a line).
    label : str or sequence, optional
        The column naming each area, or the names themselves (a pandas Series of
        names is paired with the frame's rows by its index; with a Result, by its
        :attr:`~Result.labels`, or in order when it has none). Without it, the
        frame's index, or the Result's labels (the index of the Series it was
        computed on); over an index of row numbers (what :func:`mch_indicators.compute`
        returns), the area columns (``county``, ``县区``...), with the period
        after an area that stands in several rows.
    indicator : str or Indicator, optional
        The indicator drawn: where the frame's ``indicator`` column holds several
        (a :func:`mch_indicators.compute` of an office's table), its rows are
        drawn, and none given is an error naming those held; also the axis title
        (default: the frame's only indicator).
    sort : bool, default True
        Rank the areas by value, highest at the top.
    {chart_returns}

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> counties = pd.DataFrame({"county": ["A", "B", "C"], "infant_deaths": [30, 95, 60],
    ...                          "live_births": [12000, 15000, 14000]})
    >>> compared = mch.compare(counties, "IMR", benchmark=4.0)
    >>> ax = mch.plot.caterpillar(compared, label="county", indicator="IMR")
    >>> [t.get_text() for t in ax.get_yticklabels()]  # bottom to top: highest at the top
    ['A', 'C', 'B']
    """
    check_lang(lang)
    frame, areas = frame_and_areas(compared, label, indicator, "plot.caterpillar")
    names = [str(area) for area in areas]
    if "smoothed" in frame.columns:
        return _smoothed(frame, names, indicator, sort, lang, title, ax)
    require_columns(frame, ["value", "lower", "upper"], "plot.caterpillar")
    require_drawable(frame, ["value", "lower", "upper"], limits=[("lower", "upper")])
    chosen = resolve_indicator(indicator, frame=frame)
    value = frame["value"].to_numpy(dtype=float)
    lower = frame["lower"].to_numpy(dtype=float)
    upper = frame["upper"].to_numpy(dtype=float)
    categories = _categories(frame)
    order, position = _ranked(value, sort)
    ax = new_axes(ax, (6.4, 0.9 + 0.32 * len(frame)))
    for category in [c for c in _ORDER if c in categories] + sorted(set(categories) - set(_ORDER)):
        rows = np.array([c == category for c in categories])
        marker = "D" if category == "benchmark" else "s"
        ax.hlines(position[rows], lower[rows], upper[rows], color="#404040", linewidth=1.2)
        ax.scatter(value[rows], position[rows], marker=marker, s=42, zorder=3,
                   color=colour(category), edgecolor="black", linewidth=0.7,
                   label=category_label(category, lang))  # fmt: skip
    _benchmark(ax, frame, position, chosen, lang)
    return _finish(ax, [names[i] for i in order], chosen, lang, title, 4)


def _finish(
    ax: Axes, ranked: list[str], indicator: Indicator | None, lang: str, title: str | None,
    columns: int,
) -> Axes:  # fmt: skip
    """Area names on the y axis (bottom to top), the value axis, grid, title and legend."""
    area_rows(ax, np.arange(len(ranked)), ranked, (-0.7, len(ranked) - 0.3),
              axis_title(indicator, lang))  # fmt: skip
    return finish(ax, title, columns)


def _benchmark(
    ax: Axes, frame: pd.DataFrame, position: Any, indicator: Indicator | None, lang: str
) -> None:
    """The benchmark as a line (one value) or as a tick on each row (a value per row)."""
    if "benchmark" not in frame.columns:
        return
    values = frame["benchmark"].to_numpy(dtype=float)
    name = legend_text("benchmark", lang)
    single = _one_value(values)
    finite = np.isfinite(values)
    if single is not None:
        _value_line(ax, single, name, indicator, lang, color=colour("benchmark"), linewidth=1.1)
    elif finite.any():
        ax.scatter(values[finite], position[finite], marker="|", s=160,
                   color=colour("benchmark"), label=name, zorder=4)  # fmt: skip


def _one_value(values: Any) -> float | None:
    """The value all the finite ``values`` hold (to 1e-12), or None: none, or several."""
    known = values[np.isfinite(values)]
    if known.size and np.allclose(known, known[0], rtol=1e-12, atol=0.0):
        return float(known[0])
    return None


def _value_line(
    ax: Axes, value: float, name: str, indicator: Indicator | None, lang: str, **style: Any
) -> None:
    """A vertical line at ``value``, in the legend as ``name: value`` (``Benchmark: 4.00‰``)."""
    ax.axvline(value, label=f"{name}: {value_label(value, indicator, lang)}", **style)


def _level(frame: pd.DataFrame) -> int:
    """The interval's level in percent, as :func:`mch_indicators.smooth` was asked (95)."""
    return round(float(frame.attrs.get("confidence", 0.95)) * 100)


def _smoothed(
    frame: pd.DataFrame, names: list[str], indicator: str | Indicator | None, sort: bool,
    lang: str, title: str | None, ax: Axes | None,
) -> Axes:  # fmt: skip
    """Smoothed rates (filled) beside crude rates (hollow), each with its interval."""
    columns = ["crude", "crude_lower", "crude_upper", "smoothed", "smoothed_lower",
               "smoothed_upper"]  # fmt: skip
    require_columns(frame, columns, "plot.caterpillar of mch.smooth")
    require_drawable(frame, columns, limits=[(f"{key}_lower", f"{key}_upper")
                                             for key in ("crude", "smoothed")])  # fmt: skip
    chosen = resolve_indicator(indicator, frame=frame)
    values = {name: frame[name].to_numpy(dtype=float) for name in columns}
    order, position = _ranked(values["smoothed"], sort)
    ax = new_axes(ax, (6.4, 0.9 + 0.42 * len(frame)))
    level = _level(frame)
    for key, offset, face in (("crude", -0.17, "white"), ("smoothed", 0.17, colour("smoothed"))):
        ax.hlines(position + offset, values[f"{key}_lower"], values[f"{key}_upper"],
                  color=colour(key), linewidth=1.2)  # fmt: skip
        ax.scatter(values[key], position + offset, marker="o", s=36, zorder=3, color=face,
                   edgecolor=colour(key), linewidth=1.1,
                   label=legend_text(key, lang, level=level))  # fmt: skip
    overall = _one_value(frame["mean"].to_numpy(dtype=float)) if "mean" in frame else None
    if overall is not None:
        _value_line(ax, overall, legend_text("overall", lang), chosen, lang,
                    color=colour("centre"), linewidth=1.0, linestyle="--")  # fmt: skip
    return _finish(ax, [names[i] for i in order], chosen, lang, title, 2)
