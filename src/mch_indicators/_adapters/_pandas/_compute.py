"""pandas in, pandas out: compute an indicator on every row of a DataFrame.

Output frames are tidy: the input's index and its other columns first, then
``indicator, numerator, denominator, value, lower, upper, unit, flags`` (limits
suffixed ``_95``, ``_99.8``... when several levels are asked for). The input
frame is never modified.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np
import numpy.typing as npt

from mch_indicators._adapters._pandas._columns import (
    LabelCodes,
    check_frame,
    count_columns,
    frame_of,
    numbers,
    pandas,
    resolve,
    result_columns,
    text_array,
)
from mch_indicators._compute import compute_indicator, compute_owned
from mch_indicators._errors import InvalidInputError
from mch_indicators._options import ComputeOptions, Options
from mch_indicators._result import limit_columns

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._model import Indicator

__all__ = ["compute_frame", "compute_long"]

FloatArray = npt.NDArray[np.float64]


@cache
def _catalog_labels() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Categories of a long table's label columns: every built-in indicator, every unit."""
    from mch_indicators._catalog import builtin_catalog
    from mch_indicators.units import names

    return tuple(builtin_catalog()), names()


def compute_long(
    indicators: Sequence[Hashable],
    x: FloatArray,
    n: FloatArray,
    options: Options,
    *,
    lean: bool = False,
) -> dict[str, Any]:
    """Compute each indicator of a long table on its rows; columns in row order."""
    pd = pandas()
    codes, keys = pd.factorize(pd.Series(indicators, dtype=object), use_na_sentinel=True)
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0])
        raise InvalidInputError(f"column 'indicator' is empty at position {row}")
    labels = LabelCodes(x.size, *_catalog_labels())
    limits = [name for pair in limit_columns(options.confidence) for name in pair]
    names = ["value", *limits] if lean else ["numerator", "denominator", "value", *limits]
    columns: dict[str, Any] = {name: np.full(x.size, np.nan) for name in names}
    reasons: npt.NDArray[Any] | None = None
    for code, key in enumerate(keys):
        rows = np.flatnonzero(codes == code)
        try:
            result = compute_indicator(resolve(str(key)), x[rows], n[rows], options)
        except InvalidInputError as error:
            raise InvalidInputError(f"indicator {key!r}: {error}") from None
        labels.fill(result, rows)
        for name, values in result_columns(result, lean=lean).items():
            if name in {"indicator", "unit", "flags"}:
                continue
            if name == "suppressed_because":
                reasons = np.full(x.size, "", dtype=object) if reasons is None else reasons
                reasons[rows] = np.asarray(values, dtype=object)
                continue
            columns[name][rows] = values
    return _in_order(columns, labels, options, reasons, lean)


def _in_order(
    numbers: dict[str, FloatArray],
    labels: LabelCodes,
    options: Options,
    reasons: npt.NDArray[Any] | None,
    lean: bool,
) -> dict[str, Any]:
    """The columns of a long table in the order of :func:`result_columns`."""
    columns: dict[str, Any] = {} if lean else {"indicator": labels.column("indicator")}
    if not lean:
        columns["numerator"] = numbers.pop("numerator")
        columns["denominator"] = numbers.pop("denominator")
    columns.update(numbers)
    if not lean:
        columns["unit"] = labels.column("unit")
    columns["flags"] = labels.column("flags")
    if options.suppress is not None:
        columns["suppressed_because"] = text_array([] if reasons is None else list(reasons))
    return columns


def compute_frame(
    frame: pd.DataFrame,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    lean: bool = False,
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
    lean : bool, default False
        Keep only the result columns (``value``, the limits and ``flags``)
        after the frame's other columns: no ``indicator``, ``numerator``,
        ``denominator`` or ``unit`` repeated on every row. Select the columns
        to carry (``frame[["county", "year", "deaths", "births"]]``) for the
        leanest output.
    **options
        The compute options (:class:`~mch_indicators.ComputeOptions`).

    Returns
    -------
    pandas.DataFrame
        The kept columns, then ``indicator, numerator, denominator, value,
        lower, upper, unit, flags``, with the input's index. ``indicator``,
        ``unit`` and ``flags`` are categoricals (one byte per row; the codes of
        ``flags`` are the :class:`~mch_indicators.Flag` masks).

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
    checked = Options.from_keywords(options)
    chosen = None if indicator is None else resolve(indicator)
    num, den = count_columns(frame, chosen, numerator, denominator)
    x, n = numbers(frame, num), numbers(frame, den)
    if chosen is None:
        columns = compute_long(frame["indicator"].tolist(), x, n, checked, lean=lean)
    else:
        result, owned = compute_owned(chosen, x, n, checked)
        columns = result_columns(result, lean=lean, owned=owned)
    kept = [c for c in frame.columns if c not in {num, den, "indicator"}]
    if chosen is None and lean:
        kept.append("indicator")
    clash = [c for c in kept if c in columns]
    if clash:
        raise InvalidInputError(
            f"column {clash[0]!r} of the frame would be overwritten by a result column; "
            "rename it or leave it out"
        )
    # one constructor call: labels stay categoricals, nothing is inferred per row
    return frame_of(frame[kept], columns, frame.index)
