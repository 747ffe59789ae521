"""What every chart shares: the indicator, the language, axis titles, categories, axes."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._comparison_labels import check_language, status_codes
from mch_indicators._display_labels import axis_unit_zh, text
from mch_indicators._errors import InvalidInputError
from mch_indicators._unitspec import resolve_unit

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from mch_indicators._model import Indicator
    from mch_indicators._targets import Target

__all__ = [
    "axis_title",
    "check_language",
    "indicator_name",
    "legend_below",
    "new_axes",
    "require_columns",
    "resolve_indicator",
    "select_rows",
    "status_codes",
    "target_label",
    "unit_text",
    "value_label",
]


def resolve_indicator(
    indicator: str | Indicator | None, *, fallback: str | None = None, frame: Any = None
) -> Indicator | None:
    """The indicator a chart is about: given, carried by the result, or the frame's only one."""
    from mch_indicators._catalog import builtin_catalog
    from mch_indicators._model import Indicator

    if isinstance(indicator, Indicator):
        return indicator
    key = indicator or fallback
    if key is None and frame is not None and "indicator" in getattr(frame, "columns", ()):
        ids = list(dict.fromkeys(frame["indicator"].dropna()))
        if len(ids) == 1:
            key = str(ids[0])
    return None if key is None else builtin_catalog().get_indicator(key)


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """An :class:`InvalidInputError` naming the columns a chart needs and the frame lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidInputError(
            f"{what} needs the column(s) {', '.join(map(repr, missing))}; the frame has "
            f"{', '.join(map(repr, frame.columns))}"
        )


def select_rows(frame: pd.DataFrame, where: Mapping[str, Any] | None) -> pd.DataFrame:
    """The rows whose columns equal ``where``'s values (all rows without ``where``)."""
    if not where:
        return frame
    require_columns(frame, where, "where=")
    chosen = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        chosen &= (frame[column] == value).to_numpy()
    if not chosen.any():
        raise InvalidInputError(f"no rows with {dict(where)!r}")
    return frame[chosen]


def indicator_name(indicator: Indicator, language: str) -> str:
    """The indicator's name in ``language``."""
    return indicator.name.zh if language == "zh" else indicator.name.en


def unit_text(indicator: Indicator, language: str) -> str:
    """The unit as an axis shows it: ``per 100,000 live births``, ``1/10万``, ``‰``, ``%``."""
    spec = resolve_unit(indicator.unit)
    if language == "zh":
        return axis_unit_zh(spec.name) or spec.zh
    if spec.symbol in {"%", ""}:
        return spec.symbol
    return f"{spec.per} {indicator.denominator.name.en}"


def axis_title(indicator: Indicator | None, language: str) -> str:
    """``Maternal mortality ratio (per 100,000 live births)``, ``孕产妇死亡率（1/10万）``."""
    if indicator is None:
        return text("axis", "plain", language)
    name, unit = indicator_name(indicator, language), unit_text(indicator, language)
    if not unit:
        return text("axis", "value_no_unit", language, name=name)
    return text("axis", "value", language, name=name, unit=unit)


def value_label(value: float, indicator: Indicator | None, language: str) -> str:
    """A value as a report writes it: ``7.42/10万``, ``2.23‰``, ``98.5%``, ``7.42``."""
    if math.isnan(value):
        return "–"
    if indicator is None:
        return f"{value:.2f}"
    spec = resolve_unit(indicator.unit)
    number = f"{value:.{indicator.decimals}f}"
    if language == "zh":
        return number + spec.zh
    return number + (spec.symbol if spec.symbol in {"%", "‰"} else "")


def target_label(target: Target, indicator: Indicator, language: str) -> str:
    """``Healthy China 2030: ≤ 12 per 100,000 by 2030``, ``健康中国2030：2030年≤12/10万``."""
    spec = resolve_unit(target.unit)
    plan = target.plan.name.zh if language == "zh" else target.plan.name.en
    if language == "zh":
        rule = f"{target.comparator.symbol}{target.value:g}{spec.zh}"
    else:
        rule = target.rule
    key = "target" if target.year else "target_standing"
    return text("legend", key, language, plan=plan, rule=rule, year=target.year)


def legend_below(ax: Axes, columns: int) -> None:
    """The legend under the axes, clear of the tick labels and the axis title."""
    from matplotlib.figure import Figure
    from matplotlib.transforms import offset_copy

    figure = ax.figure
    root = figure if isinstance(figure, Figure) else figure.figure  # a subfigure's figure
    below = offset_copy(ax.transAxes, fig=root, y=-38, units="points")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below,
              ncols=columns, fontsize=8, frameon=False)  # fmt: skip


def new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax``, or the axes of a new figure of ``size`` inches."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, axes = plt.subplots(figsize=size, layout="constrained")
    return axes
