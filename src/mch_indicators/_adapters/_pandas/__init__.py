"""The pandas adapter, one module per concern.

``_columns`` holds the column checks every table adapter shares (dask checks
its meta frame with them); ``_compute`` computes row by row, ``_pool`` sums
strata by group and computes, ``_standardise`` standardises by age.
"""

from mch_indicators._adapters._pandas._compute import compute_frame
from mch_indicators._adapters._pandas._pool import pool
from mch_indicators._adapters._pandas._standardise import dsr, isr

__all__ = ["compute_frame", "dsr", "isr", "pool"]
