"""The funnel plot: each area against the 95 % and 99.8 % limits around the average.

Nothing is computed here: what is drawn is said in :func:`funnel`'s docstring.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._errors import InvalidInputError
from mch_indicators._labels import upper_first
from mch_indicators.plot._axes import finish, new_axes
from mch_indicators.plot._common import (
    axis_title,
    category_label,
    check_lang,
    heading,
    legend_text,
    require_columns,
    require_drawable,
    resolve_indicator,
    select_rows,
    status_codes,
    value_label,
)
from mch_indicators.plot._docs import chart_doc
from mch_indicators.plot._style import colour

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from mch_indicators._adapters._pandas._funnel import FunnelTable
    from mch_indicators._model import Indicator

__all__ = ["funnel", "funnel_category"]

_LEVELS = (("2s", "95", "--"), ("3s", "998", "-"))
_ORDER = (
    "worse (0.001)", "worse (0.025)", "high (0.001)", "high (0.025)", "not significant",
    "low (0.025)", "low (0.001)", "better (0.025)", "better (0.001)",
    "not applicable (dsr, fewer than 10 events)",
)  # fmt: skip


def funnel_category(significance: str, direction: str | None) -> str:
    """``high (0.001)`` of an indicator where lower is better is ``worse (0.001)``.

    Examples
    --------
    >>> funnel_category("high (0.025)", "lower"), funnel_category("low (0.001)", "neutral")
    ('worse (0.025)', 'low (0.001)')
    """
    side, _, level = significance.partition(" ")
    if side not in ("high", "low") or direction not in ("lower", "higher"):
        return significance
    worse = (side == "high") == (direction == "lower")
    return f"{'worse' if worse else 'better'} {level}"


def _scale(limits: pd.DataFrame, statistic: str) -> tuple[float, float]:
    """(factor, shift) putting O/E on the scale of PHE's ratio limits; (1, 0) otherwise."""
    if statistic != "ratio" or "statistic" not in limits.columns:
        return 1.0, 0.0
    label = str(limits["statistic"].iloc[0])
    return (100.0, 0.0) if "isr" in label else (1.0, -1.0)


def _centre(limits: pd.DataFrame) -> float:
    """The centre line: PHE's baseline, or for ratios 100 (ISR × 100) or 0 (count − 1)."""
    if "baseline" in limits.columns:
        return float(limits["baseline"].iloc[0])
    label = str(limits["statistic"].iloc[0]) if "statistic" in limits.columns else ""
    return 100.0 if "isr" in label else 0.0


def _limit_x(limits: pd.DataFrame, side: str, sigma: str) -> Any:
    for suffix in ("exp_events", "population_1_year"):
        name = f"{side}_{sigma}_{suffix}"
        if name in limits.columns:
            return limits[name]
    return limits["population"]


def _one_group(
    table: FunnelTable, group: Mapping[str, Any] | None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """The points and limits of one funnel (the ``by`` columns come before PHE's axis)."""
    limits = select_rows(table.limits, group)
    axis = next(c for c in ("population", "observed_events", "events") if c in limits.columns)
    keys = list(limits.columns[: list(limits.columns).index(axis)])
    if keys and len(limits[keys].drop_duplicates()) > 1:
        groups = limits[keys].drop_duplicates().to_dict("records")
        raise InvalidInputError(
            f"the table holds {len(groups)} funnels (by {', '.join(keys)}); choose one with "
            f"group=, e.g. group={groups[-1]!r}"
        )
    extra = None if table.adjusted is None else select_rows(table.adjusted, group)
    return select_rows(table.points, group), limits, extra


@chart_doc
def funnel(
    table: FunnelTable,
    *,
    label: str | None = None,
    group: Mapping[str, Any] | None = None,
    adjusted: bool | None = None,
    outliers: bool = True,
    indicator: str | Indicator | None = None,
    lang: str = "en",
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw a funnel plot: areas against the 95 % and 99.8 % limits around their average.

    Everything drawn comes from :func:`mch_indicators.funnel`'s table: the points and
    their significance, PHE's limits and, with over-dispersion (``dispersion=``), the
    adjusted limits. Nothing is computed here.

    Parameters
    ----------
    table : FunnelTable
        What :func:`mch_indicators.funnel` returned.
    label : str, optional
        The column naming each area (``"county"``): outliers are labelled with it.
    group : mapping, optional
        With ``by=`` there is one funnel per group: the group to draw, ``{"year": 2024}``.
    adjusted : bool, optional
        Draw the over-dispersed limits and colour the areas by their adjusted
        significance (default: when the table has them, ``dispersion=``).
    outliers : bool, default True
        Label the areas outside the 95 % limits (needs ``label``).
    indicator : str or Indicator, optional
        Default: the table's. Decides the axis titles and whether high is better.
    {chart_returns}

    Examples
    --------
    >>> from importlib import resources
    >>> import mch_indicators as mch
    >>> office = mch.read_table(resources.files("mch_indicators.datasets") / "example_office.csv")
    >>> latest = office[office["年份"] == 2024]
    >>> ax = mch.plot.funnel(mch.funnel(latest, "hospital_delivery_rate_cn"), label="县区")
    >>> ax.get_ylabel(), [t.get_text() for t in ax.texts][:2]
    ('Hospital delivery rate (%)', ['北山县 99.97%', '安宁县 99.85%'])
    """
    check_lang(lang)
    chosen = resolve_indicator(indicator, fallback=table.indicator)
    points, limits, extra = _one_group(table, group)
    require_columns(points, ["x", "value", "significance"], "plot.funnel")
    require_drawable(points, ["x", "value"])
    use_adjusted = extra is not None if adjusted is None else adjusted
    if use_adjusted and extra is None:
        raise InvalidInputError(
            "adjusted=True needs the over-dispersed limits: mch.funnel(..., dispersion='additive')"
        )
    ax = new_axes(ax, (7.0, 4.6))
    factor, shift = _scale(limits, table.statistic)
    _draw_limits(ax, limits, extra if use_adjusted else None, lang)
    centre = _centre(limits)
    ax.axhline(centre, color=colour("centre"), linewidth=1.0, label=legend_text("centre", lang))
    column = "adjusted_significance" if use_adjusted else "significance"
    direction = None if chosen is None else chosen.direction.value
    categories = [funnel_category(str(s), direction) for s in status_codes(points[column])]
    x = points["x"].to_numpy(dtype=float)
    y = points["value"].to_numpy(dtype=float) * factor + shift
    _draw_points(ax, x, y, categories, lang)
    if outliers and label is not None:
        require_columns(points, [label], "label=")
        for xi, yi, name, category in zip(x, y, points[label], categories, strict=True):
            if category not in ("not significant",) and np.isfinite(yi):
                ax.annotate(f"{name} {value_label(yi, chosen, lang)}", (xi, yi), fontsize=8,
                            xytext=(4, 4), textcoords="offset points")  # fmt: skip
    _frame_axes(ax, x, y, limits, centre)
    xname = "expected_events" if table.statistic == "ratio" else None
    if xname is not None:
        ax.set_xlabel(heading("axis", xname, lang))
    elif chosen is None:
        ax.set_xlabel(heading("columns", "value", lang))
    else:
        term = chosen.denominator.name
        ax.set_xlabel(term.zh if lang == "zh" else upper_first(term.en))
    ax.set_ylabel(axis_title(chosen, lang))
    return finish(ax, title, 2)


def _draw_limits(ax: Axes, limits: pd.DataFrame, extra: pd.DataFrame | None, lang: str) -> None:
    for sigma, level, style in _LEVELS:
        for side in ("lower", "upper"):
            ax.plot(
                _limit_x(limits, side, sigma), limits[f"{side}_{sigma}_limit"], style,
                color=colour(f"limits_{level}"), linewidth=1.0,
                label=legend_text(f"limits_{level}", lang) if side == "lower" else None,
            )  # fmt: skip
            if extra is not None:
                ax.plot(
                    extra["x"], extra[f"{side}_{sigma}_limit"], ":" if level == "95" else "-.",
                    color=colour("adjusted"), linewidth=1.2,
                    label=legend_text(f"adjusted_{level}", lang) if side == "lower" else None,
                )  # fmt: skip


def _draw_points(ax: Axes, x: Any, y: Any, categories: list[str], lang: str) -> None:
    present = [c for c in _ORDER if c in categories]
    present += [c for c in dict.fromkeys(categories) if c not in present]
    for category in present:
        chosen = np.array([c == category for c in categories])
        ax.scatter(
            x[chosen], y[chosen], s=36, color=colour(category), edgecolor="black",
            linewidth=0.6, zorder=3, label=category_label(category, lang),
        )  # fmt: skip


def _frame_axes(ax: Axes, x: Any, y: Any, limits: pd.DataFrame, centre: float) -> None:
    """Show every area and the funnel around them, not its tails at tiny populations."""
    shown = np.isfinite(x) & np.isfinite(y)
    if not shown.any():
        return
    start = float(np.min(x[shown])) * 0.6
    values = [y[shown], [centre]]
    for sigma, _, _ in _LEVELS:
        for side in ("lower", "upper"):
            lx = np.asarray(_limit_x(limits, side, sigma), dtype=float)
            ly = np.asarray(limits[f"{side}_{sigma}_limit"], dtype=float)
            keep = (lx >= start) & np.isfinite(ly)
            values.append(ly[keep])
    every = np.concatenate([np.asarray(v, dtype=float) for v in values])
    low, high = float(np.nanmin(every)), float(np.nanmax(every))
    pad = (high - low) * 0.06 or 1.0
    ax.set_ylim(low - pad, high + pad)
    ax.set_xlim(0, float(np.max(x[shown])) * 1.08)
