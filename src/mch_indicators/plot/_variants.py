"""The same areas through several definitions, side by side (China's and WHO's...).

Nothing is computed here: what is drawn is said in :func:`variants`'s docstring.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._errors import InvalidInputError
from mch_indicators._unitspec import resolve_unit
from mch_indicators.plot._axes import area_rows, finish, new_axes
from mch_indicators.plot._common import (
    area_labels,
    axis_title,
    axis_unit,
    check_lang,
    heading,
    indicator_name,
    named_axis,
    require_columns,
    require_drawable,
    resolve_indicator,
)
from mch_indicators.plot._docs import chart_doc
from mch_indicators.plot._style import series_colours

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from mch_indicators._model import Indicator

__all__ = ["variants"]


def _series_names(keys: Sequence[Any], lang: str) -> tuple[list[str], list[Indicator | None]]:
    """Legend entries: an indicator's name when the series are indicator ids."""
    from mch_indicators._catalog import builtin_catalog

    catalog = builtin_catalog()
    found = [catalog.get(str(k)) for k in keys]
    names = [
        indicator_name(i, lang) if i is not None else str(k)
        for k, i in zip(keys, found, strict=True)
    ]
    return names, found


def _title(found: list[Indicator | None], indicator: Indicator | None, lang: str) -> str:
    if indicator is not None:
        return axis_title(indicator, lang)
    known = [i for i in found if i is not None]
    if not known:
        return heading("columns", "value", lang)
    if len({i.unit for i in known}) > 1:
        units = ", ".join(sorted({f"{i.id}: {i.unit}" for i in known}))
        raise InvalidInputError(f"the series are in different units ({units}); convert first")
    # definitions of one concept differ in their terms: the axis gives the unit only
    plain = heading("columns", "value", lang)
    spec = resolve_unit(known[0].unit)
    unit = axis_unit(spec.name, lang) if lang == "zh" else (spec.per or spec.symbol)
    return named_axis(plain, unit, lang)


@chart_doc
def variants(
    frame: pd.DataFrame,
    *,
    label: str,
    series: str = "indicator",
    indicator: str | Indicator | None = None,
    lang: str = "en",
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw each area's value under several definitions (or measures) side by side.

    Each area's value and interval under each series (an indicator of a family of
    variants, or any measure named by a column: crude and standardised rates...),
    from :func:`mch_indicators.compute` or stacked result frames, one row per area.
    Nothing is computed here.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per area and series, with ``value, lower, upper``: e.g.
        :func:`mch_indicators.compute` of a long table holding China's and WHO's
        definitions of one concept (its ``indicator`` column).
    label : str
        The column naming the areas.
    series : str, default "indicator"
        The column naming the definitions; indicator ids show as their names.
    indicator : str or Indicator, optional
        For the axis title (default: the family's root indicator).
    {chart_returns}

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> long = pd.DataFrame({
    ...     "county": ["A", "A", "B", "B"],
    ...     "indicator": ["perinatal_mortality_rate_cn", "perinatal_mortality_rate_22w"] * 2,
    ...     "numerator": [40, 61, 25, 37], "denominator": [8000, 8060, 6000, 6045]})
    >>> ax = mch.plot.variants(mch.compute(long), label="county", lang="zh")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['围产儿死亡率', '围产儿死亡率（满22周起）']
    """
    check_lang(lang)
    require_columns(frame, [label, series, "value", "lower", "upper"], "plot.variants")
    require_drawable(frame, ["value", "lower", "upper"], limits=[("lower", "upper")])
    chosen = None if indicator is None else resolve_indicator(indicator)
    keys = list(dict.fromkeys(frame[series]))
    areas: list[Any] = list(dict.fromkeys(area_labels(frame, label)))
    names, found = _series_names(keys, lang)
    ax = new_axes(ax, (6.4, 1.0 + 0.42 * len(areas)))
    palette = series_colours()
    step = 0.7 / max(len(keys), 1)
    where = {area: len(areas) - 1 - i for i, area in enumerate(areas)}
    for k, key in enumerate(keys):
        rows = frame[frame[series] == key]
        y = (
            np.array([where[a] for a in rows[label]], dtype=float)
            + ((len(keys) - 1) / 2 - k) * step
        )
        value = rows["value"].to_numpy(dtype=float)
        error = np.vstack([value - rows["lower"].to_numpy(float),
                           rows["upper"].to_numpy(float) - value])  # fmt: skip
        ax.errorbar(value, y, xerr=error, fmt="o", color=palette[k % len(palette)],
                    markersize=5, capsize=2, linewidth=1.1, label=names[k])  # fmt: skip
    area_rows(ax, list(where.values()), list(where.keys()), (-0.6, len(areas) - 0.4),
              _title(found, chosen, lang))  # fmt: skip
    return finish(ax, title, 1)
