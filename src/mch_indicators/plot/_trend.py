"""Trends against targets: one area (:func:`trend`) or a panel per area (:func:`small_multiples`).

Nothing is computed here: what is drawn is said in :func:`trend`'s docstring.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.ticker import MaxNLocator

from mch_indicators._errors import InvalidInputError
from mch_indicators._labels import translate
from mch_indicators._result import level_label
from mch_indicators.plot._axes import finish, new_axes, time_axes
from mch_indicators.plot._common import (
    area_labels,
    axis_title,
    check_lang,
    indicator_rows,
    legend_text,
    require_columns,
    require_drawable,
    resolve_indicator,
    status_codes,
    target_label,
)
from mch_indicators.plot._docs import chart_doc
from mch_indicators.plot._fonts import apply_fonts
from mch_indicators.plot._style import colour

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from mch_indicators._model import Indicator
    from mch_indicators._targets import Target

__all__ = ["small_multiples", "trend"]


def _targets(
    indicator: Indicator | None, targets: Target | Sequence[Target] | None, plan: str | None
) -> list[Target]:
    """The absolute targets to draw: those given, or the plan's for this indicator."""
    from mch_indicators._targets import Target, targets_for

    if targets is None and plan is None:
        return []
    if indicator is None:
        raise InvalidInputError("target lines need the indicator: pass indicator=")
    if targets is None:
        chosen = list(targets_for(indicator, plan=plan))
    else:
        chosen = [targets] if isinstance(targets, Target) else list(targets)
    wrong = [t.id for t in chosen if t.indicator != indicator.id]
    if wrong:
        raise InvalidInputError(f"targets of another indicator than {indicator.id}: {wrong}")
    return [t for t in chosen if not t.comparator.relative]


def _of_indicator(
    frame: pd.DataFrame | None, indicator: str | Indicator | None, what: str = "plot.trend"
) -> pd.DataFrame | None:
    """The rows of ``frame`` of the one indicator drawn (:func:`indicator_rows`)."""
    if frame is None:
        return None
    rows = indicator_rows(frame, indicator, what)
    return frame if rows is None else frame[rows]


def _one_series(frame: pd.DataFrame | None, period: str, what: str) -> None:
    """One row per period, in a frame that has the ``period`` column."""
    if frame is None:
        return
    require_columns(frame, [period], f"{what} (period=)")
    if frame[period].duplicated().any():
        raise InvalidInputError(
            f"{what} holds several rows per {period}: select one area first, or draw one "
            "panel per area with plot.small_multiples(..., by=...)"
        )


def _draw(
    ax: Axes, series: pd.DataFrame | None, line: pd.DataFrame | None, indicator: Indicator | None,
    targets: list[Target], period: str, lang: str, level: str,
) -> None:  # fmt: skip
    """One panel: band and points of the series, the fitted line and its projection, targets."""
    if series is not None:
        require_columns(series, [period, "value", "lower", "upper"], "the series")
        require_drawable(series, ["value", "lower", "upper"], limits=[("lower", "upper")])
        ordered = series.sort_values(period)
        years = ordered[period].to_numpy(dtype=float)
        ax.fill_between(years, ordered["lower"].to_numpy(dtype=float),
                        ordered["upper"].to_numpy(dtype=float), color=colour("observed"),
                        alpha=0.15, linewidth=0)  # fmt: skip
        ax.plot(years, ordered["value"].to_numpy(dtype=float), "o-", color=colour("observed"),
                markersize=4, linewidth=1.2,
                label=legend_text("observed", lang, level=level))  # fmt: skip
    if line is not None:
        require_columns(line, [period, "fitted", "fitted_lower", "fitted_upper", "projected"],
                        "the trend line")  # fmt: skip
        _draw_line(ax, line.sort_values(period), period, lang, level)
    for target in targets:
        threshold = float(target.threshold(None if indicator is None else indicator.unit))
        ax.axhline(threshold, color=colour("target"), linestyle=(0, (6, 3)), linewidth=1.1,
                   label=target_label(target, lang) if indicator else None)  # fmt: skip
        if target.year is not None:
            ax.plot([target.year], [threshold], "D", color=colour("target"), markersize=5)


def _draw_line(ax: Axes, line: pd.DataFrame, period: str, lang: str, level: str) -> None:
    years = line[period].to_numpy(dtype=float)
    fitted = line["fitted"].to_numpy(dtype=float)
    low, high = line["fitted_lower"].to_numpy(dtype=float), line["fitted_upper"].to_numpy(float)
    projected = line["projected"].to_numpy(dtype=bool)
    inside = ~projected
    ax.plot(years[inside], fitted[inside], "-", color=colour("fitted"), linewidth=1.6,
            label=legend_text("fitted", lang, level=level))  # fmt: skip
    ax.fill_between(years[inside], low[inside], high[inside], color=colour("fitted"),
                    alpha=0.18, linewidth=0)  # fmt: skip
    ahead = projected & (years > years[inside].max()) if inside.any() else projected
    if ahead.any():
        joined = np.flatnonzero(ahead)
        joined = np.concatenate([[joined[0] - 1], joined]) if joined[0] > 0 else joined
        ax.plot(years[joined], fitted[joined], "--", color=colour("fitted"), linewidth=1.4,
                label=legend_text("projection", lang))  # fmt: skip
        ax.fill_between(years[joined], low[joined], high[joined], color=colour("fitted"),
                        alpha=0.08, linewidth=0, hatch="///")  # fmt: skip
        end = joined[-1]
        if math.isfinite(fitted[end]):
            ax.errorbar([years[end]], [fitted[end]],
                        yerr=[[fitted[end] - low[end]], [high[end] - fitted[end]]],
                        fmt="s", color=colour("fitted"), capsize=3, markersize=5)  # fmt: skip


def _draw_prediction(ax: Axes, line: pd.DataFrame, period: str, lang: str, level: str) -> None:
    """The prediction interval of the observed rate over the projected years, dotted."""
    require_columns(line, ["prediction_lower", "prediction_upper"],
                    "plot.trend(prediction=True)")  # fmt: skip
    later = line["projected"].to_numpy(dtype=bool) & (
        line[period].to_numpy(dtype=float) > line.loc[~line["projected"], period].max()
    )
    if not later.any():
        return
    years = line[period].to_numpy(dtype=float)[later]
    for name, label in (("prediction_lower", legend_text("prediction", lang, level=level)),
                        ("prediction_upper", None)):  # fmt: skip
        ax.plot(years, line[name].to_numpy(dtype=float)[later], ":", color=colour("fitted"),
                linewidth=1.5, label=label)  # fmt: skip


@chart_doc
def trend(
    series: pd.DataFrame | None = None,
    line: pd.DataFrame | None = None,
    *,
    indicator: str | Indicator | None = None,
    period: str = "year",
    targets: Target | Sequence[Target] | None = None,
    plan: str | None = None,
    confidence: float = 0.95,
    prediction: bool = False,
    lang: str = "en",
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw one area's series against its target: observed values, fitted trend, projection.

    The observed series and its interval come from :func:`mch_indicators.compute`,
    the fitted line, its interval and its projection from
    :func:`mch_indicators.trend_line`, the target lines from the catalog's targets
    (:meth:`Target.threshold`). Nothing is computed here.

    Parameters
    ----------
    series : pandas.DataFrame, optional
        :func:`mch_indicators.compute` (or :func:`mch_indicators.pool`) of one
        area, one row per ``period``: the values and their interval (a band).
    line : pandas.DataFrame, optional
        :func:`mch_indicators.trend_line` of the same area: the fitted trend and
        its interval, and (dashed) its projection, e.g. to a target's year.
    indicator : str or Indicator, optional
        The indicator drawn (its rows, where the frames' ``indicator`` column
        holds several: none given is then an error). Default: the frame's only
        indicator.
    period : str, default "year"
    targets : Target or sequence of Target, optional
        Target lines, at :meth:`Target.threshold` in the indicator's unit.
    plan : str, optional
        Instead of ``targets``: every target of this plan for the indicator
        (``"healthy_china_2030"``). Targets relative to a baseline are not drawn.
    confidence : float, default 0.95
        The level the frames' intervals were computed at (for the legend).
    prediction : bool, default False
        Also draw, dotted, the line's ``prediction_lower`` / ``prediction_upper``
        over the projected years: the range a future year's *observed* rate
        will fall in (:meth:`mch_indicators.stats.Trend.prediction`), wider than
        the line's own interval.
    {chart_returns}

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> city = pd.DataFrame({"year": range(2020, 2025), "infant_deaths": [95, 88, 80, 74, 66],
    ...                      "live_births": [12000] * 5})
    >>> ax = mch.plot.trend(mch.compute(city, "IMR"), mch.trend_line(city, "IMR", to=2030),
    ...                     plan="healthy_china_2030", lang="zh")
    >>> ax.get_ylabel()
    '婴儿死亡率（‰）'
    """
    check_lang(lang)
    if series is None and line is None:
        raise InvalidInputError(
            "plot.trend needs a series (mch.compute) or a line (mch.trend_line)"
        )
    series, line = (_of_indicator(f, indicator) for f in (series, line))
    chosen = resolve_indicator(indicator, frame=series if series is not None else line)
    _one_series(series, period, "the series")
    _one_series(line, period, "the trend line")
    ax = new_axes(ax, (7.0, 4.2))
    level = level_label(confidence)
    _draw(ax, series, line, chosen, _targets(chosen, targets, plan), period, lang, level)
    if prediction and line is not None:
        _draw_prediction(ax, line.sort_values(period), period, lang, level)
    time_axes(ax, chosen, period, lang)
    return finish(ax, title, 2)


def small_multiples(
    series: pd.DataFrame,
    line: pd.DataFrame | None = None,
    *,
    by: str,
    trends: pd.DataFrame | None = None,
    indicator: str | Indicator | None = None,
    period: str = "year",
    targets: Target | Sequence[Target] | None = None,
    plan: str | None = None,
    confidence: float = 0.95,
    columns: int = 4,
    lang: str = "en",
    title: str | None = None,
) -> Figure:
    """One trend panel per area, on shared axes.

    Parameters
    ----------
    series : pandas.DataFrame
        :func:`mch_indicators.compute` of every area and period.
    line : pandas.DataFrame, optional
        :func:`mch_indicators.trend_line` with the same ``by``.
    by : str
        The column naming the areas; one panel each, in the order of ``series``.
    trends : pandas.DataFrame, optional
        :func:`mch_indicators.trend` with the same ``by``: each panel's title
        says its change (decreasing, no significant change...), coloured by
        whether it is better or worse.
    indicator, period, targets, plan, confidence, lang, title
        As for :func:`trend`.
    columns : int, default 4
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from importlib import resources
    >>> import mch_indicators as mch
    >>> office = mch.read_table(resources.files("mch_indicators.datasets") / "example_office.csv")
    >>> imr = mch.compute(office, "IMR")
    >>> fig = mch.plot.small_multiples(imr, by="县区", period="年份", columns=4)
    >>> [ax.get_title() for ax in fig.axes][:3]
    ['河阳县', '清水县', '南湖区']
    """
    import matplotlib.pyplot as plt

    check_lang(lang)
    if isinstance(columns, bool) or not isinstance(columns, int) or columns < 1:
        raise InvalidInputError(f"columns must be a whole number ≥ 1, got {columns!r}")
    require_columns(series, [by], "by=")
    kept = indicator_rows(series, indicator, "plot.small_multiples")
    series = series if kept is None else series[kept]
    chosen = resolve_indicator(indicator, frame=series)
    areas = list(dict.fromkeys(area_labels(series, by)))
    if not areas:
        raise InvalidInputError("the series has no rows")
    rows = math.ceil(len(areas) / columns)
    width = min(columns, len(areas))
    fig, grid = plt.subplots(rows, width, sharex=True, sharey=True, squeeze=False,
                             figsize=(2.4 * width + 0.8, 1.9 * rows + 1.0),
                             layout="constrained")  # fmt: skip
    chosen_targets = _targets(chosen, targets, plan)
    labels = _panel_labels(trends, by, lang)
    for ax, area in zip(grid.ravel(), areas, strict=False):
        one = series[series[by] == area]
        _one_series(one, period, f"the series of {area}")
        mine = None if line is None else line[line[by] == area]
        _draw(ax, one, mine, chosen, chosen_targets, period, lang, level_label(confidence))
        change, tone = labels.get(area, ("", None))
        ax.set_title(f"{area}" + (f"\n{change}" if change else ""), fontsize=9,
                     color="black" if tone is None else tone)  # fmt: skip
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in grid.ravel()[len(areas) :]:
        ax.set_visible(False)
    grid[0, 0].set_ylim(0, _shared_top(series, line, chosen, chosen_targets))
    fig.supylabel(axis_title(chosen, lang), fontsize=9)
    if title is not None:
        fig.suptitle(title)
    handles, names = grid[0, 0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside upper center", ncols=3, fontsize=8, frameon=False)
    apply_fonts(fig)
    return fig


def _shared_top(
    series: pd.DataFrame, line: pd.DataFrame | None, indicator: Indicator | None,
    targets: list[Target],
) -> float:  # fmt: skip
    """Top of the shared axis: the data, the fitted lines and targets, not the widest fan."""
    tops = [series["upper"].to_numpy(dtype=float)]
    if line is not None:
        inside = ~line["projected"].to_numpy(dtype=bool)
        tops += [
            line["fitted_upper"].to_numpy(dtype=float)[inside],
            line["fitted"].to_numpy(float),
        ]
    unit = None if indicator is None else indicator.unit
    tops += [np.atleast_1d(t.threshold(unit)).astype(float) for t in targets]
    values = np.concatenate(tops)
    values = values[np.isfinite(values)]
    return float(values.max()) * 1.15 if values.size else 1.0


def _panel_labels(
    trends: pd.DataFrame | None, by: str, lang: str
) -> dict[Any, tuple[str, str | None]]:
    """Each area's change label and the colour of its assessment."""
    if trends is None:
        return {}
    require_columns(trends, [by, "change", "assessment"], "trends=")
    change = status_codes(trends["change"])
    assessment = status_codes(trends["assessment"])
    shown = translate(change, lang)
    tones = {"better": colour("better (0.001)"), "worse": colour("worse")}
    return {
        area: (str(text_), tones.get(str(grade)))
        for area, text_, grade in zip(trends[by], shown, assessment, strict=True)
    }
