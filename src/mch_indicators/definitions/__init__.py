"""Data files of mch_indicators: indicator catalog, terms, units and example data.

Nothing here is code; the files are read with :mod:`tomllib` and :mod:`csv` and
validated by the models in :mod:`mch_indicators._model`.
"""
