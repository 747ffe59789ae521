"""The columns of an analysis by the office's own headers: one matcher for every entry point.

:func:`mch_indicators.funnel`, :func:`mch_indicators.compare`,
:func:`mch_indicators.trend` and :func:`mch_indicators.trend_line` find their
count columns as :func:`mch_indicators.compute` does (the term's id, Chinese or
English name, or alias: ``婴儿死亡数``, ``infant_deaths``), and their ``by`` and
``period`` columns by header or field id (``by="乡镇"`` or ``by="township"``,
``period="year"`` finding ``年份``). Their rows are made units as compute's
are: rows labelled as totals (合计, 全县...) are taken out and checked, and two
rows of one unit, period and group are an error naming both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mch_indicators._adapters._columns import as_list, require
from mch_indicators._adapters._pandas._columns import FloatArray, check_counts
from mch_indicators._adapters._pandas._compute import single_columns
from mch_indicators._adapters._pandas._units import (
    Totals,
    label_columns,
    office_units,
    year_columns,
)
from mch_indicators._checks import CheckRow
from mch_indicators._errors import MCHIndicatorsError

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._adapters._columns import Columns
    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator

__all__ = ["Found", "analysis_columns"]


@dataclass(frozen=True, slots=True)
class Found:
    """The unit rows and the columns an analysis uses, and the checks of the rows."""

    frame: pd.DataFrame
    numerator: str
    denominator: str
    keys: list[str]
    period: str | None
    checks: list[CheckRow]

    def counts(self) -> tuple[FloatArray, FloatArray]:
        """The numerator and denominator as float64; a negative or infinite count refused.

        The row is named by its keys (and period).
        """
        named = [*self.keys, *([self.period] if self.period is not None else [])]
        counts = check_counts(self.frame, [self.numerator, self.denominator], named)
        return counts[self.numerator], counts[self.denominator]


def _label_column(frame: pd.DataFrame, key: str, catalog: Catalog | None) -> str:
    """A column given by its header, or by the field it holds (``township`` for 乡镇)."""
    from mch_indicators._adapters._pandas._match import header_target, match_columns

    if key in frame.columns:
        return key
    chosen = catalog if catalog is not None else _builtin()
    target = header_target(key, chosen)
    try:
        fields = match_columns(frame, catalog=chosen).fields
    except MCHIndicatorsError:
        fields = {}
    if target is not None and target in fields:
        return str(fields[target])
    if key in fields:
        return str(fields[key])
    require(frame, [key], "column")
    return key  # pragma: no cover - require raised


def analysis_columns(
    frame: pd.DataFrame,
    indicator: Indicator,
    numerator: str | None,
    denominator: str | None,
    by: Columns,
    period: str | None = None,
    catalog: Catalog | None = None,
    totals: Totals = "check",
) -> Found:
    """The count, group and period columns of an analysis, and its unit rows."""
    from mch_indicators._adapters._pandas._match import match_columns

    num, den, _ = single_columns(frame, indicator, numerator, denominator, None, catalog)
    keys = [_label_column(frame, str(key), catalog) for key in as_list(by)]
    when = _label_column(frame, period, catalog) if period is not None else None
    check_counts(frame, [num, den], [*keys, *([when] if when else [])])  # names rows by keys
    try:
        match = match_columns([c for c in frame.columns if c not in {num, den}], catalog=catalog)
    except MCHIndicatorsError:
        return Found(frame, num, den, keys, when, [])
    areas, periods = label_columns(match)
    if when is not None and when not in periods:
        periods = [*periods, when]
    others = [k for k in keys if k not in areas and k not in periods]
    units, checks = office_units(
        frame,
        areas=areas,
        periods=periods,
        counts=[num, den],
        others=others,
        sums=False,
        totals=totals,
        years=year_columns(match),
    )
    return Found(units, num, den, keys, when, checks)


def _builtin() -> Catalog:
    from mch_indicators._catalog import builtin_catalog

    return builtin_catalog()
