"""Backends: the code that computes on each kind of frame, and the one registry of them.

Layout
------
``_registry``
    The one registry (:data:`~._registry.BACKENDS`): each backend says once which
    objects it takes (by the module and name of their class, so recognising a frame
    imports nothing), which operations it does and with which of its functions, and
    how a user gets a pandas DataFrame from it when it cannot. ``mch.compute``,
    ``mch.pool``... (:mod:`mch_indicators._api`) look the backend up by the type of
    the frame, resolve the indicator once and call the backend's function.
``_pandas/``
    pandas, one module per concern; the fullest backend, whose functions are the
    reference signatures and docstrings of the public table functions.
``_dask``, ``_dask_compare``, ``_spark``, ``_narwhals``, ``_xarray``, ``_arrays``
    dask, Spark, polars/pyarrow/DuckDB (through narwhals), xarray Datasets, and counts
    given as arrays. Each function declares, in its own signature, the keywords it takes:
    by name, or as ``**keywords: Unpack[...]`` of a TypedDict shared by the engines that
    take the same ones (``_keywords``, ``_standardise``), which the registry reads.
``_columns``, ``_sums``, ``_keywords``, ``_standardise``
    What several backends share: finding a table's columns; :class:`~._sums.Sums`, the
    typed table of sums every pooling backend (pandas, dask, Spark) hands to the one
    finish, instead of hidden columns passed between them, and :class:`~._sums.Pooling`,
    what a pool sums and how it finishes; the keywords of each operation on the engines.
``_native_tables``
    The small tables results are returned as, in the caller's library, and an engine's
    Arrow sums read as numpy: for pyarrow both without importing pandas.

Why a registry beside the backends rather than a package per backend (pandera's
``backends/``): the backends already live one module each here, and the functions they
share (the pandas finish of sums, the column finders) are imported across them; the
table of what each backend takes and does is what was written many times (eight
overloads and a chain of ``if is_dask_frame(...)`` per entry point), so that is what
became one table, ``_registry``. Each backend imports its library only when called, so
``import mch_indicators`` stays light and the libraries stay optional extras.
"""
