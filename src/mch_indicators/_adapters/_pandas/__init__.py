"""The pandas adapter, one module per concern.

``_columns`` holds the pandas column checks (numbers, flags, labels; dask checks
its meta frame with them; finding the columns is ``_adapters/_columns``, shared
with dask and Spark); ``_compute`` computes row by row, ``_pool`` sums
strata by group and computes, ``_standardise`` standardises by age, ``_compare``
compares areas with a benchmark, ``_funnel`` gives funnel limits and significance,
``_trend`` fits each area's trend, ``_joinpoint`` its joinpoint model, ``_smooth``
smooths small areas' rates, ``_decompose`` splits a change of a crude rate.
"""

from mch_indicators._adapters._pandas._compare import compare
from mch_indicators._adapters._pandas._compute import compute_frame
from mch_indicators._adapters._pandas._decompose import decompose
from mch_indicators._adapters._pandas._funnel import FunnelTable, funnel
from mch_indicators._adapters._pandas._joinpoint import JoinpointTable, joinpoint
from mch_indicators._adapters._pandas._pool import pool
from mch_indicators._adapters._pandas._smooth import smooth
from mch_indicators._adapters._pandas._standardise import dsr, isr
from mch_indicators._adapters._pandas._trend import trend, trend_line

__all__ = [
    "FunnelTable",
    "JoinpointTable",
    "compare",
    "compute_frame",
    "decompose",
    "dsr",
    "funnel",
    "isr",
    "joinpoint",
    "pool",
    "smooth",
    "trend",
    "trend_line",
]
