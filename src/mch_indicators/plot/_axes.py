"""How every chart sets up and finishes its axes: the figure, the rows or years, the legend.

The charts draw their own data; what they share around it lives here once: a new
figure's axes, areas as named rows against a value axis, periods along a time axis
from zero, and the last step of every chart (its title, the legend under the axes,
the CJK font).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from matplotlib.ticker import MaxNLocator

from mch_indicators._labels import input_error
from mch_indicators.plot._common import axis_title, heading
from mch_indicators.plot._fonts import apply_fonts

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from numpy.typing import ArrayLike

    from mch_indicators._model import Indicator

__all__ = ["area_rows", "finish", "legend_below", "new_axes", "time_axes"]


def new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax``, or the axes of a new figure of ``size`` inches.

    Raises
    ------
    InvalidInputError
        ``ax`` is neither None nor matplotlib axes (in both languages).
    """
    if ax is not None:
        from matplotlib.axes import Axes

        if not isinstance(ax, Axes):
            raise input_error("not_axes", kind=type(ax).__name__)
        return ax
    import matplotlib.pyplot as plt

    _, axes = plt.subplots(figsize=size, layout="constrained")
    return axes


def legend_below(ax: Axes, columns: int) -> None:
    """The legend under the axes, clear of the tick labels and the axis title."""
    from matplotlib.figure import Figure
    from matplotlib.transforms import offset_copy

    figure = ax.figure
    root = figure if isinstance(figure, Figure) else figure.figure  # a subfigure's figure
    below = offset_copy(ax.transAxes, fig=root, y=-38, units="points")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below,
              ncols=columns, fontsize=8, frameon=False)  # fmt: skip


def area_rows(
    ax: Axes, positions: ArrayLike, names: Sequence[str], limits: tuple[float, float],
    value_title: str,
) -> None:  # fmt: skip
    """Areas as rows named on the y axis, the value along x over a light vertical grid.

    ``positions`` are the rows' heights (bottom is 0), ``limits`` the y axis's range.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> _, ax = plt.subplots()
    >>> area_rows(ax, [0, 1], ["A", "B"], (-0.7, 1.7), "Value")
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_xlabel()
    (['A', 'B'], 'Value')
    >>> plt.close("all")
    """
    ax.set_yticks(positions, names)
    ax.set_ylim(*limits)
    ax.set_xlabel(value_title)
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.6)
    ax.set_axisbelow(True)


def time_axes(ax: Axes, indicator: Indicator | None, period: str, lang: str) -> None:
    """Periods along x in whole numbers (``Year``, ``年份``), the indicator from 0 up on y."""
    ax.set_xlabel(heading("fields", "year", lang) if period == "year" else period)
    ax.set_ylabel(axis_title(indicator, lang))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)


def finish(ax: Axes, title: str | None, legend_columns: int) -> Axes:
    """A chart's last step: its title (when given), the legend below the axes, the CJK font.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> _, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0, 1], label="line")
    >>> finish(ax, "Title", 2) is ax, ax.get_title(), ax.get_legend() is not None
    (True, 'Title', True)
    >>> plt.close("all")
    """
    if title is not None:
        ax.set_title(title)
    legend_below(ax, legend_columns)
    apply_fonts(ax.figure)
    return ax
