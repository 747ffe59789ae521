"""Trends of the areas of a tidy pandas DataFrame (one row per area and period).

The rows are pivoted to an (areas × periods) array and every area is fitted in
one call of :func:`mch_indicators.stats.trend`; a target, if given, is assessed
at its year from each area's fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._adapters._columns import Columns, resolve
from mch_indicators._adapters._pandas._columns import (
    check_frame,
    group_codes,
    numbers,
    row_label,
)
from mch_indicators._adapters._pandas._index import index_as_columns
from mch_indicators._adapters._pandas._labelled import analysis_columns
from mch_indicators._checks import attach
from mch_indicators._display import in_language
from mch_indicators._errors import InvalidInputError
from mch_indicators._labels import check_lang, translate
from mch_indicators.stats import Trend
from mch_indicators.stats import trend as array_trend
from mch_indicators.stats._trend import MIN_POINTS

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._model import Indicator
    from mch_indicators._targets import Target

__all__ = ["Pivoted", "pivot_counts", "trend", "trend_line"]


def trend(
    frame: pd.DataFrame,
    indicator: str | Indicator,
    *,
    by: Columns = None,
    period: str = "year",
    numerator: str | None = None,
    denominator: str | None = None,
    confidence: float = 0.95,
    dispersion: str = "quasi",
    min_points: int = MIN_POINTS,
    last: int | None = None,
    target: Target | None = None,
    baseline: str | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """The trend of each area, fitted to its counts, with the label Fingertips would give it.

    A log-linear Poisson model (rates, ratios) or a logistic binomial model
    (proportions) of each area's counts over ``period``: years with 0 events
    count. See :func:`mch_indicators.stats.trend`.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per area and period.
    indicator : str or Indicator
        Decides the model, the multiplier and which way is better.
    by : str or list of str, optional
        The columns naming an area (``"county"``); without it the whole frame
        is one series.
    period : str, default "year"
        The column of whole years.
    numerator, denominator : str, optional
        Count columns (default: the indicator's term ids).
    confidence, dispersion, min_points, last
        As for :func:`mch_indicators.stats.trend` (Fingertips: ``last=5``,
        ``confidence=0.998``).
    target : Target, optional
        Also project each area's trend line to the target's year and assess it
        there (:func:`mch_indicators.project_target`).
    baseline : str, optional
        For a relative target: the column of each area's baseline-year value
        (the same on every row of an area); without it the status is
        ``"needs baseline"``.
    lang : {"en", "zh"}, default "en"
        Language of the ``change``, ``assessment`` and ``target_status`` labels.

    Returns
    -------
    pandas.DataFrame
        One row per area: the ``by`` columns, ``points``, ``first``, ``last``,
        ``apc``, ``apc_lower``, ``apc_upper`` (annual % change), ``p_value``,
        ``dispersion``, ``arr``, ``arr_lower``, ``arr_upper`` (annual rate of
        reduction, continuous form), ``change``, ``assessment``, ``reason``;
        with a target, ``target_year``, ``projected``, ``projected_lower``,
        ``projected_upper`` (the line at the target's year and the line's
        interval), ``prediction_lower``, ``prediction_upper`` (the range the rate
        *observed* that year will fall in, with ``prediction_denominator``
        births: each area's latest year's), ``target_status``, ``target_clear``.

    Raises
    ------
    InvalidInputError
        Negative counts or two rows for one area and period (naming them), a
        period column that is not whole years, a target of another indicator.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> data = pd.DataFrame({"county": ["A"] * 5 + ["B"] * 5, "year": list(range(2020, 2025)) * 2,
    ...                      "infant_deaths": [95, 88, 80, 74, 66, 60, 62, 61, 63, 60],
    ...                      "live_births": [12000] * 10})
    >>> out = mch.trend(data, "IMR", by="county")
    >>> out[["county", "change", "assessment"]].values.tolist()
    [['A', 'decreasing', 'better'], ['B', 'no significant change', 'no significant change']]
    >>> out["apc"].round(1).tolist()
    [-8.6, 0.2]
    """
    chosen = resolve(indicator)
    table, fitted = _fit(
        frame, chosen, by=by, period=period, numerator=numerator, denominator=denominator,
        confidence=confidence, dispersion=dispersion, min_points=min_points, last=last,
        lang=lang, name="trend",
    )  # fmt: skip
    out = table.labels.copy()
    out["points"] = fitted.points
    first, last = table.span()
    counted = table.used.any(axis=1)
    out["first"] = np.where(counted, first, np.nan)
    out["last"] = np.where(counted, last, np.nan)
    for name in ("apc", "apc_lower", "apc_upper", "p_value", "dispersion"):
        out[name] = getattr(fitted, name)
    out["arr"], out["arr_lower"], out["arr_upper"] = fitted.arr()
    out["change"] = translate(fitted.change, lang)
    out["assessment"] = translate(fitted.assessment, lang)
    out["reason"] = fitted.reason.astype(object)
    if target is not None:
        _add_target(out, table, fitted, target, chosen, baseline)
        out["target_status"] = translate(out["target_status"].to_numpy(), lang)
    return attach(out, list(table.checks))


def _add_target(
    out: pd.DataFrame, table: Pivoted, fitted: Trend, target: Target, indicator: Indicator,
    baseline: str | None,
) -> None:  # fmt: skip
    from mch_indicators._progress import project_target
    from mch_indicators._targets import Target

    if not isinstance(target, Target):
        raise InvalidInputError("target= must be a Target, e.g. mch.targets_for('MMR')[0]")
    if target.indicator != indicator.id:
        raise InvalidInputError(
            f"{target.id} is a target for {target.indicator}, not {indicator.id}"
        )
    base = None
    if baseline is not None:
        values = numbers(table.frame, baseline, counts=False)
        base = np.full(len(table.labels), np.nan)
        base[table.codes] = values
    assessed = project_target(target, fitted, unit=indicator.unit, baseline=base)
    out["target_year"] = target.year
    out["projected"] = assessed.value
    out["projected_lower"] = assessed.lower
    out["projected_upper"] = assessed.upper
    out["prediction_lower"] = assessed.prediction_lower
    out["prediction_upper"] = assessed.prediction_upper
    out["prediction_denominator"] = assessed.prediction_denominator
    out["target_status"] = assessed.status.astype(object)
    out["target_clear"] = assessed.clear


def trend_line(
    frame: pd.DataFrame,
    indicator: str | Indicator,
    *,
    by: Columns = None,
    period: str = "year",
    numerator: str | None = None,
    denominator: str | None = None,
    to: int | None = None,
    confidence: float = 0.95,
    dispersion: str = "quasi",
    min_points: int = MIN_POINTS,
    last: int | None = None,
    lang: str = "en",
    assumed_denominator: float | None = None,
) -> pd.DataFrame:
    """The fitted trend line of each area, year by year, with the interval of the line.

    The same fit as :func:`mch_indicators.trend` (one model per area, on the
    counts), evaluated at every whole year from the first year of the frame to
    the last, or on to ``to`` (a target's year): the line a trend chart draws,
    and its projection.

    Parameters
    ----------
    frame, indicator, by, period, numerator, denominator
        As for :func:`mch_indicators.trend`.
    to : int, optional
        Carry the line on to this year (default: the last year of the frame).
    confidence, dispersion, min_points, last
        As for :func:`mch_indicators.stats.trend`.
    lang : {"en", "zh"}, default "en"
        Language of the column headers (``"zh"``: 年份, 拟合值...; for a table
        to show; the charts take the English one).
    assumed_denominator : float, optional
        The births (population...) of every year the area has no count for, for
        the prediction interval; default: each area's denominator of its latest
        year used.

    Returns
    -------
    pandas.DataFrame
        One row per area and year: the ``by`` columns, ``period``, ``fitted``,
        ``fitted_lower``, ``fitted_upper`` (in the indicator's unit; the
        interval of the expected value on the line, :meth:`Trend.projection`),
        ``prediction_lower``, ``prediction_upper`` (the range the rate *observed*
        in that year falls in, given ``prediction_denominator``: the year's own
        denominator where the area has one, else the assumed one;
        :meth:`Trend.prediction`) and ``projected`` (True outside the years the
        area's fit used). Areas whose trend cannot be calculated get NaN.

    Raises
    ------
    InvalidInputError
        As :func:`mch_indicators.trend`, and a ``to`` that is not a whole year.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> data = pd.DataFrame({"year": range(2020, 2025), "infant_deaths": [95, 88, 80, 74, 66],
    ...                      "live_births": [12000] * 5})
    >>> line = mch.trend_line(data, "IMR", to=2030)
    >>> line[["year", "fitted", "fitted_lower", "fitted_upper"]].round(2).iloc[[0, -1]]
        year  fitted  fitted_lower  fitted_upper
    0   2020    7.97          7.77          8.18
    10  2030    3.25          2.97          3.57
    >>> line.projected.tolist()[4:6]
    [False, True]
    >>> line[["prediction_lower", "prediction_upper"]].round(2).iloc[-1].tolist()
    [2.92, 3.61]
    """
    chosen = resolve(indicator)
    if to is not None and (isinstance(to, bool) or int(to) != to):
        raise InvalidInputError(f"to= must be a year, got {to!r}")
    table, fitted = _fit(
        frame, chosen, by=by, period=period, numerator=numerator, denominator=denominator,
        confidence=confidence, dispersion=dispersion, min_points=min_points, last=last,
        lang=lang, name="trend_line",
    )  # fmt: skip
    if table.years.size:
        first_year, last_year = float(table.years.min()), float(table.years.max())
        final_year = last_year if to is None else max(last_year, float(to))
        grid = np.arange(first_year, final_year + 1.0)
    else:  # no rows: no year to draw a line over
        grid = np.empty(0)
    value, lower, upper = fitted.projection(grid[:, None])  # (years, areas)
    start, end = table.span()
    areas, count = len(table.labels), grid.size
    out = table.labels.loc[table.labels.index.repeat(count)].reset_index(drop=True)
    out[table.period] = np.tile(grid, areas).astype(np.int64)
    out["fitted"] = value.T.ravel()
    out["fitted_lower"] = lower.T.ravel()
    out["fitted_upper"] = upper.T.ravel()
    births = _prediction_denominators(table, fitted, grid, assumed_denominator)  # (areas, years)
    _, low, high = fitted.prediction(grid[:, None], births.T)
    out["prediction_lower"] = low.T.ravel()
    out["prediction_upper"] = high.T.ravel()
    out["prediction_denominator"] = births.ravel()
    out["projected"] = ((grid[None, :] < start[:, None]) | (grid[None, :] > end[:, None])).ravel()
    return attach(in_language(out, lang), list(table.checks))


def _prediction_denominators(
    table: Pivoted, fitted: Trend, grid: Any, assumed: float | None
) -> Any:
    """Each area's denominator in each year of ``grid``: its own, else the assumed one."""
    if assumed is None:
        base = np.asarray(fitted.last_denominator, dtype=np.float64)
    elif isinstance(assumed, bool) or not 0 < float(assumed) < np.inf:
        raise InvalidInputError(f"assumed_denominator must be above 0, got {assumed!r}")
    else:
        base = np.full(len(table.labels), float(assumed))
    own = np.full((len(table.labels), grid.size), np.nan)
    column = np.searchsorted(table.years, grid)
    observed = (column < table.years.size) & (
        table.years[np.minimum(column, table.years.size - 1)] == grid
    )
    own[:, observed] = np.where(table.used, table.n, np.nan)[:, column[observed]]
    return np.where(np.isfinite(own), own, base[:, None])


@dataclass(frozen=True, slots=True)
class Pivoted:
    """A frame's counts pivoted to (areas × periods), with the areas' labels."""

    frame: pd.DataFrame
    labels: pd.DataFrame
    codes: Any
    years: Any
    x: Any
    n: Any
    period: str = "year"
    checks: tuple[Any, ...] = ()

    @property
    def used(self) -> Any:
        """The cells a fit uses (areas × periods): counts known over a denominator above 0."""
        return np.isfinite(self.x) & np.isfinite(self.n) & (self.n > 0)

    def span(self) -> tuple[Any, Any]:
        """Each area's first and last period used (inf and −inf for an area with none)."""
        used = self.used
        first = np.where(used, self.years, np.inf).min(axis=1, initial=np.inf)  # initial: no years
        last = np.where(used, self.years, -np.inf).max(axis=1, initial=-np.inf)
        return first, last


def pivot_counts(
    frame: pd.DataFrame, chosen: Indicator, *, by: Columns, period: str, numerator: str | None,
    denominator: str | None, lang: str, name: str,
) -> Pivoted:  # fmt: skip
    """Check the frame and pivot its counts to (areas × periods): one series per area.

    Shared by :func:`trend`, :func:`trend_line` and :func:`mch_indicators.joinpoint`:
    whole years, one row per area and period (two rows raise, naming them).
    """
    frame = index_as_columns(check_frame(frame, name))[0]
    check_lang(lang)
    found = analysis_columns(frame, chosen, numerator, denominator, by, period)
    frame, keys, period = found.frame, found.keys, str(found.period)
    x_rows, n_rows = found.counts()
    times = numbers(frame, period, counts=False)  # years: -5 is a year, not a bad count
    bad = ~np.isfinite(times) | (times != np.round(times))
    if bad.any():
        first = int(np.argmax(bad))
        raise InvalidInputError(
            f"column {period!r} must hold whole years; {row_label(frame, first, keys)} holds "
            f"{frame[period].iloc[first]!r}"
        )
    codes, labels = group_codes(frame, keys)
    years, column = np.unique(times, return_inverse=True)
    cell = codes * years.size + column
    _, first_seen, repeats = np.unique(cell, return_index=True, return_counts=True)
    if (repeats > 1).any():
        position = int(first_seen[np.argmax(repeats > 1)])
        raise InvalidInputError(
            f"two rows for {row_label(frame, position, [*keys, period])}; sum the counts of "
            "each area and period first (mch.pool)"
        )
    shape = (len(labels), years.size)
    x, n = np.full(shape, np.nan), np.full(shape, np.nan)
    x[codes, column], n[codes, column] = x_rows, n_rows
    return Pivoted(frame, labels, codes, years, x, n, period, tuple(found.checks))


def _fit(
    frame: pd.DataFrame, chosen: Indicator, *, by: Columns, period: str, numerator: str | None,
    denominator: str | None, confidence: float, dispersion: str, min_points: int,
    last: int | None, lang: str, name: str,
) -> tuple[Pivoted, Trend]:  # fmt: skip
    """Pivot the rows to (areas × periods) and fit every area in one call."""
    table = pivot_counts(
        frame, chosen, by=by, period=period, numerator=numerator, denominator=denominator,
        lang=lang, name=name,
    )  # fmt: skip
    fitted = array_trend(
        table.x, table.n, table.years, family=chosen.kind.family, confidence=confidence,
        dispersion=dispersion, direction=chosen.direction.value, min_points=min_points,
        last=last, multiplier=float(chosen.scale),
    )  # fmt: skip
    return table, fitted
