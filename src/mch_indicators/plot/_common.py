"""What every chart shares: the indicator, the language, the rows, axis titles, categories.

How the axes are set up and finished is in :mod:`mch_indicators.plot._axes`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError
from mch_indicators._labels import (
    STATUS_SECTIONS,
    check_lang,
    label,
    labels,
    status_codes,
    unit_text,
    upper_first,
)
from mch_indicators._optional import pandas
from mch_indicators._unitspec import resolve_unit
from mch_indicators._validate import align_labelled

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._model import Indicator
    from mch_indicators._result import Result
    from mch_indicators._targets import Target

__all__ = [
    "area_labels",
    "as_frame",
    "axis_title",
    "axis_unit",
    "category_label",
    "check_lang",
    "frame_and_areas",
    "heading",
    "indicator_name",
    "indicator_rows",
    "legend_text",
    "named_axis",
    "require_columns",
    "require_drawable",
    "require_names",
    "resolve_indicator",
    "select_rows",
    "status_codes",
    "target_label",
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


def indicator_rows(
    frame: pd.DataFrame, indicator: str | Indicator | None, what: str
) -> npt.NDArray[np.bool_] | None:
    """Which rows of ``frame`` a chart of one indicator draws (None: every row).

    A result of :func:`mch_indicators.compute` on an office's table holds several
    indicators (a MMR per 100,000 and an IMR per 1,000 in one ``value`` column):
    drawn together they would share one axis, one title and one ranking. With an
    ``indicator`` column holding more than one, ``indicator=`` chooses its rows
    (none given is an error naming those held); an indicator asked for and not held
    is an error too, as the chart's title would name the wrong one. A frame without
    the column is drawn as it is.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"indicator": ["maternal_mortality_ratio", "infant_mortality_rate"],
    ...                       "value": [7.4, 2.2]})
    >>> indicator_rows(frame, "IMR", "plot.caterpillar").tolist()
    [False, True]
    """
    if "indicator" not in frame.columns:
        return None
    chosen = resolve_indicator(indicator, frame=frame)
    held = [str(i) for i in dict.fromkeys(frame["indicator"].dropna())]
    if chosen is not None:
        ids = {text: _indicator_id(text) for text in held}
        same = [text for text in held if ids[text] == chosen.id]
        if same:
            rows = frame["indicator"].isin(same).to_numpy(dtype=bool)
            return None if rows.all() else rows
        if len(held) == 1 and ids[held[0]] is None:
            return None  # a label of the user's own, said to be this indicator
    if not held or (chosen is None and len(held) == 1):
        return None
    from mch_indicators._errors import Words
    from mch_indicators._labels import input_error, joined

    listing = Words(*(joined(held, lang, most=8) for lang in ("en", "zh")))
    if chosen is None:
        raise input_error("chart_several_indicators", what=what, held=listing, count=len(held))
    raise input_error("chart_indicator_not_held", what=what, wanted=chosen.id, held=listing)


def _indicator_id(text: str) -> str | None:
    """The id of the built-in indicator ``text`` names (id, name, alias), or None."""
    from mch_indicators._catalog import builtin_catalog
    from mch_indicators._errors import MCHIndicatorsError

    try:
        return builtin_catalog().get_indicator(text).id
    except MCHIndicatorsError:
        return None


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """An :class:`InvalidInputError` naming the columns a chart needs and the frame lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidInputError(
            f"{what} needs the column(s) {', '.join(map(repr, missing))}; the frame has "
            f"{', '.join(map(repr, frame.columns))}"
        )


def as_frame(data: pd.DataFrame | Result) -> pd.DataFrame:
    """The frame of a :class:`~mch_indicators.Result` (its ``to_frame()``), or the frame given."""
    from mch_indicators._result import Result

    return data.to_frame() if isinstance(data, Result) else data


def area_labels(
    frame: pd.DataFrame, label: str | Sequence[Hashable], *, by_index: bool = True
) -> list[Hashable]:
    """Each row's area: the column named ``label``, or ``label``'s names, one per row.

    A pandas Series of names is paired with the rows by its index, as every labelled
    input is (never by position), unless ``by_index`` is false (the rows of a
    :class:`~mch_indicators.Result` of plain arrays have no labels of their own).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"county": ["甲县", "乙县"], "value": [1.0, 2.0]})
    >>> area_labels(frame, "county"), area_labels(frame, ("A", "B"))
    (['甲县', '乙县'], ['A', 'B'])
    >>> area_labels(frame, pd.Series(["B", "A"], index=[1, 0]))
    ['A', 'B']
    """
    if isinstance(label, str):
        require_columns(frame, [label], "label=")
        found = list(frame[label])
        require_names(frame, found, label)
        return found
    if by_index and isinstance(label, pandas().Series):
        rows = pandas().Series(np.arange(len(frame)), index=frame.index)
        label = align_labelled(**{"the frame": rows, "label=": label})["label="]
    names = list(label)
    if len(names) != len(frame):
        raise InvalidInputError(f"label= has {len(names)} names for {len(frame)} rows")
    require_names(frame, names, None)
    return names


def frame_and_areas(
    data: pd.DataFrame | Result,
    label: str | Sequence[Hashable] | None,
    indicator: str | Indicator | None = None,
    what: str | None = None,
) -> tuple[pd.DataFrame, list[Hashable]]:
    """The rows a chart draws, and each row's area: ``label``'s, or found without it.

    Without ``label``, the index names the rows, or over a plain index of row
    numbers the area columns (:func:`_area_names`). With ``what`` (the chart), only
    the rows of one indicator are drawn (:func:`indicator_rows`).

    A pandas Series of names is paired with the rows by label (:func:`area_labels`),
    except with a :class:`~mch_indicators.Result` of plain arrays, whose rows have no
    labels to pair by: its names are taken in order. Every chart that names a row by its
    area takes them so.

    Examples
    --------
    >>> import pandas as pd
    >>> from mch_indicators import get
    >>> names = pd.Series(["甲县", "乙县"], index=[5, 6])
    >>> frame_and_areas(get("IMR").compute([3, 9], [1000, 1500]), names)[1]
    ['甲县', '乙县']
    >>> frame_and_areas(pd.DataFrame({"value": [1.0]}, index=["丙县"]), None)[1]
    ['丙县']
    """
    from mch_indicators._result import Result

    frame = as_frame(data)
    rows = None if what is None else indicator_rows(frame, indicator, what)
    if label is None:
        drawn = frame if rows is None else frame[rows]
        names = _area_names(drawn) if _numbered(frame) else list(drawn.index)
        require_names(drawn, names, None)
        return drawn, names
    labelled = not isinstance(data, Result) or data.labels is not None
    names = area_labels(frame, label, by_index=labelled)
    if rows is None:
        return frame, names
    return frame[rows], [name for name, kept in zip(names, rows, strict=True) if kept]


def _numbered(frame: pd.DataFrame) -> bool:
    """Whether the index only numbers the rows (unnamed whole numbers: ``compute``'s)."""
    index = frame.index
    return index.name is None and index.nlevels == 1 and index.dtype.kind in "iu"


def _area_names(frame: pd.DataFrame) -> list[Hashable]:
    """Each row's name without ``label=`` over row numbers: the area columns, else the numbers.

    A frame whose index only numbers its rows (what :func:`mch_indicators.compute`
    returns, or a selection of it) names its rows by its area columns, found by their
    headers as ``compute`` finds them (``county``, ``县区``...; several joined by
    ``/``), with the period after the area where an area stands in several rows.
    """
    from mch_indicators._adapters._pandas._match import match_columns
    from mch_indicators._adapters._pandas._units import label_columns
    from mch_indicators._checks import row_places
    from mch_indicators._errors import MCHIndicatorsError

    index = frame.index
    if not len(frame):
        return list(index)
    try:
        areas, periods = label_columns(match_columns(list(frame.columns)))
    except MCHIndicatorsError:
        return list(index)
    if not areas:
        return list(index)
    names = row_places(frame, areas)
    if len(set(names)) < len(names) and periods:
        names = [
            f"{n} {p}".strip() for n, p in zip(names, row_places(frame, periods), strict=True)
        ]
    return list(names)


def require_names(frame: pd.DataFrame, names: Sequence[Hashable], column: str | None) -> None:
    """Refuse an area whose name is missing (None, NaN, empty), naming its row.

    A chart would draw it as ``None`` or ``nan``; as an office's table with an
    empty area cell, it is refused (in both languages), with the row's index label.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"county": ["甲县", None]}, index=[7, 8])
    >>> try:
    ...     require_names(frame, list(frame["county"]), "county")
    ... except InvalidInputError as refused:
    ...     print(refused.where() + refused.reason[:24])
    column 'county', row 8: the area's name is empty
    """
    for position, name in enumerate(names):
        if _blank(name):
            row = frame.index[position]
            raise InvalidInputError(
                label("messages", "blank_area_name", "en"),
                reason_zh=label("messages", "blank_area_name", "zh"),
                column=column,
                row=row.item() if hasattr(row, "item") else row,
            )


def require_drawable(
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    limits: Sequence[tuple[str, str]] = (),
    negative: bool = False,
) -> None:
    """Refuse a number a chart would draw wrong without a word, naming its row and column.

    Infinite values, negative ones (indicators' values and limits are 0 or more;
    ``negative=True`` lets them through, for a column such as a change), values
    that are not numbers, and, for each ``(lower, upper)`` pair of ``limits``, a
    lower limit above the upper one: an :class:`InvalidInputError` in English and
    Chinese, with the row's index label, as :func:`require_names`. NaN passes (no
    data: nothing is drawn there).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"value": [1.0, float("nan")], "lower": [0.5, 3.0],
    ...                       "upper": [2.0, 1.0]}, index=["甲县", "乙县"])
    >>> try:
    ...     require_drawable(frame, ["value", "lower", "upper"], limits=[("lower", "upper")])
    ... except InvalidInputError as refused:
    ...     print(refused.where() + refused.reason[:36])
    column 'lower', row '乙县': the lower limit 3 is above the upper
    """
    named = dict.fromkeys([*columns, *(name for pair in limits for name in pair)])
    arrays = {name: _numbers(frame, name) for name in named}
    for name in columns:
        values = arrays[name]
        with np.errstate(invalid="ignore"):
            bad = np.isinf(values) | ((values < 0) & (not negative))
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            infinite = bool(np.isinf(values[position]))
            key = "not_drawable_infinite" if infinite else "not_drawable_negative"
            raise _cell_error(frame, position, name, key, value=f"{values[position]:g}")
    for low, high in limits:
        with np.errstate(invalid="ignore"):
            crossed = arrays[low] > arrays[high]
        if crossed.any():
            position = int(np.flatnonzero(crossed)[0])
            lower, upper = arrays[low][position], arrays[high][position]
            raise _cell_error(
                frame, position, low, "not_drawable_limits",
                lower=f"{lower:g}", upper=f"{upper:g}", upper_column=high,
            )  # fmt: skip


def _numbers(frame: pd.DataFrame, column: str) -> npt.NDArray[np.float64]:
    """The column as floats (missing values as NaN), or the error naming a cell that is not."""
    series = pandas().to_numeric(frame[column], errors="coerce")
    numbers: npt.NDArray[np.float64] = series.to_numpy(dtype=float, na_value=np.nan)
    given = frame[column].isna().to_numpy()
    unreadable = np.isnan(numbers) & ~given
    if unreadable.any():
        position = int(np.flatnonzero(unreadable)[0])
        raise _cell_error(frame, position, column, "not_drawable_numbers",
                          value=frame[column].iloc[position])  # fmt: skip
    return numbers


def _cell_error(
    frame: pd.DataFrame, position: int, column: str, key: str, **values: object
) -> InvalidInputError:
    row = frame.index[position]
    return InvalidInputError(
        label("messages", key, "en", **values),
        reason_zh=label("messages", key, "zh", **values),
        column=column,
        row=row.item() if hasattr(row, "item") else row,
    )


def _blank(name: object) -> bool:
    """None, NaN, NaT, ``pd.NA`` or text of spaces only."""
    if isinstance(name, str):
        return not name.strip()
    missing = pandas().isna(name)
    return isinstance(missing, bool | np.bool_) and bool(missing)


def select_rows(
    frame: pd.DataFrame, where: Mapping[str, Any] | None, none_found: str | None = None
) -> pd.DataFrame:
    """The rows whose columns equal ``where``'s values (all rows without ``where``).

    No such row is an :class:`InvalidInputError` saying ``none_found`` (default: the
    values looked for).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"county": ["A", "A", "B"], "year": [2023, 2024, 2024]})
    >>> select_rows(frame, {"county": "A", "year": 2024}).index.tolist()
    [1]
    """
    if not where:
        return frame
    require_columns(frame, where, "where=")
    chosen = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        chosen &= (frame[column] == value).to_numpy()
    if not chosen.any():
        raise InvalidInputError(none_found or f"no rows with {dict(where)!r}")
    return frame[chosen]


def indicator_name(indicator: Indicator, lang: str) -> str:
    """The indicator's name in ``lang``."""
    return indicator.name.zh if lang == "zh" else indicator.name.en


def heading(section: str, key: str, lang: str) -> str:
    """A label as a chart heading: ``Value``, ``Year``, ``数值``."""
    return upper_first(label(section, key, lang))


def category_label(category: str, lang: str) -> str:
    """The legend entry of a category: a status code's text (``Better``), or a legend entry.

    Examples
    --------
    >>> category_label("high (0.001)", "en"), category_label("worse", "zh")
    ('Higher (outside 99.8% limits)', '较差')
    """
    table = labels()
    section = next((s for s in STATUS_SECTIONS if category in table[s]), "legend")
    return upper_first(label(section, category, lang))


def legend_text(key: str, lang: str, **values: object) -> str:
    """A legend entry of a chart element: ``95% limits``, ``观察值及95%置信区间``."""
    return label("legend", key, lang, **values)


def axis_unit(unit: str, lang: str, denominator: str = "") -> str:
    """A unit as an axis shows it: ``per 100,000 live births``, ``1/10万``, ``‰``, ``%``."""
    return label("units", resolve_unit(unit).name, lang, "axis", denominator=denominator)


def named_axis(name: str, unit: str, lang: str) -> str:
    """``name (unit)``, ``name（unit）``, or the name alone without a unit."""
    return label("axis", "value", lang, name=name, unit=unit) if unit else name


def axis_title(indicator: Indicator | None, lang: str) -> str:
    """``Maternal mortality ratio (per 100,000 live births)``, ``孕产妇死亡率（1/10万）``."""
    if indicator is None:
        return heading("columns", "value", lang)
    unit = axis_unit(indicator.unit, lang, indicator.denominator.name.en)
    return named_axis(indicator_name(indicator, lang), unit, lang)


def value_label(value: float, indicator: Indicator | None, lang: str) -> str:
    """A value as a report writes it: ``7.42/10万``, ``2.23‰``, ``98.5%``, ``7.42``."""
    if math.isnan(value):
        return "–"
    if indicator is None:
        return f"{value:.2f}"
    spec = resolve_unit(indicator.unit)
    number = f"{value:.{indicator.decimals}f}"
    if lang == "zh":
        return number + unit_text(spec.name, "zh")
    return number + (spec.symbol if spec.symbol in {"%", "‰"} else "")


def target_label(target: Target, lang: str) -> str:
    """``Healthy China 2030: ≤ 12 per 100,000 by 2030``, ``健康中国2030：2030年≤12/10万``."""
    plan = target.plan.name.zh if lang == "zh" else target.plan.name.en
    key = "target" if target.year else "target_standing"
    return label("legend", key, lang, plan=plan, rule=target.rule_in(lang), year=target.year)
