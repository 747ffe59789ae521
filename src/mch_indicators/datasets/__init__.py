"""The bundled example tables (data only; read them with ``importlib.resources``).

- ``example_prefecture.csv``: a synthetic prefecture of 12 counties over five years
  (2020-2024), as a long table (county, year, the counts of the mortality and care
  indicators).
- ``example_office.csv`` (GBK) and ``example_office.xlsx``: the same draws as a county
  office keeps them, one wide table with the national report forms' Chinese headers.
- ``example_gestation.csv``: a synthetic birth register (one row per birth) for the record
  rules.

>>> from importlib import resources
>>> import mch_indicators as mch
>>> table = mch.read_table(resources.files("mch_indicators.datasets") / "example_prefecture.csv")
>>> len(table) > 0
True
"""
