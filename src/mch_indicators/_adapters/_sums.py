"""Counts summed by group: what every pooling backend hands to the one finish.

pandas sums a frame's rows with pandas, dask with its tree reduction, Spark with its
own aggregation. Each then holds, per group, the key values, the summed numerator and
denominator, how many input rows (units) the group has and how many of them were summed
(a row left out by ``on_invalid="flag"`` or ``missing="skip"`` is a unit not summed).
:class:`Sums` is exactly that, typed; :class:`Pooling` says what was summed and how
to finish; :func:`finish` rolls the windows, computes the indicator and adds the
coverage columns, the same for every backend.

An engine's own table of sums (a dask partition, a Spark batch) names its two unit
counts :data:`UNITS` and :data:`POOLED`; :meth:`Sums.from_table` reads them there and
nowhere else: a user's frame is never searched for them.

The pandas adapter's helpers are imported where they are used: the pandas package
imports this module for its own pooling, so this module must import without it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError
from mch_indicators._optional import pandas
from mch_indicators.stats import Flag

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator
    from mch_indicators._options import Options

__all__ = ["POOLED", "UNITS", "Pooling", "Sums", "finish", "finish_table", "group_counts"]

FloatArray = npt.NDArray[np.float64]

#: In an engine's table of sums: how many input rows (units) a group has.
UNITS = "__mch_units__"
#: In an engine's table of sums: how many of those units were summed; absent, all.
POOLED = "__mch_pooled__"
_NUMERATOR, _DENOMINATOR = "__mch_numerator__", "__mch_denominator__"


def _frame(obj: Any) -> pd.DataFrame:
    return cast("pd.DataFrame", obj)


def _floats(table: pd.DataFrame, column: str) -> FloatArray:
    values: FloatArray = table[column].to_numpy(dtype=np.float64, na_value=np.nan)
    return values


@dataclass(frozen=True, eq=False)
class Sums:
    """One row per group: its keys, summed counts, units and units summed.

    ``keys`` holds the grouping columns (a long table's ``indicator`` among them);
    the arrays are float64, one element per row of ``keys``.
    """

    keys: pd.DataFrame
    numerator: FloatArray
    denominator: FloatArray
    units: FloatArray
    pooled: FloatArray

    @classmethod
    def from_table(cls, table: pd.DataFrame, keys: list[str], num: str, den: str) -> Sums:
        """From an engine's table of sums by ``keys`` (``num``, ``den``, :data:`UNITS`...)."""
        units = _floats(table, UNITS)
        pooled = _floats(table, POOLED) if POOLED in table.columns else units
        return cls(
            _frame(table[keys].reset_index(drop=True)),
            _floats(table, num), _floats(table, den), units, pooled,
        )  # fmt: skip

    def _table(self) -> pd.DataFrame:
        """The keys, then the four arrays under private names (for the rolling sums)."""
        counts = {_NUMERATOR: self.numerator, _DENOMINATOR: self.denominator}
        return _frame(self.keys.assign(**counts, **{UNITS: self.units, POOLED: self.pooled}))

    def rolled(self, over: str, window: int) -> Sums:
        """Sums over ``window`` consecutive values of ``over`` within the other keys.

        The keys gain a ``period`` column (``"2021–2023"``) after them; a window with
        a year missing is left out.
        """
        keys = list(self.keys.columns)
        table = _rolling(self._table(), keys, over, window)
        return Sums.from_table(table, [*keys, "period"], _NUMERATOR, _DENOMINATOR)


def _rolling(table: pd.DataFrame, keys: list[str], over: str, window: int) -> pd.DataFrame:
    """``table``'s counts over runs of ``window`` values of ``over`` (:meth:`Sums.rolled`)."""
    from mch_indicators._adapters._pandas._columns import numbers

    counts = [_NUMERATOR, _DENOMINATOR, UNITS, POOLED]
    others = [k for k in keys if k != over]
    steps = numbers(table, over, counts=False)
    if np.any(np.isnan(steps)) or np.any(steps != np.round(steps)):
        raise InvalidInputError(f"column {over!r} must hold whole numbers (years) to roll over")
    ordered = table.sort_values([*others, over], kind="stable").reset_index(drop=True)
    group = ordered.groupby(others, sort=False, observed=True, dropna=False) if others else None
    rolled = {}
    for column in counts:
        series = ordered[column]
        # back to the rows by their index, not by position: pandas 2 orders the groups
        # of a categorical key its own way (not by first appearance) even with sort=False
        rolled[column] = (
            group[column]
            .rolling(window, min_periods=window)
            .sum()
            .droplevel(list(range(len(others))))
            .reindex(ordered.index)
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
    return _frame(out[complete].reset_index(drop=True))


def _group_labels(keys: pd.DataFrame) -> pd.Index[Any]:
    """Each pooled row's group key (a value, or a tuple of values), to name it in messages."""
    module = pandas()
    if keys.shape[1] == 0:
        labels = module.Index(["all rows"] * len(keys))
    elif keys.shape[1] == 1:
        labels = module.Index(keys.iloc[:, 0])
    else:
        labels = module.MultiIndex.from_frame(keys)
    return cast("pd.Index[Any]", labels)


def _with_coverage(out: pd.DataFrame, units: FloatArray, pooled: FloatArray) -> pd.DataFrame:
    """``units`` and ``units_pooled`` columns; INCOMPLETE where some units were left out."""
    from mch_indicators._adapters._pandas._columns import flag_column, flag_masks

    flags = out["flags"]
    short = pooled < units
    if short.any():
        masks = flag_masks(flags)  # the categorical's codes are the masks
        masks[short] |= Flag.INCOMPLETE
        flags = flag_column(masks)
    return _frame(
        out.assign(flags=flags, units=units.astype(np.int64), units_pooled=pooled.astype(np.int64))
    )


@dataclass(frozen=True, slots=True, eq=False)
class Pooling:
    """What a pool sums and how it finishes, the same on every backend.

    ``keys`` are the grouping columns (``over`` among them for a rolling window;
    a long table's ``indicator`` last); ``chosen`` is None for a long table.
    """

    chosen: Indicator | None
    numerator: str
    denominator: str
    keys: list[str]
    options: Options
    catalog: Catalog | None = None
    over: str | None = None
    window: int | None = None

    def rolled_in_engine(self) -> Pooling:
        """The pooling of sums an engine has rolled itself: keyed by ``period`` too."""
        return replace(self, keys=[*self.keys, "period"], over=None, window=None)


def group_counts(
    numerator: FloatArray, denominator: FloatArray, pooled: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Each group's counts to compute: missing, not zero, where no unit was summed.

    A group whose every row was left out (``on_invalid="flag"``, ``missing="skip"``)
    reported nothing: its sums of nothing are 0, and 0 of 0 would read as a zero
    denominator. Every pooling backend computes these (the narwhals one too).

    Examples
    --------
    >>> x, n = group_counts(np.array([3.0, 0.0]), np.array([9.0, 0.0]), np.array([2.0, 0.0]))
    >>> x.tolist(), n.tolist()
    ([3.0, nan], [9.0, nan])
    """
    none = pooled == 0  # no unit reported: the group's counts are missing, not zero
    return np.where(none, np.nan, numerator), np.where(none, np.nan, denominator)


def finish(
    sums: Sums,
    chosen: Indicator | None,
    options: Options,
    catalog: Catalog | None = None,
    *,
    over: str | None = None,
    window: int | None = None,
) -> pd.DataFrame:
    """Pooled rows from :class:`Sums`: every pooling backend finishes here.

    Rolls the windows (``over``, ``window``), makes a group in which no unit was
    summed missing rather than zero, computes the indicator (each row's own for a
    long table, ``chosen`` None) and adds the ``units`` and ``units_pooled`` columns.
    """
    from mch_indicators._adapters._pandas._columns import frame_of, result_columns
    from mch_indicators._adapters._pandas._compute import compute_long, compute_rows

    if over is not None and window is not None:
        sums = sums.rolled(over, window)
    x, n = group_counts(sums.numerator, sums.denominator, sums.pooled)
    labels = _group_labels(sums.keys)
    if chosen is None:
        indicators = sums.keys["indicator"].tolist()
        columns = compute_long(indicators, x, n, options, labels, catalog)
    else:
        result, owned = compute_rows(chosen, x, n, options, labels)
        columns = result_columns(result, owned=owned)
    front = sums.keys[[k for k in sums.keys.columns if k != "indicator"]]
    out = frame_of(front, columns, sums.keys.index)
    return _with_coverage(out, sums.units, sums.pooled)


def finish_table(table: pd.DataFrame, pooling: Pooling) -> pd.DataFrame:
    """:func:`finish` of an engine's table of sums (a dask partition, a Spark batch)."""
    sums = Sums.from_table(table, pooling.keys, pooling.numerator, pooling.denominator)
    return finish(
        sums, pooling.chosen, pooling.options, pooling.catalog,
        over=pooling.over, window=pooling.window,
    )  # fmt: skip
