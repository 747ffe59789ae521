"""dask DataFrames in, lazy dask DataFrames out.

``compute`` maps the pandas adapter over the partitions; ``pool`` sums the
counts by group lazily (carrying a count of missing values so that a missing
stratum makes its group NaN, as in pandas), then computes the small table of
sums in one partition. Nothing runs until the caller asks for the result.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Unpack

from mch_indicators._adapters._pandas._columns import (
    Columns,
    count_columns,
    numbers,
    resolve,
)
from mch_indicators._adapters._pandas._compute import compute_frame
from mch_indicators._adapters._pandas._pool import ROWS, pool, pool_keys, widened
from mch_indicators._errors import InvalidInputError
from mch_indicators._options import ComputeOptions, Options

if TYPE_CHECKING:
    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator

__all__ = ["compute_dask_frame", "is_dask_frame", "pool_dask_frame"]

_MISSING = "__mch_missing_{}__"


def is_dask_frame(data: object) -> bool:
    """True for a dask DataFrame (without importing dask when it is not loaded)."""
    module = sys.modules.get("dask.dataframe")
    return module is not None and isinstance(data, module.DataFrame)


def compute_dask_frame(
    frame: Any,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    catalog: Catalog | None = None,
    **options: Unpack[ComputeOptions],
) -> Any:
    """Lazy :func:`compute_frame` over the partitions of a dask DataFrame."""
    checked = Options.from_keywords(options).keywords()
    meta = compute_frame(
        frame._meta, indicator, numerator=numerator, denominator=denominator, catalog=catalog,
        **checked,
    )  # fmt: skip
    return frame.map_partitions(
        compute_frame, indicator, numerator=numerator, denominator=denominator,
        catalog=catalog, **checked, meta=meta,
    )  # fmt: skip


def pool_dask_frame(
    frame: Any,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    by: Columns = None,
    over: str | None = None,
    window: int | None = None,
    catalog: Catalog | None = None,
    **options: Unpack[ComputeOptions],
) -> Any:
    """Lazy :func:`pool` of a dask DataFrame: grouped sums, then one small partition."""
    checked = Options.from_keywords(options).keywords()
    chosen = None if indicator is None else resolve(indicator, catalog)
    meta_frame = frame._meta
    num, den = count_columns(meta_frame, chosen, numerator, denominator)
    keys = pool_keys(meta_frame, chosen, by, over, window)
    for column in (num, den):
        numbers(meta_frame, column)  # dtype checks on the meta frame
    if not keys:
        raise InvalidInputError("pooling a dask DataFrame needs by= (or over=) columns")
    narrow = widened(meta_frame, [num, den]).dtypes  # float32 sums lose counts: sum in float64
    frame = frame.astype({c: narrow[c] for c in (num, den) if narrow[c] != meta_frame[c].dtype})
    flags = {_MISSING.format(c): frame[c].isna().astype("int64") for c in (num, den)}
    sums = (
        frame.assign(**flags, **{ROWS: 1})  # ROWS: how many units each sum stands for
        .groupby(keys, sort=False, observed=True, dropna=False)[[num, den, *flags, ROWS]]
        .sum()
        .reset_index()
        .repartition(npartitions=1)
    )

    def finish(part: Any) -> Any:
        restored = part.copy()
        for column in (num, den):
            restored.loc[restored[_MISSING.format(column)] > 0, column] = float("nan")
        restored = restored.drop(columns=list(flags))
        restored[[num, den]] = restored[[num, den]].astype("float64")
        return pool(
            restored, indicator, numerator=num, denominator=den,
            by=[k for k in keys if k != "indicator"] or None, over=over, window=window,
            catalog=catalog, **checked,
        )  # fmt: skip

    meta = finish(sums._meta)
    return sums.map_partitions(finish, meta=meta)
