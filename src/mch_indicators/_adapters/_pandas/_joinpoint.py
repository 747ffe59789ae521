"""Joinpoint regression of the areas of a tidy pandas DataFrame (one row per area and period).

The rows are pivoted to an (areas × periods) array, as for :func:`mch.trend
<mch_indicators.trend>`, and every area is fitted in one call of
:func:`mch_indicators.stats.joinpoint`; the result is laid out as tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._adapters._columns import Columns, resolve
from mch_indicators._adapters._pandas._trend import pivot_counts
from mch_indicators._labels import translate
from mch_indicators.stats import Change, Joinpoint
from mch_indicators.stats import joinpoint as array_joinpoint

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._model import Indicator

__all__ = ["JoinpointTable", "joinpoint"]


@dataclass(frozen=True, slots=True, eq=False)
class JoinpointTable:
    """A joinpoint model per area, as tables (:func:`mch_indicators.joinpoint`).

    Attributes
    ----------
    models : pandas.DataFrame
        One row per area: the ``by`` columns, ``points``, ``first``, ``last``,
        ``joinpoints`` (the number chosen), ``aapc``, ``aapc_lower``,
        ``aapc_upper`` (over the area's whole range), ``reason``.
    segments : pandas.DataFrame
        One row per area and segment: the ``by`` columns, ``segment`` (1, 2, …),
        ``start``, ``end``, ``apc``, ``apc_lower``, ``apc_upper``, ``p_value``
        and ``change`` (increasing or decreasing where the interval excludes 0,
        else no significant change).
    joinpoints : pandas.DataFrame
        One row per area and joinpoint: the ``by`` columns, ``joinpoint`` (1, 2,
        …), the ``period`` column (the year) and its interval ``lower``, ``upper``.
    fitted : pandas.DataFrame
        One row per area and period: the ``by`` columns, ``period``,
        ``observed`` and ``fitted`` (in the indicator's unit).
    result : mch_indicators.stats.Joinpoint
        The fit itself, one series per row of ``models``.
    by : list of str
    period : str
    indicator : str
    """

    models: pd.DataFrame
    segments: pd.DataFrame
    joinpoints: pd.DataFrame
    fitted: pd.DataFrame
    result: Joinpoint
    by: list[str]
    period: str
    indicator: str

    def aapc(
        self, start: float | None = None, end: float | None = None, *,
        confidence: float | None = None,
    ) -> pd.DataFrame:  # fmt: skip
        """Each area's average annual percent change from ``start`` to ``end``.

        Defaults: each area's first and last year. One row per area: the ``by``
        columns, ``start``, ``end``, ``aapc``, ``aapc_lower``, ``aapc_upper``
        (:meth:`mch_indicators.stats.Joinpoint.aapc`; the interval is of the
        table's kind, parametric or empirical).

        Examples
        --------
        >>> import pandas as pd, mch_indicators as mch
        >>> data = pd.DataFrame({"year": range(2013, 2024), "live_births": [10000] * 11,
        ...                      "infant_deaths": [100, 90, 81, 73, 66, 66, 67, 67, 68, 69, 70]})
        >>> out = mch.joinpoint(data, "IMR").aapc(2015, 2023)
        >>> out.columns.tolist()
        ['start', 'end', 'aapc', 'aapc_lower', 'aapc_upper']
        >>> round(float(out["aapc"].iloc[0]), 2)
        -1.88
        """
        out = self.models[self.by].copy()
        first = self.result.first if start is None else np.full(len(out), float(start))
        last = self.result.last if end is None else np.full(len(out), float(end))
        out["start"], out["end"] = first, last
        out["aapc"], out["aapc_lower"], out["aapc_upper"] = self.result.aapc(
            first, last, confidence=confidence
        )
        return out


def joinpoint(
    frame: pd.DataFrame,
    indicator: str | Indicator,
    *,
    by: Columns = None,
    period: str = "year",
    numerator: str | None = None,
    denominator: str | None = None,
    max_joinpoints: int | None = None,
    model: str | None = None,
    selection: str = "wbic",
    min_segment: int = 2,
    min_end: int | None = None,
    permutations: int = 4499,
    seed: int = 0,
    confidence: float = 0.95,
    interval: str = "parametric",
    resamples: int = 1000,
    lang: str = "en",
) -> JoinpointTable:
    """Joinpoint regression of each area's counts: joinpoints, APC per segment and AAPC.

    Each area's counts over ``period`` are fitted by
    :func:`mch_indicators.stats.joinpoint` (all areas in one call): segments
    joined at observed years, their number chosen by the weighted BIC (NCI
    Joinpoint 5's default) or by permutation tests.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per area and period.
    indicator : str or Indicator
        Decides the model (Poisson for rates and ratios, binomial for
        proportions), the unit of ``fitted`` and the count columns.
    by : str or list of str, optional
        The columns naming an area; without it the whole frame is one series.
    period : str, default "year"
        The column of whole years.
    numerator, denominator : str, optional
        Count columns (default: the indicator's term ids).
    max_joinpoints, selection, min_segment, min_end, permutations, seed, confidence
        As for :func:`mch_indicators.stats.joinpoint`.
    interval : {"parametric", "empirical"}, default "parametric"
        Parametric intervals (joinpoints held fixed), or NCI Joinpoint 5's
        empirical quantile intervals from ``resamples`` resampled data sets per
        area (:func:`mch_indicators.stats.joinpoint` says when to choose which).
    resamples : int, default 1000
        Resampled data sets per area with ``interval="empirical"`` (at least 99,
        and enough for ``confidence``: 199 for 99 %).
    model : {"poisson", "binomial", "log-linear"}, optional
        Default: by the indicator's kind.
    lang : {"en", "zh"}, default "en"
        Language of the ``change`` labels.

    Returns
    -------
    JoinpointTable

    Raises
    ------
    InvalidInputError
        As :func:`mch_indicators.trend`: negative counts or two rows for one area
        and period (naming them), a period column that is not whole years.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> data = pd.DataFrame({"year": range(2013, 2024), "live_births": [10000] * 11,
    ...                      "infant_deaths": [100, 90, 81, 73, 66, 66, 67, 67, 68, 69, 70]})
    >>> table = mch.joinpoint(data, "IMR")
    >>> table.joinpoints[["joinpoint", "year"]].values.tolist()
    [[1, 2017]]
    >>> table.segments[["start", "end", "change"]].values.tolist()
    [[2013, 2017, 'decreasing'], [2017, 2023, 'increasing']]
    >>> table.segments["apc"].round(1).tolist()
    [-10.0, 1.0]
    """
    chosen = resolve(indicator)
    table = pivot_counts(
        frame, chosen, by=by, period=period, numerator=numerator, denominator=denominator,
        lang=lang, name="joinpoint",
    )  # fmt: skip
    fit = array_joinpoint(
        table.x, table.n, table.years, max_joinpoints=max_joinpoints,
        model=model or chosen.kind.family, selection=selection, min_segment=min_segment,
        min_end=min_end, permutations=permutations, seed=seed, confidence=confidence,
        multiplier=float(chosen.scale), interval=interval, resamples=resamples,
    )  # fmt: skip
    keys = list(table.labels.columns)
    return JoinpointTable(
        models=_models(table.labels, fit),
        segments=_segments(table.labels, fit, lang),
        joinpoints=_joinpoints(table.labels, fit, period),
        fitted=_fitted(table.labels, fit, table, period, float(chosen.scale)),
        result=fit, by=keys, period=period, indicator=chosen.id,
    )  # fmt: skip


def _repeat(labels: pd.DataFrame, mask: Any) -> pd.DataFrame:
    """The area labels repeated for each True of ``mask`` (areas × items), row-major."""
    rows = np.nonzero(mask)[0]
    return labels.iloc[rows].reset_index(drop=True)


def _models(labels: pd.DataFrame, fit: Joinpoint) -> pd.DataFrame:
    out = labels.copy().reset_index(drop=True)
    out["points"] = fit.points
    out["first"], out["last"] = fit.first, fit.last
    out["joinpoints"] = fit.joinpoints
    out["aapc"], out["aapc_lower"], out["aapc_upper"] = _whole_range_aapc(fit)
    out["reason"] = fit.reason.astype(object)
    return out


def _whole_range_aapc(fit: Joinpoint) -> tuple[Any, Any, Any]:
    ok = fit.last > fit.first
    start = np.where(ok, fit.first, 0.0)
    end = np.where(ok, fit.last, 1.0)
    values = fit.aapc(start, end)
    return tuple(np.where(ok, v, np.nan) for v in values)  # type: ignore[return-value]


def _segments(labels: pd.DataFrame, fit: Joinpoint, lang: str) -> pd.DataFrame:
    present = np.isfinite(fit.segment_start)
    out = _repeat(labels, present)
    out["segment"] = np.nonzero(present)[1] + 1
    out["start"] = fit.segment_start[present].astype(np.int64)
    out["end"] = fit.segment_end[present].astype(np.int64)
    for name, column in (("apc", fit.apc), ("apc_lower", fit.apc_lower),
                         ("apc_upper", fit.apc_upper), ("p_value", fit.apc_p_value)):  # fmt: skip
        out[name] = column[present]
    lower, upper = out["apc_lower"].to_numpy(), out["apc_upper"].to_numpy()
    change = np.select(
        [lower > 0, upper < 0],
        [Change.INCREASING.value, Change.DECREASING.value],
        Change.NO_CHANGE.value,
    )
    out["change"] = translate(change.astype(np.str_), lang)
    return out


def _joinpoints(labels: pd.DataFrame, fit: Joinpoint, period: str) -> pd.DataFrame:
    present = np.isfinite(fit.joinpoint_year)
    out = _repeat(labels, present)
    out["joinpoint"] = np.nonzero(present)[1] + 1
    out[period] = fit.joinpoint_year[present].astype(np.int64)
    out["lower"] = fit.joinpoint_lower[present]
    out["upper"] = fit.joinpoint_upper[present]
    return out


def _fitted(
    labels: pd.DataFrame, fit: Joinpoint, table: Any, period: str, scale: float
) -> pd.DataFrame:
    years = table.years
    out = labels.loc[labels.index.repeat(years.size)].reset_index(drop=True)
    out[period] = np.tile(years, len(labels)).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = np.where(table.n > 0, table.x / table.n, np.nan) * scale
    out["observed"] = observed.ravel()
    out["fitted"] = fit.fitted.ravel()
    return out
