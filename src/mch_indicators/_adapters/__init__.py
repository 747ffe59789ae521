"""Adapters between the numeric core and the table libraries: pandas, xarray, dask, Spark, polars.

Each adapter imports its library only when called, so ``import mch_indicators``
stays light and the libraries stay optional extras. What several backends share
lives here, beside them: ``_columns`` finds a table's count and key columns.
"""
