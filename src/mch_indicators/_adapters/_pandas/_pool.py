"""Pooling strata of a pandas DataFrame: sum the counts by group, then compute.

Rates are never averaged. The group sums are pandas' own (count columns are
checked, not copied); the interval work is on the small table of sums.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Unpack

import numpy as np

from mch_indicators._adapters._pandas._columns import (
    Columns,
    as_frame,
    as_list,
    check_frame,
    check_numeric,
    count_columns,
    frame_of,
    numbers,
    require,
    resolve,
    result_columns,
)
from mch_indicators._adapters._pandas._compute import compute_long
from mch_indicators._compute import compute_owned
from mch_indicators._errors import InvalidInputError
from mch_indicators._options import ComputeOptions, Options

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._model import Indicator

__all__ = ["compute_sums", "group_sums", "pool", "pool_keys", "rolling_sums"]


def group_sums(frame: pd.DataFrame, keys: list[str], counts: list[str]) -> pd.DataFrame:
    """Sums of ``counts`` by ``keys``; a missing count makes its group's sum NaN.

    The counts are summed in place by pandas (no float copy of a large frame);
    the result is float64.
    """
    for column in counts:
        check_numeric(frame, column)
    if not keys:
        sums = frame[counts].sum().to_frame().T.astype(np.float64)
        for column in counts:
            if frame[column].hasnans:
                sums[column] = np.nan
        return as_frame(sums)
    grouped = frame.groupby(keys, sort=True, observed=True, dropna=False)
    sums = grouped[counts].sum().astype(np.float64)
    for column in counts:
        if frame[column].hasnans:  # propagate missing counts, as summing by hand would
            missing = frame[column].isna().groupby([frame[k] for k in keys], observed=True,
                                                   dropna=False, sort=True).any()  # fmt: skip
            sums.loc[missing.to_numpy(), column] = np.nan
    return as_frame(sums.reset_index())


def rolling_sums(
    sums: pd.DataFrame, keys: list[str], over: str, window: int, counts: list[str]
) -> pd.DataFrame:
    """Sums over ``window`` consecutive values of ``over`` within the other keys."""
    others = [k for k in keys if k != over]
    steps = numbers(sums, over)
    if np.any(np.isnan(steps)) or np.any(steps != np.round(steps)):
        raise InvalidInputError(f"column {over!r} must hold whole numbers (years) to roll over")
    ordered = sums.sort_values([*others, over], kind="stable").reset_index(drop=True)
    group = ordered.groupby(others, sort=False, observed=True, dropna=False) if others else None
    rolled = {}
    for column in counts:
        series = ordered[column]
        rolled[column] = (
            group[column].rolling(window, min_periods=window).sum().reset_index(drop=True)
            if group is not None
            else series.rolling(window, min_periods=window).sum()
        )
    first = group[over].shift(window - 1) if group is not None else ordered[over].shift(window - 1)
    complete = ((ordered[over] - first) == window - 1).to_numpy()  # False where first is NaN
    out = ordered[keys].copy()
    start = (ordered[over] - (window - 1)).astype("int64").astype(str)
    out.insert(len(keys), "period", start + "–" + ordered[over].astype("int64").astype(str))
    for column in counts:
        out[column] = np.asarray(rolled[column], dtype=np.float64)
    return as_frame(out[complete].reset_index(drop=True))


def pool_keys(
    frame: pd.DataFrame,
    chosen: Indicator | None,
    by: Columns,
    over: str | None,
    window: int | None,
) -> list[str]:
    """Grouping columns of a pool: ``by``, then ``over``, then ``indicator`` for long tables."""
    keys = as_list(by)
    if (over is None) != (window is None):
        raise InvalidInputError("rolling windows need both over= (a year column) and window=")
    if over is not None and over not in keys:
        keys = [*keys, over]
    if window is not None and (
        isinstance(window, bool) or not isinstance(window, int) or window < 1
    ):
        raise InvalidInputError(f"window must be a whole number of periods >= 1, got {window!r}")
    if chosen is None and "indicator" not in keys:
        keys = [*keys, "indicator"]
    require(frame, keys, "grouping column")
    return keys


def compute_sums(
    sums: pd.DataFrame, chosen: Indicator | None, num: str, den: str, options: Options
) -> pd.DataFrame:
    """The indicator on a table of sums: its key columns, then the result columns."""
    x, n = sums[num].to_numpy(dtype=np.float64), sums[den].to_numpy(dtype=np.float64)
    if chosen is None:
        columns = compute_long(sums["indicator"].tolist(), x, n, options)
    else:
        result, owned = compute_owned(chosen, x, n, options)
        columns = result_columns(result, owned=owned)
    front = [k for k in sums.columns if k not in {num, den, "indicator"}]
    return frame_of(sums[front], columns, sums.index)


def pool(
    frame: pd.DataFrame,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    by: Columns = None,
    over: str | None = None,
    window: int | None = None,
    split_out: int | None = None,
    **options: Unpack[ComputeOptions],
) -> pd.DataFrame:
    """Pool strata by summing numerators and denominators, then compute.

    Rates are never averaged: the counts of the strata of each group are summed
    and the indicator (with its interval and flags) is computed on the sums, so
    a county with 1 death in 100 births and one with 50 in 10,000 pool to 51 in
    10,100. This is the right rule for every kind: a coverage sums its planned
    denominators, a density its populations.

    Parameters
    ----------
    frame : pandas.DataFrame or dask DataFrame
        Counts, one row per stratum (county-year, age band...).
    indicator : str or Indicator, optional
        The indicator; without it the frame is a long table with an
        ``indicator`` column and each indicator is pooled separately.
    numerator, denominator : str, optional
        Count columns (default: the indicator's term ids, or ``numerator`` and
        ``denominator`` for a long table).
    by : str or list of str, optional
        Grouping columns (county → city: ``by="city"``); None pools all rows.
    over, window : str and int, optional
        Rolling pooled windows: ``over="year", window=3`` sums each run of 3
        consecutive years within the ``by`` groups (``over`` is added to them);
        rows with a year missing in the window are left out.
    split_out : int, optional
        For a dask DataFrame: how many partitions the sums by group are spread
        over (default: dask's choice from the number of partitions and keys).
        A pandas frame is pooled into one frame and ignores it.
    **options
        The compute options (:class:`~mch_indicators.ComputeOptions`), applied to
        the pooled counts.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns (and ``period`` for windows),
        ``indicator, numerator, denominator, value, lower, upper, unit, flags``.
        A missing count in any stratum makes its group NaN, flagged MISSING.
        Given a dask DataFrame, :func:`mch_indicators.pool` returns a lazy one
        (its rows in dask's order of the groups, not sorted).

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> counts = pd.DataFrame({"city": ["X", "X", "Y"], "county": ["a", "b", "c"],
    ...                        "deaths": [1, 2, 0], "births": [9000, 17954, 5000]})
    >>> out = mch.pool(counts, "MMR", numerator="deaths", denominator="births", by="city")
    >>> out[["city", "numerator", "denominator"]].to_dict("list")
    {'city': ['X', 'Y'], 'numerator': [3.0, 0.0], 'denominator': [26954.0, 5000.0]}
    >>> out["value"].round(2).tolist()
    [11.13, 0.0]
    """
    frame = check_frame(frame, "pool")
    checked = Options.from_keywords(options)
    chosen = None if indicator is None else resolve(indicator)
    num, den = count_columns(frame, chosen, numerator, denominator)
    keys = pool_keys(frame, chosen, by, over, window)
    if num in keys or den in keys:
        raise InvalidInputError("a count column cannot also be a grouping column")
    if chosen is None:  # "MMR" and "maternal_mortality_ratio" are one group
        ids = {key: resolve(str(key)).id for key in frame["indicator"].dropna().unique()}
        frame = frame.assign(indicator=frame["indicator"].map(ids))
    sums = group_sums(frame, keys, [num, den])
    if over is not None and window is not None:
        sums = rolling_sums(sums, keys, over, window, [num, den])
    return compute_sums(sums, chosen, num, den, checked)
