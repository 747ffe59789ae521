"""Decomposing the change of a crude rate between two periods or areas, from a table of strata.

The rows are one per population (a year, an area) and stratum (a birth-weight group,
an age group; or two stratum columns for a cross-classified composition), with the
stratum's events and population. The statistics are
:func:`mch_indicators.stats.decompose`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._adapters._columns import Columns, as_list, require, resolve
from mch_indicators._adapters._pandas._columns import (
    as_frame,
    check_counts,
    check_frame,
    row_label,
)
from mch_indicators._adapters._pandas._index import index_as_columns
from mch_indicators._adapters._pandas._labelled import analysis_columns
from mch_indicators._checks import attach
from mch_indicators._errors import InvalidInputError
from mch_indicators._optional import pandas
from mch_indicators.stats import decompose as array_decompose

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._model import Indicator

__all__ = ["decompose"]


def _populations(frame: pd.DataFrame, between: str, first: Any, second: Any) -> tuple[Any, Any]:
    values = list(dict.fromkeys(frame[between].tolist()))
    if first is None and second is None:
        if len(values) != 2:
            raise InvalidInputError(
                f"column {between!r} holds {len(values)} values ({values[:6]!r}); say which "
                "two to compare with first= and second="
            )
        low, high = sorted(values)
        return low, high
    for name, value in (("first", first), ("second", second)):
        if value is None or value not in values:
            raise InvalidInputError(
                f"{name}={value!r} is not a value of column {between!r} ({values[:6]!r})"
            )
    return first, second


def _grid(
    frame: pd.DataFrame, keys: list[str], events: Any, sizes: Any, between: str,
) -> tuple[Any, Any, list[Any]]:  # fmt: skip
    """Rates and sizes as arrays over the strata (1 or 2 axes); the strata's labels."""
    levels = [list(dict.fromkeys(frame[k].tolist())) for k in keys]
    shape = tuple(len(level) for level in levels)
    index = [
        np.array([level.index(v) for v in frame[k]]) for k, level in zip(keys, levels, strict=True)
    ]
    flat = np.ravel_multi_index(tuple(index), shape)
    seen = np.zeros(int(np.prod(shape)), dtype=np.int64)
    np.add.at(seen, flat, 1)
    if (seen > 1).any():
        position = int(np.flatnonzero(seen[flat] > 1)[0])
        raise InvalidInputError(
            f"two rows for {row_label(frame, position, [between, *keys])}; sum each stratum's "
            "counts first"
        )
    count = np.zeros(seen.size)
    size = np.zeros(seen.size)
    count[flat], size[flat] = events, sizes
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(size > 0, count / np.where(size > 0, size, 1.0), np.nan)
    return rate.reshape(shape), size.reshape(shape), levels


def decompose(
    frame: pd.DataFrame,
    indicator: str | Indicator | None = None,
    *,
    strata: Columns,
    between: str,
    first: Any = None,
    second: Any = None,
    numerator: str | None = None,
    denominator: str | None = None,
    method: str = "das-gupta",
    multiplier: float | None = None,
) -> pd.DataFrame:
    """How much of a change in a crude rate is composition, and how much the stratum rates.

    Kitagawa's (one stratum variable) or Das Gupta's (one or two) decomposition of the
    difference between two populations' crude rates: how much of a fall in perinatal
    mortality comes from fewer low-birth-weight births (composition) and how much from
    lower weight-specific mortality (rates). See :func:`mch_indicators.stats.decompose`.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per population and stratum: the stratum's events and population.
    indicator : str or Indicator, optional
        Gives the count columns (its terms, found by the office's headers as
        :func:`mch_indicators.compute` finds them; total rows such as 合计 are
        taken out and checked, never a stratum) and the multiplier.
    strata : str or list of str
        The stratum column (``"birth_weight"``), or two for a cross-classified
        composition (``["birth_weight", "gestation"]``).
    between : str
        The column telling the two populations apart (``"year"``, ``"county"``).
    first, second : optional
        The two values of ``between`` to compare (default: its only two, sorted).
        The difference is second minus first.
    numerator, denominator : str, optional
        Count columns (default: the indicator's terms, or ``numerator`` and
        ``denominator``).
    method : {"das-gupta", "kitagawa"}, default "das-gupta"
    multiplier : float, optional
        Default: the indicator's (1,000 for ‰), else 1.

    Returns
    -------
    pandas.DataFrame
        One row per factor (each stratum column's composition, then ``rate``) and a
        last row ``crude``: ``first`` and ``second`` (the standardised rates; the
        crude rates on the last row), ``effect`` (they add up to the crude
        difference exactly) and ``percent`` of the difference. ``attrs`` name the
        two populations (``between``, ``first``, ``second``).

    Raises
    ------
    InvalidInputError
        Not exactly two populations, two rows for one stratum, a stratum with births
        in one population and none in the other... (naming it), negative counts.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> births = pd.DataFrame({
    ...     "year": [2015] * 3 + [2024] * 3,
    ...     "birth_weight": ["<1500 g", "1500-2499 g", ">=2500 g"] * 2,
    ...     "perinatal_deaths": [45, 35, 37, 26, 26, 28],
    ...     "births": [150, 700, 9150, 120, 650, 9230]})
    >>> out = mch.decompose(births, strata="birth_weight", between="year",
    ...                     numerator="perinatal_deaths", denominator="births",
    ...                     multiplier=1000)
    >>> out.round(2).values.tolist()
    [['birth_weight', 10.26, 9.29, -0.97, 26.26], ['rate', 11.14, 8.41, -2.73, 73.74], ['crude', 11.7, 8.0, -3.7, 100.0]]
    """  # noqa: E501
    frame = index_as_columns(check_frame(frame, "decompose"))[0]
    keys = as_list(strata)
    if not 1 <= len(keys) <= 2:
        raise InvalidInputError("strata: give one stratum column, or two (cross-classified)")
    chosen = resolve(indicator) if indicator is not None else None
    checks: list[Any] = []
    if chosen is None:
        require(frame, [*keys, between], "column")
        num, den = numerator or "numerator", denominator or "denominator"
        require(frame, [num, den], "count column")
    else:  # the office's headers, total rows (合计) taken out and checked
        found = analysis_columns(frame, chosen, numerator, denominator, [between, *keys])
        frame, num, den, checks = found.frame, found.numerator, found.denominator, found.checks
        between, keys = found.keys[0], found.keys[1:]
    counts = check_counts(frame, [num, den], [between, *keys])
    scale = multiplier if multiplier is not None else (float(chosen.scale) if chosen else 1.0)
    one, two = _populations(frame, between, first, second)
    grids = []
    for value in (one, two):
        rows = (frame[between] == value).to_numpy()
        grids.append(_grid(frame[rows], keys, counts[num][rows], counts[den][rows], between))
    if grids[0][2] != grids[1][2]:
        grids = [_align(grid, grids) for grid in grids]
    result = array_decompose(grids[0][0], grids[0][1], grids[1][0], grids[1][1], method=method,
                             names=[*keys, "rate"], multiplier=scale)  # fmt: skip
    table = pandas().DataFrame({
        "factor": [*result.factors, "crude"],
        "first": [*result.standardised[:, 0], result.crude[0]],
        "second": [*result.standardised[:, 1], result.crude[1]],
        "effect": [*result.effects, result.difference],
        "percent": [*result.percent, 100.0 if result.difference else np.nan],
    })  # fmt: skip
    table.attrs.update({"between": between, "first": one, "second": two})
    return attach(as_frame(table), checks)


def _align(grid: tuple[Any, Any, list[Any]], grids: list[Any]) -> tuple[Any, Any, list[Any]]:
    """The grid on the union of both populations' strata (size 0 where a stratum is absent)."""
    levels = [list(dict.fromkeys(a + b)) for a, b in zip(grids[0][2], grids[1][2], strict=True)]
    shape = tuple(len(level) for level in levels)
    rate, size = np.full(shape, np.nan), np.zeros(shape)
    positions = [[level.index(v) for v in own] for level, own in zip(levels, grid[2], strict=True)]
    where = np.ix_(*positions)
    rate[where], size[where] = grid[0], grid[1]
    return rate, size, levels
