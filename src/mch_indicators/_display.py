"""Result tables as people read them: labels in one language, numbers rounded as reports print.

:func:`display_frame` turns any tidy result frame (from :func:`mch_indicators.compute`,
:func:`mch_indicators.pool` or :meth:`Result.to_frame`) into the frame a report shows:
indicator names instead of ids, units as written (``/10万``, ``‰``), flags in words,
column headers in ``lang``, values and limits rounded half up to each indicator's
``decimals`` (two by default). The CLI tables, the CSV for Excel and the Excel report
all come through here; nothing is computed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from mch_indicators._labels import check_lang, column_label, flag_text, label, unit_header
from mch_indicators._optional import pandas as _pandas

if TYPE_CHECKING:
    import pandas as pd


class _Names(Protocol):
    @property
    def en(self) -> str: ...
    @property
    def zh(self) -> str: ...


class Shown(Protocol):
    """What a display needs of an indicator (an :class:`~mch_indicators.Indicator` has it).

    Written here, below the model, so that the display tables never import the model.
    """

    @property
    def name(self) -> _Names: ...
    @property
    def unit(self) -> str: ...
    @property
    def decimals(self) -> int: ...


__all__ = [
    "COUNT_COLUMNS",
    "RESULT_COLUMNS",
    "display_frame",
    "display_width",
    "format_number",
    "header_with_unit",
    "in_language",
    "limit_names",
    "round_half_up",
    "terminal_text",
]

#: Columns of a tidy result that are not labels of the rows.
RESULT_COLUMNS = frozenset(
    {
        *("indicator", "numerator", "denominator", "value", "unit", "confidence", "method"),
        *("flags", "suppressed_because", "units", "units_pooled", "substitution"),
    }
)
#: Columns holding whole counts (printed without decimals).
COUNT_COLUMNS = ("numerator", "denominator", "units", "units_pooled")


def limit_names(columns: list[str]) -> list[str]:
    """The limit columns among ``columns`` (``lower``, ``upper_95``...)."""
    return [c for c in columns if c in ("lower", "upper") or c.startswith(("lower_", "upper_"))]


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal or in a spreadsheet cell: CJK characters take two.

    Wide and full-width characters (``unicodedata.east_asian_width`` W or F) count
    two, every other character one.

    Examples
    --------
    >>> display_width("孕产妇死亡率（/10万）"), display_width("MMR"), display_width("７")
    (21, 3, 2)
    """
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


#: What a terminal would act on instead of showing: C0 and C1 controls (ESC starts the
#: sequences that clear the screen or write the clipboard, CSI is ESC [ in one byte),
#: DEL, and the bidirectional controls that reorder the text after them.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def terminal_text(text: str, *, keep: str = "") -> str:
    r"""``text`` as a terminal should print it: control characters written as escapes.

    A user's file may hold an area label with ``ESC ] 52 ...`` (which sets the
    clipboard of many terminals) or ``ESC [ 2 J`` (which clears the screen); printed
    as it is, the terminal would run it. Each control character, and each
    bidirectional control, is written the way Python writes it in a string
    (``\x1b``, ``\t``, ``\u202e``), so the reader sees what the file holds and a
    table keeps its columns. The characters in ``keep`` (a line feed, for whole
    lines) stay as they are.

    Examples
    --------
    >>> print(terminal_text("甲县\x1b[2J\tB"))
    甲县\x1b[2J\tB
    >>> print(terminal_text("a\nb\r", keep="\n"))
    a
    b\r
    """
    if _CONTROLS.search(text) is None:
        return text
    if keep:
        return "".join(c if c in keep else _CONTROLS.sub(_escape, c) for c in text)
    return _CONTROLS.sub(_escape, text)


def round_half_up(values: npt.ArrayLike, decimals: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Round as reports do (四舍五入): halves away from zero, on the printed decimal.

    Binary noise is removed first (97.985 is stored as 97.98499999...), so the
    result is what rounding the decimal number by hand gives, unlike
    :func:`numpy.round`, which rounds halves to even.

    Examples
    --------
    >>> round_half_up([97.985, 2.225, 0.125, float("nan")], 2).tolist()
    [97.99, 2.23, 0.13, nan]
    """
    array = np.asarray(values, dtype=np.float64)
    scale = 10.0 ** np.asarray(decimals, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        scaled = np.round(np.abs(array) * scale, 6)
        rounded: npt.NDArray[np.float64] = np.sign(array) * np.floor(scaled + 0.5) / scale
    return rounded


def format_number(value: float, decimals: int) -> str:
    """A rounded number as text with exactly ``decimals`` places; ``""`` for NaN."""
    if value != value:  # NaN
        return ""
    return f"{float(round_half_up(value, decimals)):.{decimals}f}"


def _indicator_of(catalog: Mapping[str, Shown] | None) -> Callable[[str], Shown | None]:
    if catalog is None:
        raise ValueError("display_frame needs the catalog its indicator ids come from")
    chosen = catalog

    def find(key: str) -> Shown | None:
        return chosen.get(key)

    return find


def display_frame(
    frame: pd.DataFrame,
    lang: str = "en",
    *,
    catalog: Mapping[str, Shown] | None = None,
    text: bool = False,
    names: bool = True,
) -> pd.DataFrame:
    """A tidy result frame as a report shows it.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`compute`, :func:`pool` or :meth:`Result.to_frame`.
    lang : {"en", "zh"}
        Language of headers, names, units and flags.
    catalog : Catalog or mapping of id to Indicator
        Where indicator ids are looked up for names and decimals.
    text : bool, default False
        Numbers as text with a fixed number of places (``"7.40"``, counts
        ``"13957"``), for CSV and terminals; otherwise rounded floats.
    names : bool, default True
        Replace indicator ids by their names in ``lang``.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> out = mch.compute(pd.DataFrame({"maternal_deaths": [2], "live_births": [26954]}), "MMR")
    >>> display_frame(out, "zh", catalog=mch.catalog).iloc[0].to_dict()
    ... # doctest: +NORMALIZE_WHITESPACE
    {'指标': '孕产妇死亡率', '分子': 2, '分母': 26954, '数值': 7.42, '下限': 0.9, '上限': 26.8,
     '单位': '/10万', '标记': '数值不稳定'}
    """
    chosen = check_lang(lang)
    pd = _pandas()
    find = _indicator_of(catalog)
    out = frame.copy()
    columns = [str(c) for c in out.columns]
    indicators = [find(str(key)) for key in out["indicator"]] if "indicator" in columns else []
    decimals = np.array([2 if i is None else i.decimals for i in indicators] or [2] * len(out))
    for column in ["value", *limit_names(columns)]:
        if column in columns:
            values = round_half_up(out[column].to_numpy(dtype=np.float64), decimals)
            out[column] = (
                [format_number(v, int(d)) for v, d in zip(values, decimals, strict=True)]
                if text
                else values
            )
    for column in COUNT_COLUMNS:
        if column in columns:
            out[column] = _counts(out[column], text)
    if "unit" in columns:
        out["unit"] = [unit_header(str(u), chosen) for u in out["unit"]]
    if "method" in columns and chosen == "zh":  # English keeps the ids method= takes
        out["method"] = [label("methods", str(m), "zh") for m in out["method"]]
    if "flags" in columns:
        sep = "、" if chosen == "zh" else "|"
        out["flags"] = [flag_text(str(f), chosen, sep) for f in out["flags"]]
    if names and "indicator" in columns:
        out["indicator"] = [
            str(key) if i is None else getattr(i.name, chosen)
            for key, i in zip(out["indicator"], indicators, strict=True)
        ]
    out.columns = pd.Index([column_label(c, chosen) for c in columns])
    return out


def _counts(series: pd.Series[Any], text: bool) -> Any:
    values = series.to_numpy(dtype=np.float64)
    whole = np.isnan(values) | (values == np.round(values))
    if text:
        return [
            "" if v != v else (f"{v:.0f}" if w else f"{v:g}")
            for v, w in zip(values, whole, strict=True)
        ]
    if whole.all() and not np.isnan(values).any():
        return values.astype(np.int64)
    return values


def header_with_unit(indicator: Shown, lang: str) -> str:
    """``孕产妇死亡率（/10万）``: an indicator's name with its unit, for a column header.

    A Chinese header takes full-width brackets, as Chinese text does; the header
    folder (:func:`mch_indicators._headers.fold_header`) reads them and the ASCII
    ones of older reports alike.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> header_with_unit(mch.get("MMR"), "zh"), header_with_unit(mch.get("MMR"), "en")
    ('孕产妇死亡率（/10万）', 'Maternal mortality ratio (per 100,000)')
    """
    chosen = check_lang(lang)
    name = getattr(indicator.name, chosen)
    unit = unit_header(indicator.unit, chosen)
    return f"{name}（{unit}）" if chosen == "zh" else f"{name} ({unit})"


def in_language(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with its column headers in ``lang`` (known columns and fields; others kept).

    English gives the frame itself; Chinese a renamed copy (县区, 年份, 指标, 数值, 下限...).
    """
    if check_lang(lang) == "en":
        return frame
    renamed = {c: column_label(c, lang) for c in frame.columns if isinstance(c, str)}
    if isinstance(frame.columns, _pandas().MultiIndex):
        return frame.rename(columns=renamed, level=0).rename(columns=renamed, level=1)
    return frame.rename(columns=renamed)
