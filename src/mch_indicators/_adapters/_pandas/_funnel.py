"""Funnel plots of a pandas DataFrame: per-area points and significance, and the limits.

One funnel per group (``by``, e.g. the year). Nothing is drawn: the frames hold the
numbers a funnel plot needs, and :func:`mch_indicators.plot.funnel` draws them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._adapters._columns import Columns, as_list, require, resolve
from mch_indicators._adapters._pandas._columns import (
    as_frame,
    check_counts,
    check_frame,
    group_codes,
)
from mch_indicators._adapters._pandas._compare import indicator_statistic
from mch_indicators._adapters._pandas._index import index_as_columns, index_restored
from mch_indicators._adapters._pandas._labelled import analysis_columns
from mch_indicators._checks import attach
from mch_indicators._errors import InvalidInputError
from mch_indicators._labels import check_lang, translate
from mch_indicators._optional import pandas
from mch_indicators.stats import funnel_dispersion, funnel_limits, funnel_significance
from mch_indicators.stats._funnels import GRID_POINTS

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._model import Indicator

__all__ = ["FunnelTable", "funnel"]


@dataclass(frozen=True, slots=True, eq=False)
class FunnelTable:
    """The numbers of a funnel plot, as two frames.

    Attributes
    ----------
    points : pandas.DataFrame
        The input frame, every row in order, with ``value`` (× multiplier),
        ``x`` (where the area is drawn: population, expected events, or
        population per year for rates), ``significance``, and with
        ``dispersion=``: ``z``, ``adjusted_z``, ``adjusted_significance``,
        ``phi`` and ``tau2``.
    limits : pandas.DataFrame
        PHE's limit table per group (``by`` columns first): 100 rows each.
    adjusted : pandas.DataFrame or None
        With ``dispersion=``: the over-dispersed limits per group (``by``
        columns first), 100 rows each: ``x`` (on the axis of ``points.x``),
        ``lower_2s_limit``, ``upper_2s_limit``, ``lower_3s_limit``,
        ``upper_3s_limit`` (:meth:`mch_indicators.stats.Dispersion.limits`).
    indicator : str or None
        The id of the indicator, when one was given.
    statistic : str
        ``"proportion"``, ``"ratio"`` or ``"rate"``.
    """

    points: pd.DataFrame
    limits: pd.DataFrame
    adjusted: pd.DataFrame | None = None
    indicator: str | None = None
    statistic: str = "proportion"


def funnel(
    frame: pd.DataFrame,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    by: Columns = None,
    statistic: str | None = None,
    ratio_type: str = "isr",
    years: float = 1.0,
    dispersion: str | None = None,
    method: str = "phe",
    lang: str = "en",
) -> FunnelTable:
    """Funnel-plot limits and each area's significance, as PHEindicatormethods computes them.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per area (and group): the counts.
    indicator : str or Indicator, optional
        Decides the statistic (proportion, or a crude rate of its numerator per
        its denominator) and the multiplier. Without it give ``statistic`` and
        both count columns (``statistic="ratio"``: observed and expected events).
    numerator, denominator : str, optional
        Count columns (default: the columns headed by the indicator's terms, by id,
        name or alias: ``infant_deaths``, ``婴儿死亡数``).
    by : str or list of str, optional
        One funnel per group (``"year"``, ``"年份"``): headers or field ids.
    ratio_type : {"isr", "count"}, default "isr"
        Ratios only.
    years : float, default 1
        Rates only: how many years each area's counts cover.
    dispersion : {"additive", "multiplicative"}, optional
        Also compare each area allowing for over-dispersion (Spiegelhalter).
    method : {"phe", "exact"}, default "phe"
    lang : {"en", "zh"}, default "en"
        Language of the significance labels.

    Returns
    -------
    FunnelTable
        ``points`` (the frame with value, x and significance), ``limits`` and,
        with ``dispersion``, the ``adjusted`` limits. A rate funnel of areas none
        of which had an event has NaN limits with a ``reason`` column (its
        average is 0: there is no funnel); its areas are "not significant".

    Raises
    ------
    InvalidInputError
        Missing or negative counts (naming the row), a numerator above its
        denominator, options that do not fit the statistic.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> data = pd.DataFrame({"county": list("ABCDE"),
    ...                      "facility_live_births": [9800, 15100, 7700, 12600, 4400],
    ...                      "live_births": [10000, 16000, 8000, 13000, 4500]})
    >>> f = mch.funnel(data, "hospital_delivery_rate_cn")
    >>> f.points[["county", "significance"]].values.tolist()[:2]
    [['A', 'high (0.001)'], ['B', 'low (0.001)']]
    >>> f.limits.shape, list(f.limits.columns[:3])
    ((100, 8), ['population', 'lower_2s_limit', 'upper_2s_limit'])
    """
    frame, moved = index_as_columns(check_frame(frame, "funnel"))
    check_lang(lang)
    keys = as_list(by)
    found: list[Any] = []
    if indicator is None:
        require(frame, keys, "by column")
        if statistic is None or numerator is None or denominator is None:
            raise InvalidInputError(
                "funnel() needs an indicator, or statistic=, numerator= and denominator="
            )
        kind, multiplier, indicator_id = statistic, None, None
        num, den = numerator, denominator
        require(frame, [num, den], "count column")
    else:
        chosen = resolve(indicator)
        kind = statistic or indicator_statistic(chosen)
        multiplier, indicator_id = float(chosen.scale), chosen.id
        labelled = analysis_columns(frame, chosen, numerator, denominator, keys)
        frame, num, den = labelled.frame, labelled.numerator, labelled.denominator
        keys, found = labelled.keys, labelled.checks
    counts = check_counts(frame, [num, den], keys)
    x, n = counts[num], counts[den]
    codes, labels = group_codes(frame, keys)
    pd = pandas()
    points = frame.copy()
    columns: dict[str, Any] = {}
    limit_frames, adjusted_frames = [], []
    for group in range(len(labels)):
        rows = np.flatnonzero(codes == group)
        options = _options(kind, multiplier, ratio_type, x[rows], n[rows])
        _no_missing(frame, rows, x, n, keys)
        significance = funnel_significance(x[rows], n[rows], **options)
        extra: dict[str, Any] = {"ratio_type": ratio_type} if kind == "ratio" else {}
        limits = funnel_limits(
            x[rows], n[rows], years=years if kind == "rate" else None, method=method, **options,
            **extra,
        )  # fmt: skip
        _put(columns, rows, len(frame), "value", significance.value)
        x_position = n[rows] / years if kind == "rate" else n[rows]
        _put(columns, rows, len(frame), "x", x_position)
        _put(columns, rows, len(frame), "significance", significance.significance, object)
        if dispersion is not None:
            adjusted = funnel_dispersion(x[rows], n[rows], model=dispersion, **options)
            _put(columns, rows, len(frame), "z", adjusted.z)
            _put(columns, rows, len(frame), "adjusted_z", adjusted.adjusted_z)
            _put(columns, rows, len(frame), "adjusted_significance", adjusted.significance,
                 object)  # fmt: skip
            _put(columns, rows, len(frame), "phi", np.full(rows.size, adjusted.phi))
            _put(columns, rows, len(frame), "tau2", np.full(rows.size, adjusted.tau2))
            span = years if kind == "rate" else 1.0
            grid = _adjusted_limits(adjusted, limits, x_position, span)
            adjusted_frames.append(_keyed(grid, keys, labels, group))
        limit_frames.append(_keyed(limits.columns(full=True), keys, labels, group))
    if not len(labels):  # no rows, so no group: the columns of a funnel, without rows
        none = np.empty(0)
        options = _options(kind, multiplier, ratio_type, none, none)
        extra = {"ratio_type": ratio_type} if kind == "ratio" else {}
        limits = funnel_limits(
            none, none, years=years if kind == "rate" else None, method=method, **options,
            **extra,
        )  # fmt: skip
        limit_frames.append(_keyed(limits.columns(full=True), keys, labels, None))
        for name in ("value", "x", "significance"):
            kind_of = object if name == "significance" else float
            _put(columns, none.astype(np.intp), 0, name, none, kind_of)
    for name, values in columns.items():
        points[name] = translate(values, lang) if "significance" in name else values
    extra_limits = None
    if adjusted_frames:
        extra_limits = as_frame(pd.concat(adjusted_frames, ignore_index=True))
    return FunnelTable(
        attach(index_restored(as_frame(points), moved), found),
        as_frame(pd.concat(limit_frames, ignore_index=True)), extra_limits, indicator_id, kind,
    )  # fmt: skip


def _keyed(columns: dict[str, Any], keys: list[str], labels: Any, group: int | None) -> Any:
    """A frame of ``columns`` with the group's ``by`` labels first (``None``: no rows)."""
    table = pandas().DataFrame(columns)
    if group is None:
        table = table.iloc[:0]
    for key in reversed(keys):
        label = labels[key].iloc[group] if group is not None else labels[key].iloc[:0]
        table.insert(0, key, label)
    return table


def _adjusted_limits(adjusted: Any, limits: Any, points_x: Any, years: float) -> dict[str, Any]:
    """The over-dispersed limits on 100 points across the plain funnel's x axis.

    Proportions reuse the funnel's population grid; ratios and rates, whose plain
    limits are drawn through x positions that differ per line, get a geometric grid
    (expected events, or population per year for rates) from half the smallest
    area to the end of the plain funnel.
    """
    if limits.statistic == "proportion":
        x = np.asarray(limits.grid, dtype=np.float64)
    else:
        drawn = np.concatenate([np.ravel(limits.lower_x), np.ravel(limits.upper_x)])
        drawn = drawn[np.isfinite(drawn) & (drawn > 0)]
        shown = np.asarray(points_x, dtype=np.float64)
        shown = shown[np.isfinite(shown) & (shown > 0)]
        start = min(shown.min() / 2.0, drawn.max() / 2.0) if shown.size else drawn.min()
        x = np.geomspace(max(start, drawn.min()), drawn.max(), GRID_POINTS)
    lower, upper = adjusted.limits(x * years)
    return {
        "x": x,
        "lower_2s_limit": lower[0], "upper_2s_limit": upper[0],
        "lower_3s_limit": lower[1], "upper_3s_limit": upper[1],
    }  # fmt: skip


def _options(
    kind: str, multiplier: float | None, ratio_type: str, x: Any, n: Any
) -> dict[str, Any]:
    if kind == "proportion":
        return {"statistic": "proportion", "multiplier": multiplier}
    if kind == "ratio":
        return {"statistic": "ratio"}
    if kind == "rate":
        scale = 100_000.0 if multiplier is None else multiplier
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(n > 0, x / n * scale, np.nan)
        return {"statistic": "rate", "multiplier": scale, "rate": rate, "rate_type": "crude"}
    raise InvalidInputError(f"statistic must be 'proportion', 'ratio' or 'rate', got {kind!r}")


def _no_missing(frame: pd.DataFrame, rows: Any, x: Any, n: Any, keys: list[str]) -> None:
    from mch_indicators._adapters._pandas._columns import row_label

    missing = np.isnan(x[rows]) | np.isnan(n[rows])
    if missing.any():
        first = int(rows[np.argmax(missing)])
        raise InvalidInputError(
            f"funnel: every area needs its counts (the funnel's average is over all of them); "
            f"missing at {row_label(frame, first, keys)}"
        )


def _put(
    columns: dict[str, Any], rows: Any, size: int, name: str, values: Any, dtype: Any = float
) -> None:
    if name not in columns:
        columns[name] = np.full(size, None if dtype is object else np.nan, dtype=dtype)
    columns[name][rows] = values
