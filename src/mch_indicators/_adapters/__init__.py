"""Adapters between the numeric core and table libraries (pandas, xarray, dask).

Each adapter imports its library only when called, so ``import mch_indicators``
stays light and the libraries stay optional extras.
"""
