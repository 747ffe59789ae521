"""The office's own rate columns, compared with the rates recomputed from its counts.

An office's table often carries, beside its counts, the rates its spreadsheet
computed (``婴儿死亡率（‰）``, ``孕产妇死亡率(1/10万)``, ``早孕建册率%``). Such a
column is not a count and is not used: the library recomputes every rate from the
counts. But a spreadsheet's formula can be wrong (a rate averaged over townships, a
cell copied from last year, a row's formula pointing at the row below), and the
office reports the figure it sees. So a column whose header names an indicator the
table computes (by the indicator's id, names or aliases, folded as every header is)
and whose unit, if the header gives one, is a known display unit, is compared row by
row with the recomputed value, at the decimals the office wrote: each difference is
a check (``office_rate_differs``), and a column that agrees everywhere says so once
(``office_rate_agrees``). A column that cannot be read as numbers stays a column not
used. Nothing here changes a value.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mch_indicators._adapters._pandas._columns import label_of, numbers, percent_rows
from mch_indicators._checks import CheckRow, check_row, row_places
from mch_indicators._errors import MCHIndicatorsError
from mch_indicators._headers import fold_header
from mch_indicators._unitspec import resolve_unit, unit_specs

if TYPE_CHECKING:
    import numpy.typing as npt
    import pandas as pd

    from mch_indicators._model import Indicator

__all__ = ["OfficeRate", "compare_office_rates", "office_rates"]

#: a header's trailing unit: in brackets (``（1/10万）``, ``(‰)``), or a bare symbol or
#: ``/...`` after the name (``早孕建册率%``, ``孕产妇死亡率/10万``)
_TRAILING_UNIT = re.compile(
    r"^(?P<name>.+?)\s*(?:[(（](?P<bracketed>[^()（）]{1,20})[)）]|(?P<bare>[%％‰]|[/／][^/／]{1,12}))\s*$"
)
#: the most decimals read from an office's value (beyond this it is a computed float)
_MOST_DECIMALS = 6


@dataclass(frozen=True, slots=True)
class OfficeRate:
    """An office's rate column: its indicator, the indicator's two count columns, its scale.

    ``scale`` converts a recomputed value into the column's unit (the header's unit
    over the indicator's: 10 for a rate per 1,000 written per 10,000).
    """

    column: Hashable
    indicator: Indicator
    counts: tuple[Hashable, Hashable]
    scale: float


def office_rates(
    frame: pd.DataFrame,
    candidates: Sequence[Hashable],
    indicators: Sequence[Indicator],
    counts: Sequence[tuple[Hashable, Hashable]],
) -> list[OfficeRate]:
    """The columns among ``candidates`` that hold the office's own rates of ``indicators``.

    ``counts`` holds each indicator's numerator and denominator columns.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> table = pd.DataFrame({"婴儿死亡率（1/1000）": [2.5], "备注": ["x"]})
    >>> [(r.column, r.indicator.id, r.scale) for r in
    ...  office_rates(table, list(table.columns), [mch.get("IMR")], [("死亡", "活产")])]
    [('婴儿死亡率（1/1000）', 'infant_mortality_rate', 1.0)]
    """
    named: dict[str, list[int]] = {}
    for position, indicator in enumerate(indicators):
        texts = (indicator.id, indicator.name.en, indicator.name.zh, *indicator.aliases)
        for key in {fold_header(text) for text in texts}:
            named.setdefault(key, []).append(position)
    found = []
    for column in candidates:
        read = _named_rate(str(column), named)
        if read is None or not _readable(frame, column):
            continue
        position, unit = read
        indicator = indicators[position]
        own = unit_specs()[indicator.unit].scale
        numerator, denominator = counts[position]
        scale = unit / own if unit else 1.0
        found.append(OfficeRate(column, indicator, (numerator, denominator), scale))
    return found


def _named_rate(header: str, named: dict[str, list[int]]) -> tuple[int, float] | None:
    """``(indicator position, the header's unit scale or 0)`` if the header names one rate."""
    whole = named.get(fold_header(header), [])
    if len(whole) == 1:
        return whole[0], 0.0
    split = _TRAILING_UNIT.match(header.strip())
    if split is None:
        return None
    positions = named.get(fold_header(split["name"]), [])
    if len(positions) != 1:
        return None
    try:
        unit = resolve_unit(split["bracketed"] or split["bare"])
    except MCHIndicatorsError:
        return None
    return positions[0], float(unit.scale)


def _readable(frame: pd.DataFrame, column: Hashable) -> bool:
    try:
        numbers(frame, str(column), counts=False)
    except MCHIndicatorsError:
        return False
    return True


def compare_office_rates(
    frame: pd.DataFrame, rates: Sequence[OfficeRate], places: Sequence[tuple[str, str]]
) -> list[CheckRow]:
    """The checks of each office rate column against the rate recomputed from its row's counts.

    Every row of the office's ``frame`` is compared, total rows too (a 合计 row's
    rate averaged over its units instead of computed from its sums is a common
    spreadsheet error); ``places`` is each row's (area, period). A row is
    compared where both the office's value and the recomputed one exist; they
    agree when they differ by at most half a unit of the last decimal the office
    wrote.
    """
    found: list[CheckRow] = []
    for rate in rates:
        given = numbers(frame, str(rate.column), counts=False)
        ours = _recomputed(frame, rate)
        if ours is None:
            continue
        given, ours = _as_shown(frame, rate, given, ours)
        both = ~np.isnan(given) & ~np.isnan(ours)
        tolerance = 0.5 * 10.0 ** -_decimals(given) * (1 + 1e-9)
        with np.errstate(invalid="ignore"):
            differs = both & (np.abs(given - ours) > tolerance)
        name = {"zh": rate.indicator.name.zh, "en": rate.indicator.name.en}
        for position in np.flatnonzero(differs).tolist():
            unit, period = places[position]
            found.append(
                check_row(
                    "office_rate_differs", unit=unit, period=period, item=rate.column,
                    reported=given[position], expected=round(float(ours[position]), 4),
                    row=label_of(frame.index, position), indicator=name,
                )
            )  # fmt: skip
        if both.any() and not differs.any():
            found.append(check_row("office_rate_agrees", item=rate.column, indicator=name))
    return found


def _recomputed(frame: pd.DataFrame, rate: OfficeRate) -> npt.NDArray[np.float64] | None:
    """Each row's value of the indicator from its own counts, in the column's unit.

    None where a row's counts cannot be read or computed (the compute has
    already said why, for the rows it used).
    """
    try:
        numerator, denominator = (numbers(frame, str(c)) for c in rate.counts)
        result = rate.indicator.compute(numerator, denominator, on_invalid="flag")
    except MCHIndicatorsError:
        return None
    return np.asarray(result.value, dtype=np.float64) * rate.scale


def _as_shown(
    frame: pd.DataFrame,
    rate: OfficeRate,
    given: npt.NDArray[np.float64],
    ours: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Both as the office sees them: a cell formatted as a percentage (0.9279) is 92.79 (%)."""
    shown = frame.index.isin(list(percent_rows(frame, rate.column)))
    if not shown.any():
        return given, ours
    own = unit_specs()[rate.indicator.unit].scale
    percent = 100.0 / (own * rate.scale)
    return np.where(shown, given * 100.0, given), np.where(shown, ours * percent, ours)


def _decimals(given: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Per value, the decimals it was written with: its own, at least its column's.

    A spreadsheet shows a column with one format (``0.00``), so a value that reads
    with fewer decimals (``90`` for ``90.00``) was written with as many as the
    column's most among its rounded values; a value with more than six (a formula's
    stored result) is compared to six.
    """
    decimals = np.full(given.shape, float(_MOST_DECIMALS))
    with np.errstate(invalid="ignore"):
        for places in range(_MOST_DECIMALS - 1, -1, -1):
            scaled = given * 10.0**places
            whole = np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(np.abs(scaled), 1.0)
            decimals[whole] = places
    rounded = decimals[~np.isnan(given) & (decimals < _MOST_DECIMALS)]
    return np.maximum(decimals, rounded.max()) if rounded.size else decimals


def places_of(
    frame: pd.DataFrame, areas: Sequence[Hashable], periods: Sequence[Hashable]
) -> list[tuple[str, str]]:
    """Each row's area and period as shown (``石门县``, ``2023``; :func:`row_places`)."""
    return list(zip(row_places(frame, areas), row_places(frame, periods), strict=True))
