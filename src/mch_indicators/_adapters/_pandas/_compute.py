"""pandas in, pandas out: compute an indicator on every row of a DataFrame.

Output frames are tidy: the input's index and its other columns first, then
``indicator, numerator, denominator, value, lower, upper, unit, flags`` (limits
suffixed ``_95``, ``_99.8``... when several levels are asked for). The input
frame is never modified.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np
import numpy.typing as npt

from mch_indicators._adapters._pandas._columns import (
    as_frame,
    check_count_range,
    check_frame,
    count_columns,
    label_of,
    numbers,
    pandas,
    resolve,
    result_columns,
)
from mch_indicators._compute import compute_indicator
from mch_indicators._errors import InvalidInputError, UnknownIndicatorError
from mch_indicators._options import ComputeOptions, Options
from mch_indicators._result import limit_columns
from mch_indicators.stats._flags import Flag

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator
    from mch_indicators._result import Result

__all__ = ["compute_frame", "compute_long", "compute_rows", "empty_columns"]

FloatArray = npt.NDArray[np.float64]


def compute_rows(
    indicator: Indicator,
    x: FloatArray,
    n: FloatArray,
    options: Options,
    index: pd.Index[Any],
) -> Result:
    """:func:`compute_indicator` on rows of a table; an invalid row is named by its label.

    A numerator above the denominator of a proportion is found by computing with
    ``on_invalid="flag"``; when the options say ``"raise"``, the error then names
    the first such row by its index label (a county, a line of a file). Counts out
    of range are named the same way.
    """
    check_count_range(x, index, "numerator")
    check_count_range(n, index, "denominator", denominator=True)
    result = compute_indicator(indicator, x, n, dataclasses.replace(options, on_invalid="flag"))
    if options.on_invalid == "raise":
        invalid = np.flatnonzero(result.has_flag(Flag.INVALID))
        if invalid.size:
            first = int(invalid[0])
            row = label_of(index, first)
            reason = (
                f"numerator {x[first]:g} exceeds denominator {n[first]:g}, impossible for the "
                f"proportion {indicator.id}"
            )
            more = f" (and {invalid.size - 1} more rows)" if invalid.size > 1 else ""
            raise InvalidInputError(
                reason,
                row=row,
                message=f"row {row!r}: {reason}{more}; pass on_invalid='flag' to get NaN "
                "with an INVALID flag instead",
            )
    return result


def empty_columns(options: Options) -> dict[str, npt.NDArray[Any]]:
    """The result columns of no rows (what a long table without rows gives, as a dask meta)."""
    names = ["numerator", "denominator", "value"]
    names += [name for pair in limit_columns(options.confidence) for name in pair]
    text = ["unit", "flags", *(["suppressed_because"] if options.suppress else [])]
    return {
        "indicator": np.empty(0, dtype=object),
        **{name: np.empty(0) for name in names},
        **{name: np.empty(0, dtype=object) for name in text},
    }


def compute_long(
    indicators: Sequence[Hashable],
    x: FloatArray,
    n: FloatArray,
    options: Options,
    index: pd.Index[Any],
    catalog: Catalog | None = None,
) -> dict[str, npt.NDArray[Any]]:
    """Compute each indicator of a long table on its rows; columns in row order."""
    pd = pandas()
    codes, keys = pd.factorize(pd.Series(indicators, dtype=object), use_na_sentinel=True)
    if (codes < 0).any():
        row = label_of(index, int(np.flatnonzero(codes < 0)[0]))
        raise InvalidInputError(
            "the indicator is empty", column="indicator", row=row,
            message=f"column 'indicator' is empty at row {row!r}",
        )  # fmt: skip
    if not len(keys):
        return empty_columns(options)
    columns: dict[str, npt.NDArray[Any]] = {}
    for code, key in enumerate(keys):
        rows = np.flatnonzero(codes == code)
        try:
            chosen = resolve(str(key), catalog)
        except UnknownIndicatorError as error:
            raise UnknownIndicatorError(
                error.key, error.suggestions, shared=error.shared, column="indicator",
                row=label_of(index, int(rows[0])),
            ) from None  # fmt: skip
        try:
            result = compute_rows(chosen, x[rows], n[rows], options, index[rows])
        except InvalidInputError as error:
            if error.row is not None:
                raise
            raise InvalidInputError(f"indicator {key!r}: {error}") from None
        for name, values in result_columns(result).items():
            if name not in columns:  # numbers start as NaN, labels as ""
                numeric = values.dtype.kind == "f"
                columns[name] = np.full(
                    x.size, np.nan if numeric else "", dtype=None if numeric else object
                )
            columns[name][rows] = values
    return columns


def compute_frame(
    frame: pd.DataFrame,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    catalog: Catalog | None = None,
    **options: Unpack[ComputeOptions],
) -> pd.DataFrame:
    """Compute an indicator on every row of a DataFrame; a tidy frame out.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per stratum. Its index and every column other than the counts
        (and ``indicator``) are kept, in front.
    indicator : str or Indicator, optional
        The indicator of every row. Without it the frame is a long table with
        an ``indicator`` column, and each indicator is computed on its rows.
    numerator, denominator : str, optional
        Count columns; by default the indicator's term ids (``infant_deaths``
        and ``live_births`` for the infant mortality rate), or ``numerator``
        and ``denominator`` for a long table.
    catalog : Catalog, optional
        Where indicator keys are looked up (default: the built-in catalog); pass
        ``mch.catalog.merged(mch.load_definitions("mine.toml"))`` for your own.
    **options
        The compute options (:class:`~mch_indicators.ComputeOptions`).

    Returns
    -------
    pandas.DataFrame
        The kept columns, then ``indicator, numerator, denominator, value,
        lower, upper, unit, flags``, with the input's index.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> counts = pd.DataFrame({"county": ["A", "B"], "infant_deaths": [12, 3],
    ...                        "live_births": [4210, 980]})
    >>> out = mch.compute(counts, "infant_mortality_rate")
    >>> out[["county", "value", "flags"]].round(2).to_dict("list")
    {'county': ['A', 'B'], 'value': [2.85, 3.06], 'flags': ['UNRELIABLE', 'UNRELIABLE']}
    """
    frame = check_frame(frame, "compute")
    pd = pandas()
    checked = Options.from_keywords(options)
    chosen = None if indicator is None else resolve(indicator, catalog)
    num, den = count_columns(frame, chosen, numerator, denominator)
    x, n = numbers(frame, num), numbers(frame, den)
    if chosen is None:
        columns = compute_long(frame["indicator"].tolist(), x, n, checked, frame.index, catalog)
    else:
        columns = result_columns(compute_rows(chosen, x, n, checked, frame.index))
    kept = [c for c in frame.columns if c not in {num, den, "indicator"}]
    out = pd.DataFrame(columns, index=frame.index)
    return as_frame(pd.concat([frame[kept], out], axis=1) if kept else out)
