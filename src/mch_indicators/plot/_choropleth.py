"""Choropleth maps of areas on a geometry the user supplies (geopandas, loaded only here).

No boundaries ship with the library: the user brings a GeoDataFrame, or a GeoJSON file or
mapping read with geopandas. Rows of the result are matched to shapes by the area's
label, folded the way table headers are (:func:`mch_indicators._headers.fold_header`:
width, case, spaces and separators), so ``河阳县`` matches ``河阳县 `` and ``330102``
matches ``"330102"``. Three kinds of colouring, all drawn as the library returned them:

* a number (``smoothed``, ``crude``, ``value``...) classed into ``bins`` (quantile
  classes by default, or the break points given);
* a comparison (``assessment``, ``comparison``, ``significance``...) in the
  categories' own colours, as the caterpillar and funnel plots colour them;
* ``exceedance`` (:func:`mch_indicators.smooth`) in probability classes, 0.05 / 0.2 /
  0.8 / 0.95 (Richardson et al. 2004 read P > 0.8 as evidence of a high rate).

A shape with no row is drawn as "no data". A row with no shape is an error naming it
(and the closest names on the map), unless ``unmatched="note"``: then the map is
drawn and the areas left off are listed under it.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._errors import InvalidInputError
from mch_indicators._headers import fold_header
from mch_indicators.plot._axes import new_axes
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
from mch_indicators.plot._fonts import apply_fonts
from mch_indicators.plot._style import colour

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from mch_indicators._model import Indicator
    from mch_indicators._result import Result

__all__ = ["choropleth"]

#: Columns holding a category rather than a number.
CATEGORIES = ("assessment", "comparison", "significance", "adjusted_significance")
#: Probability classes of ``exceedance``.
EXCEEDANCE_BREAKS = (0.0, 0.05, 0.2, 0.8, 0.95, 1.0)
_KEYS = ("name", "adcode", "code", "NAME", "id")
_NO_DATA = "#F2F2F2"


def _geopandas() -> Any:
    try:
        import geopandas
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plot.choropleth needs geopandas: pip install 'mch-indicators[maps]'"
        ) from None
    return geopandas


def _geometry(geometry: Any) -> Any:
    """A GeoDataFrame from a GeoDataFrame, a GeoJSON mapping, or a path to a file."""
    gpd = _geopandas()
    if isinstance(geometry, gpd.GeoDataFrame):
        return geometry
    if isinstance(geometry, Mapping):
        if geometry.get("type") != "FeatureCollection":
            raise InvalidInputError("geometry: a GeoJSON mapping must be a FeatureCollection")
        return gpd.GeoDataFrame.from_features(geometry["features"], crs=None)
    if isinstance(geometry, str) or hasattr(geometry, "__fspath__"):
        return gpd.read_file(geometry)
    raise InvalidInputError(
        f"geometry must be a GeoDataFrame, a GeoJSON FeatureCollection or the path of a "
        f"file geopandas reads, got {type(geometry).__name__}"
    )


def _text_key(value: object) -> str:
    """A label as text, whole floats without their ``.0`` (a code read as a number)."""
    if isinstance(value, float | np.floating) and math.isfinite(value) and value == int(value):
        value = int(value)
    return fold_header(value)


def _index(values: Sequence[Hashable], what: str) -> dict[str, int]:
    """Folded label -> position; two labels folding the same are an error."""
    index: dict[str, int] = {}
    for position, value in enumerate(values):
        key = _text_key(value)
        if key in index:
            raise InvalidInputError(
                f"{what}: {values[index[key]]!r} and {value!r} are the same area; give one "
                "row per area (filter a year or a group first)"
            )
        index[key] = position
    return index


def _matched(
    names: list[Hashable], keys: list[Hashable], unmatched: str
) -> tuple[np.ndarray[Any, np.dtype[np.intp]], list[str]]:
    """For each shape, the row drawn on it (−1: none), and the rows left off the map."""
    rows = _index(names, "data")
    shapes = _index(keys, "geometry")
    row_of_shape = np.array([rows.get(k, -1) for k in shapes], dtype=np.intp)
    missing = [str(names[p]) for k, p in rows.items() if k not in shapes]
    if missing and unmatched == "raise":
        hints = []
        for name in missing[:5]:
            close = difflib.get_close_matches(name, [str(k) for k in keys], n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise InvalidInputError(
            f"no shape on the map for {', '.join(hints)}{more}; areas are matched by name "
            "or code after folding width, case and spaces. Give key= (the geometry's "
            "column), or unmatched='note' to draw the map and list them under it"
        )
    return row_of_shape, missing


def _quantile_breaks(values: np.ndarray[Any, Any], bins: int) -> np.ndarray[Any, Any]:
    finite = values[np.isfinite(values)]
    if not finite.size:
        return np.array([0.0, 1.0])
    breaks = np.unique(np.quantile(finite, np.linspace(0.0, 1.0, bins + 1)))
    return breaks if breaks.size > 1 else np.array([breaks[0], breaks[0]])


def _classes(
    values: np.ndarray[Any, Any], bins: int | Sequence[float], exceedance: bool
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Class of each value (−1: missing) and the break points."""
    if isinstance(bins, int) and not isinstance(bins, bool):
        if bins < 1:
            raise InvalidInputError(f"bins must be at least 1, got {bins}")
        breaks = np.array(EXCEEDANCE_BREAKS) if exceedance else _quantile_breaks(values, bins)
    else:
        breaks = np.asarray(bins, dtype=np.float64)
        if breaks.ndim != 1 or breaks.size < 2 or not (np.diff(breaks) > 0).all():
            raise InvalidInputError(f"bins must be a class count or rising break points, "
                                    f"got {bins!r}")  # fmt: skip
    inner = breaks[1:-1]
    found = np.searchsorted(inner, values, side="right")
    outside = ~np.isfinite(values) | (values < breaks[0]) | (values > breaks[-1])
    return np.where(outside, -1, found), breaks


def _class_colours(count: int, diverging: bool) -> list[str]:
    """Light to dark yellow-red for numbers; blue to red around the middle for probabilities."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    ramp = colormaps["RdBu_r" if diverging else "YlOrRd"]
    start, span = (0.1, 0.8) if diverging else (0.15, 0.75)
    return [to_hex(ramp(start + span * i / max(count - 1, 1))) for i in range(count)]


def _numeric_fill(
    frame: pd.DataFrame, column: str, bins: int | Sequence[float], indicator: Indicator | None,
    lang: str,
) -> tuple[list[str | None], list[tuple[str, str]]]:  # fmt: skip
    """Colour of each row and the legend (label, colour) of numbers classed by ``bins``."""
    require_drawable(frame, [column], negative=True)  # a number, not only a value: a change
    values = frame[column].to_numpy(dtype=float)
    exceedance = column == "exceedance"
    found, breaks = _classes(values, bins, exceedance)
    palette = _class_colours(breaks.size - 1, exceedance)
    fills = [palette[c] if c >= 0 else None for c in found]

    def shown(v: float) -> str:
        return f"{v:.2f}" if exceedance else value_label(v, indicator, lang)

    legend = [(f"{shown(breaks[i])}–{shown(breaks[i + 1])}", palette[i])
              for i in range(breaks.size - 1)]  # fmt: skip
    return fills, legend


def _category_fill(
    frame: pd.DataFrame, column: str, lang: str
) -> tuple[list[str | None], list[tuple[str, str]]]:
    codes = status_codes(frame[column])
    fills = [colour(str(c)) if isinstance(c, str) else None for c in codes]
    seen = [str(c) for c in dict.fromkeys(codes) if isinstance(c, str)]
    return fills, [(category_label(c, lang), colour(c)) for c in seen]


def _default_column(frame: pd.DataFrame) -> str:
    for name in ("smoothed", "assessment", "value"):
        if name in frame.columns:
            return name
    raise InvalidInputError(
        "plot.choropleth: say which column to colour by (column=); the frame has "
        f"{', '.join(map(repr, frame.columns))}"
    )


def _frame_and_names(
    data: pd.DataFrame | Result,
    label: str | Sequence[Hashable] | None,
    indicator: str | Indicator | None,
) -> tuple[pd.DataFrame, list[Hashable]]:
    if label is None:
        raise InvalidInputError("plot.choropleth needs label= (the column naming each area)")
    return frame_and_areas(data, label, indicator, "plot.choropleth")


def _key_column(shapes: Any, key: str | None, label: str | Sequence[Hashable] | None) -> str:
    if key is not None:
        require_columns(shapes, [key], "key=")
        return key
    for name in (label if isinstance(label, str) else None, *_KEYS):
        if name is not None and name in shapes.columns:
            return name
    raise InvalidInputError(
        "plot.choropleth: say which column of the geometry names the areas (key=); it has "
        f"{', '.join(map(repr, shapes.columns))}"
    )


@chart_doc
def choropleth(
    result_or_frame: pd.DataFrame | Result,
    geometry: Any,
    *,
    column: str | None = None,
    label: str | Sequence[Hashable] | None = None,
    key: str | None = None,
    bins: int | Sequence[float] = 5,
    indicator: str | Indicator | None = None,
    unmatched: str = "raise",
    lang: str = "en",
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw the areas on a map, coloured by a value, a comparison or a smoothed rate.

    Parameters
    ----------
    result_or_frame : pandas.DataFrame or Result
        One row per area: :func:`mch_indicators.smooth`, :func:`mch_indicators.compare`,
        :func:`mch_indicators.compute`, a funnel's ``points``... or a :class:`Result`
        (with ``label=`` the names).
    geometry : geopandas.GeoDataFrame, mapping or path
        The areas' shapes (no boundaries ship with the library): a GeoDataFrame, a
        GeoJSON FeatureCollection as a mapping, or a file geopandas reads.
    column : str, optional
        What colours an area: a number (``smoothed``, ``crude``, ``value``...,
        classed by ``bins``), a comparison (``assessment``, ``comparison``,
        ``significance``: the categories' colours) or ``exceedance`` (probability
        classes 0.05 / 0.2 / 0.8 / 0.95). Default: ``smoothed``, else
        ``assessment``, else ``value``.
    label : str or sequence
        The column naming each area (``"county"``), or the names (a pandas Series
        of names is paired with the rows by its index).
    key : str, optional
        The geometry's column of names or codes (default: the column named like
        ``label``, else ``name``, ``adcode``, ``code``, ``NAME`` or ``id``).
    bins : int or sequence of float, default 5
        Numbers: the count of quantile classes, or the break points (lowest to
        highest; values outside are drawn as no data).
    indicator : str or Indicator, optional
        The indicator drawn (its rows, where the frame's ``indicator`` column holds
        several: none given is then an error) and the legend's units (default:
        the frame's only indicator).
    unmatched : {"raise", "note"}, default "raise"
        A row with no shape is an :class:`~mch_indicators.InvalidInputError`
        naming it; ``"note"`` draws the map and lists such areas under it.
    {chart_returns}

    Raises
    ------
    InvalidInputError
        A row with no shape (``unmatched="raise"``), two rows or two shapes for
        one area, a column that is not in the frame, bad ``bins``.
    ImportError
        geopandas is not installed (``pip install 'mch-indicators[maps]'``).

    Examples
    --------
    >>> import geopandas, pandas as pd, mch_indicators as mch
    >>> from shapely.geometry import box
    >>> shapes = geopandas.GeoDataFrame({"name": ["甲县", "乙县", "丙县"]},
    ...                                 geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1),
    ...                                           box(0, 1, 2, 2)])
    >>> counties = pd.DataFrame({"county": ["甲县", "乙县", "丙县"],
    ...                          "infant_deaths": [30, 95, 60],
    ...                          "live_births": [12000, 15000, 14000]})
    >>> compared = mch.compare(counties, "IMR", benchmark=4.0)
    >>> ax = mch.plot.choropleth(compared, shapes, column="assessment", label="county")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['Better', 'Worse', 'Similar']
    """
    check_lang(lang)
    if unmatched not in ("raise", "note"):
        raise InvalidInputError(f"unmatched must be 'raise' or 'note', got {unmatched!r}")
    frame, names = _frame_and_names(result_or_frame, label, indicator)
    chosen_column = column or _default_column(frame)
    require_columns(frame, [chosen_column], "column=")
    shapes = _geometry(geometry)
    key_column = _key_column(shapes, key, label)
    row_of_shape, missing = _matched(names, list(shapes[key_column]), unmatched)
    chosen = resolve_indicator(indicator, frame=frame)
    if chosen_column in CATEGORIES:
        fills, legend = _category_fill(frame, chosen_column, lang)
    else:
        fills, legend = _numeric_fill(frame, chosen_column, bins, chosen, lang)
    shape_fills = [
        (fills[r] if r >= 0 else None) or _NO_DATA for r in row_of_shape
    ]  # fmt: skip
    ax = new_axes(ax, (6.4, 6.0))
    shapes.plot(ax=ax, color=shape_fills, edgecolor="white", linewidth=0.8)
    _legend(ax, legend, bool((row_of_shape < 0).any()) or None in fills, lang)
    _decorate(ax, chosen_column, chosen, lang, title, missing)
    return ax


def _legend(ax: Axes, entries: list[tuple[str, str]], no_data: bool, lang: str) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=fill, edgecolor="#808080", label=text) for text, fill in entries]
    if no_data:
        handles.append(Patch(facecolor=_NO_DATA, edgecolor="#808080",
                             label=legend_text("no_data", lang)))  # fmt: skip
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8,
              frameon=False)  # fmt: skip


def _decorate(
    ax: Axes, column: str, indicator: Indicator | None, lang: str, title: str | None,
    missing: list[str],
) -> None:  # fmt: skip
    ax.set_axis_off()
    ax.set_aspect("equal")
    heading = title if title is not None else axis_title(indicator, lang)
    if column == "exceedance":
        heading = title if title is not None else legend_text("exceedance", lang)
    ax.set_title(heading)
    if missing:
        note = legend_text("not_on_map", lang, areas="、".join(missing) if lang == "zh"
                           else ", ".join(missing))  # fmt: skip
        ax.text(0.0, -0.04, note, transform=ax.transAxes, fontsize=8, va="top")
    apply_fonts(ax.figure)
