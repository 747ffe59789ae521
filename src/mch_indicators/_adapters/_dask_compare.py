"""Comparisons on dask DataFrames, lazily, where they are row by row.

A benchmark value, a target or a benchmark column compares each row on its own,
so :func:`compare` maps the pandas adapter over the partitions. Funnels, trends
and area-versus-rest comparisons need every row of a group together: pool the
dask frame to one row per area and period (``mch.pool``) and compute it first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Unpack

from mch_indicators._adapters._keywords import CompareKeywords
from mch_indicators._adapters._pandas._compare import compare
from mch_indicators._errors import InvalidInputError

if TYPE_CHECKING:
    from mch_indicators._model import Indicator

__all__ = ["compare_dask_frame"]


def compare_dask_frame(
    frame: Any, indicator: str | Indicator, **keywords: Unpack[CompareKeywords]
) -> Any:
    """Lazy :func:`compare` over the partitions when the benchmark is row by row."""
    benchmark = keywords["benchmark"]
    if (isinstance(benchmark, str) and benchmark == "total") or isinstance(benchmark, Mapping):
        raise InvalidInputError(
            "compare() on a dask DataFrame takes a benchmark value, a Target or a benchmark "
            "column (row by row); for 'total' or a benchmark row, pool the frame to one row "
            "per area and period (mch.pool) and call .compute() first"
        )
    if hasattr(benchmark, "index") and hasattr(benchmark, "reindex"):
        raise InvalidInputError(
            "compare() on a dask DataFrame pairs no Series by label across partitions: put "
            "the benchmark in a column of the frame (assign or merge) and pass its name"
        )
    meta = compare(frame._meta, indicator, **keywords)
    return frame.map_partitions(compare, indicator, **keywords, meta=meta)
